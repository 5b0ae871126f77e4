import AsyncHTTPClient
import CompatAPI
import Foundation
import Ledger
import Logging
import NIOCore
import ReceiverService
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// MARK: team receiver

/// The password of a `postgres://` store, from the environment: never in argv.
let storePasswordVariable = "CONFDASH_STORE_PASSWORD"
/// The signing key shared by `--serve` and `--target` runs (two processes), from the environment.
let signingKeyVariable = "CONFDASH_BENCH_SIGNING_KEY"

/// The team receiver (`confdash receiver`'s `ReceiverService`) under a steady load of signed
/// stream callbacks over loopback HTTP, each one stored before it is answered.
///
/// Open loop: callback `i` is due at `start + i / rate` whether or not the earlier ones have been
/// answered (up to `--in-flight` at once; beyond that the generator waits and says so), so a
/// slow store shows as latency rather than as a politely lower rate. Each stream gets a
/// `stream-started` and then a `stream-stopped`. Latency is from sending a callback to its 204.
///
/// Three ways to run it: the receiver and the generator in this process (the default); the
/// receiver alone (`--serve PORT`, until SIGTERM or SIGINT); the generator alone against a
/// receiver elsewhere (`--target URL`), with the key in `CONFDASH_BENCH_SIGNING_KEY` for both.
func receiverBench(_ options: Options) async throws {
    if let port = options.serve {
        try await serveReceiver(options, port: port)
        return
    }
    let key: String
    let url: String
    var running: (group: ServiceGroup, task: Task<Void, any Error>)?
    // Against a receiver elsewhere, a store is only opened to count what landed in it.
    let store =
        options.target != nil && options.store == nil
        ? nil : try openBenchStore(options.store, connections: options.storeConnections)
    defer { store?.cleanup() }
    if let target = options.target {
        key = try sharedSigningKey()
        url = target
    } else if let store {
        key = "PSKbench-" + UUID().uuidString
        let service = try ReceiverService(
            configuration: ReceiverConfiguration(port: 0, profiles: [ReceiverProfile(name: "bench", signingKey: key)]),
            store: store.ledger, logger: quiet)
        let (bound, boundSink) = AsyncStream.makeStream(of: Int.self)
        let group = service.serviceGroup(gracefulShutdownSignals: []) { boundSink.yield($0) }
        running = (group, Task { try await group.run() })
        var ports = bound.makeAsyncIterator()
        guard let port = await ports.next() else { throw BenchError(description: "the receiver did not start") }
        url = "http://127.0.0.1:\(port)\(ReceiverConfiguration.callbackPath(profile: "bench"))"
    } else {
        throw BenchError(description: "no store")
    }

    let rate = options.rate
    let total = rate * options.seconds
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = options.connections
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    func request(_ i: Int, run: String) -> HTTPClientRequest {
        let fields = [
            ("AccountSid", "AC-bench"), ("CallSid", ""), ("ConferenceSid", "CF-bench-\(i / 200)"),
            ("StreamSid", "MZ-\(run)-\(i / 2)"), ("StreamName", "bench-\(i / 2)"), ("StreamTrack", "both_tracks"),
            ("StreamEvent", i % 2 == 0 ? "stream-started" : "stream-stopped"),
            ("Timestamp", Date().formatted(.iso8601)), ("Unique-ID", UUID().uuidString),
        ]
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(
            name: WebhookSignature.headerName, value: WebhookSignature.compute(url: url, parameters: fields, key: key))
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return request
    }

    /// Sends `count` callbacks at `rate`; the latency of each 204 (ms) and every other answer.
    func load(count: Int, run: String) async -> (latencies: [Double], failures: [String: Int], stalls: Int, elapsed: Duration) {
        let tally = Tally()
        var stalls = 0
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Void.self) { tasks in
            for i in 0..<count {
                let due = start + .nanoseconds(Int64(i) * 1_000_000_000 / Int64(rate))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                while tally.inFlight.withLock({ $0 }) >= options.inFlight {
                    stalls += 1
                    await tasks.next()
                }
                tally.inFlight.withLock { $0 += 1 }
                let outgoing = request(i, run: run)
                tasks.addTask {
                    let sent = clock.now
                    do {
                        let response = try await http.execute(outgoing, timeout: .seconds(30), logger: quiet)
                        _ = try await response.body.collect(upTo: 4096)
                        if response.status.code == 204 {
                            let ms = milliseconds(clock.now - sent)
                            tally.latencies.withLock { $0.append(ms) }
                        } else {
                            tally.failures.withLock { $0["HTTP \(response.status.code)", default: 0] += 1 }
                        }
                    } catch {
                        tally.failures.withLock { $0["\(error)", default: 0] += 1 }
                    }
                    tally.inFlight.withLock { $0 -= 1 }
                }
            }
        }
        return (tally.latencies.withLock { $0 }, tally.failures.withLock { $0 }, stalls, clock.now - start)
    }

    let run = String(UUID().uuidString.prefix(8))
    let destination =
        options.target == nil ? "over loopback into \(store?.description ?? "?")" : "to the receiver at \(url)"
    print("team receiver: \(total) signed callbacks at \(rate)/s \(destination)")
    // A second of warm-up (connections opened, the store's first pages cached), not counted.
    _ = await load(count: min(rate, 1000), run: run + "w")
    let cpuBefore = processCPU()
    let result = await load(count: total, run: run)
    let cpu = processCPU() - cpuBefore
    let sorted = result.latencies.sorted()
    func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
    let seconds = milliseconds(result.elapsed) / 1000
    line("target rate", "\(rate) callbacks/s for \(options.seconds) s (\(total) callbacks)")
    line("achieved: stored and answered 204", String(format: "%d in %.2f s = %.0f callbacks/s", sorted.count, seconds, Double(sorted.count) / seconds))
    line("latency p50 / p99 / max (send to 204)", String(format: "%.2f / %.2f / %.2f ms", percentile(0.5), percentile(0.99), sorted.last ?? .nan))
    line("other answers", result.failures.isEmpty ? "none" : result.failures.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", "))
    line("generator waited for a free slot (\(options.inFlight) in flight)", "\(result.stalls) times")
    line(
        options.target == nil ? "CPU of this process (generator + receiver)" : "CPU of the generator process",
        String(format: "%.2f s = %.0f%% of one core, %.3f ms a callback", cpu, 100 * cpu / seconds, 1000 * cpu / Double(max(1, total))))
    if let store {
        let sids = Set((0..<(total + 1) / 2).map { "MZ-\(run)-\($0)" })
        let streams = try await store.ledger.streams(sids: sids)
        line("streams in the store afterwards", "\(streams.count) (expected \(sids.count))")
    }

    try await http.shutdown()
    if let running {
        await running.group.triggerGracefulShutdown()
        try await running.task.value
    }
    await store?.ledger.close()
}

/// `--serve PORT`: the receiver alone, one profile (`bench`, key from the environment), until
/// SIGTERM or SIGINT; then the callbacks it stored and the CPU it took, for the other half's figures.
func serveReceiver(_ options: Options, port: Int) async throws {
    let store = try openBenchStore(options.store, connections: options.storeConnections)
    defer { store.cleanup() }
    let counting = CountingStore(store.ledger)
    let service = try ReceiverService(
        configuration: ReceiverConfiguration(
            port: port, profiles: [ReceiverProfile(name: "bench", signingKey: try sharedSigningKey())]),
        store: counting, logger: quiet)
    let destination = store.description
    let group = service.serviceGroup { bound in
        print("receiver: listening at http://127.0.0.1:\(bound)\(ReceiverConfiguration.callbackPath(profile: "bench")), storing into \(destination)")
        fflush(nil)
    }
    let cpuBefore = processCPU()
    try await group.run()
    let cpu = processCPU() - cpuBefore
    line("receiver process: callbacks stored (warm-up included)", "\(counting.stored)")
    line(
        "receiver process: transactions (group commit)",
        String(format: "%d, %.1f callbacks each", counting.transactions, Double(counting.stored) / Double(max(1, counting.transactions))))
    line(
        "receiver process: CPU", String(format: "%.2f s, %.3f ms a callback", cpu, 1000 * cpu / Double(max(1, counting.stored))))
    await store.ledger.close()
}

func sharedSigningKey() throws -> String {
    guard let key = ProcessInfo.processInfo.environment[signingKeyVariable], !key.isEmpty else {
        throw BenchError(description: "--serve and --target take the signing key from \(signingKeyVariable)")
    }
    return key
}

/// The one place the bench opens a store: `--store` is a SQLite ledger file or a
/// `postgres://USER@HOST:PORT/DATABASE` URL (its password in `CONFDASH_STORE_PASSWORD`, never in
/// argv); without it, a fresh SQLite file in a temporary directory, removed afterwards.
/// `connections`: how many a PostgreSQL store may hold open (the ledger's default otherwise).
func openBenchStore(_ location: String?, connections: Int?) throws -> BenchStore {
    guard let location else {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-bench-\(UUID().uuidString)")
        let file = directory.appendingPathComponent(StreamLedger.fileName)
        return BenchStore(
            ledger: try StreamLedger(path: file), description: "a new SQLite ledger (a temporary file)",
            cleanup: { try? FileManager.default.removeItem(at: directory) })
    }
    let password = ProcessInfo.processInfo.environment[storePasswordVariable]
    switch try StoreLocation.parse(location, password: password) {
    case .file(let path):
        return BenchStore(ledger: try StreamLedger(path: path), description: "the SQLite ledger \(path.path)", cleanup: {})
    case .postgres(var settings):
        if let connections { settings.maximumConnections = connections }
        return BenchStore(
            ledger: StreamLedger(postgres: settings),
            description: "PostgreSQL at \(settings.location) (\(settings.maximumConnections) connections)", cleanup: {})
    }
}

struct BenchStore {
    var ledger: StreamLedger
    /// Where, without a password.
    var description: String
    var cleanup: () -> Void
}

/// The ledger, counting the callbacks it committed.
final class CountingStore: CallbackStore {
    let ledger: StreamLedger
    private let count = Atomic(0)
    private let commits = Atomic(0)

    init(_ ledger: StreamLedger) { self.ledger = ledger }

    var stored: Int { count.load(ordering: .relaxed) }
    var concurrentWriters: Int { ledger.concurrentWriters }
    /// Transactions that stored stream callbacks: stored / transactions is the receiver's mean batch.
    var transactions: Int { commits.load(ordering: .relaxed) }

    func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome {
        let outcome = try await ledger.applyCallback(callback)
        count.add(1, ordering: .relaxed)
        commits.add(1, ordering: .relaxed)
        return outcome
    }

    func applyCallbacks(_ callbacks: [StreamCallback]) async throws -> [CallbackOutcome] {
        let outcomes = try await ledger.applyCallbacks(callbacks)
        count.add(callbacks.count, ordering: .relaxed)
        commits.add(1, ordering: .relaxed)
        return outcomes
    }

    func recordConferenceEvent(_ event: StoredConferenceEvent) async throws -> Int64 {
        let id = try await ledger.recordConferenceEvent(event)
        count.add(1, ordering: .relaxed)
        return id
    }

    func checkReachable() async throws { try await ledger.checkReachable() }
}

/// User and system CPU seconds this process has used so far, on all its threads.
func processCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// What the callbacks under way report back.
final class Tally: Sendable {
    let latencies = Mutex<[Double]>([])
    let failures = Mutex<[String: Int]>([:])
    let inFlight = Mutex(0)
}
