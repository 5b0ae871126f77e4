import CompatAPI
import DashboardCore
import DashboardRuntime
import Emulator
import Foundation
import Synchronization

import CNcurses

/// Bytes the heap holds now: malloc's in-use blocks plus the large ones it maps alone.
func heapInUse() -> Int { Int(confdash_heap_in_use()) }

/// `confdash-bench memory`: what the dashboard holds per conference and per participant, from one
/// real first poll of an emulator in another process (`--target URL`, credentials in the
/// environment) or in this one, measured as malloc's bytes in use before and after each piece is
/// let go. The emulator in this process is stopped and its world dropped before the figures.
func memoryBench(_ options: Options) async throws {
    let count = options.conferences ?? 2000
    let server: EmulatorServer?
    let endpoint: Endpoint, credentials: Credentials
    if let target = options.target {
        let environment = ProcessInfo.processInfo.environment
        guard let project = environment["SIGNALWIRE_PROJECT_ID"], let token = environment["SIGNALWIRE_API_TOKEN"] else {
            throw BenchError(description: "--target needs SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN")
        }
        endpoint = try Endpoint(target)
        credentials = Credentials(projectID: project, apiToken: token)
        server = nil
    } else {
        let started = try await startEmulator(conferences: count, latencyMs: 0)
        server = started.0
        endpoint = started.1.endpoint
        credentials = started.1.credentials
        await started.1.shutdown()
    }
    if let server {
        // Measured against it over HTTP; stopped only at the end, so its world is in "before".
        try await measureMemory(endpoint: endpoint, credentials: credentials, lean: false)
        try await measureMemory(endpoint: endpoint, credentials: credentials, lean: true)
        await server.stop()
    } else {
        try await measureMemory(endpoint: endpoint, credentials: credentials, lean: false)
        try await measureMemory(endpoint: endpoint, credentials: credentials, lean: true)
    }
}

/// One first poll (and the second, as the dashboard runs it) into a screen's state, then each
/// piece let go in turn.
func measureMemory(endpoint: Endpoint, credentials: Credentials, lean: Bool) async throws {
    let before = heapInUse()
    var client: CompatClient? = CompatClient(endpoint: endpoint, credentials: credentials, logger: quiet, leanReads: lean)
    var poller: ConferencePoller?
    let snapshots = Mutex<[PollSnapshot]>([])
    let source = HandOver(client!)
    poller = ConferencePoller(
        source: source, settings: .init(interval: .milliseconds(1), maxConcurrency: 16), logger: quiet,
        emit: { msg in if case .pollSucceeded(let s, _) = msg { snapshots.withLock { $0.append(s) } } })
    // Two polls, as the dashboard runs: the second finds the list unchanged.
    await poller!.run(limit: 2)
    guard var snapshot = snapshots.withLock({ $0.first }) else { throw BenchError(description: "the poll failed") }
    snapshots.withLock { $0 = [] }
    let conferences = snapshot.conferences.filter { $0.status.isLive }.count
    let participants = snapshot.participants.values.reduce(0) { $0 + $1.count }
    var state: AppState? = AppState(space: "bench", account: credentials.projectID, now: Date())
    _ = update(&state!, .resized(width: 200, height: 60))
    _ = update(&state!, .pollSucceeded(snapshot, at: Date()))
    snapshot = PollSnapshot(conferences: [], participants: [:])
    let everything = heapInUse()
    // What the dashboard's release of free memory (every 20 s, off its loop) costs with all this held.
    let releasing = ContinuousClock.now
    _ = confdash_release_free_memory()
    let release = ContinuousClock.now - releasing
    await client!.shutdown()
    let connectionsClosed = heapInUse()
    client = nil
    source.client.withLock { $0 = nil }
    let withoutClient = heapInUse()
    poller = nil
    let stateOnly = heapInUse()
    state!.rows.updateEach { $0.participants = [] }
    let withoutParticipants = heapInUse()
    state!.calls = [:]
    let withoutCalls = heapInUse()
    state = nil
    let after = heapInUse()

    func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
    print("memory, \(lean ? "lean reads (the dashboard's)" : "whole resources (the command line's)"): one first poll of \(conferences) live conferences, \(participants) participants (malloc bytes in use)")
    line("everything the dashboard holds", "\(mib(everything - before)), \((everything - before) / max(1, conferences)) bytes a conference with its participants and calls")
    line("  the client's connections", mib(everything - connectionsClosed))
    line("  (handing free memory back to the system, malloc_trim)", String(format: "%.2f ms", Double(release.components.seconds) * 1000 + Double(release.components.attoseconds) / 1e15))
    line("  the client's read cache", mib(connectionsClosed - withoutClient))
    line("  the poller's own", mib(withoutClient - stateOnly))
    line("  the screen's state", mib(stateOnly - after))
    line("    participants", "\(mib(stateOnly - withoutParticipants)), \((stateOnly - withoutParticipants) / max(1, participants)) bytes each")
    line("    calls (who is on each)", "\(mib(withoutParticipants - withoutCalls)), \((withoutParticipants - withoutCalls) / max(1, participants)) bytes each")
    line("    conferences and the rest", "\(mib(withoutCalls - after)), \((withoutCalls - after) / max(1, conferences)) bytes each")
    line(
        "  each value's own bytes (stride)",
        "participant \(MemoryLayout<Participant>.stride), call \(MemoryLayout<CallInfo>.stride), "
            + "conference row \(MemoryLayout<ConferenceRow>.stride), sid \(MemoryLayout<Sid>.stride), "
            + "date \(MemoryLayout<ServiceDate>.stride)")
}

/// The client behind a poller that can be let go while the poller stays, so that what the
/// client keeps (its read cache, its connections) is measured apart from what the poller keeps.
final class HandOver: ConferenceSource {
    let client: Mutex<CompatClient?>
    init(_ client: CompatClient) { self.client = Mutex(client) }
    var current: CompatClient {
        get throws {
            guard let client = client.withLock({ $0 }) else { throw CancellationError() }
            return client
        }
    }
    func liveConferences() async throws -> [Conference] { try await current.liveConferences() }
    func liveConferenceListing() async throws -> ConferenceListing { try await current.liveConferenceListing() }
    func recentlyCompleted() async throws -> [Conference] { try await current.recentlyCompleted() }
    func conference(_ sid: String) async throws -> Conference { try await current.conference(sid) }
    func participants(of conference: String) async throws -> [Participant] { try await current.participants(of: conference) }
    func inProgressCalls() async throws -> [String: Call] { try await current.inProgressCalls() }
    func inProgressCallListing() async throws -> CallListing { try await current.inProgressCallListing() }
    func call(_ sid: String) async throws -> Call { try await current.call(sid) }
    func recordings(of conference: String) async throws -> [Recording] { try await current.recordings(of: conference) }
    func recordings(ofCall call: String) async throws -> [Recording] { try await current.recordings(ofCall: call) }
}
