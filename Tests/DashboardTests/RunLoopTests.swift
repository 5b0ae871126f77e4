import Clocks
import CompatAPI
import DashboardCore
import DashboardRuntime
import Emulator
import Foundation
import GRDB
import Ledger
import Logging
import OperatorActions
import TerminalUI
import Synchronization
import Testing

/// The real run loop, in process: keys go in through the in-memory terminal, frames come out of
/// the real view, and effects are carried out by the real runtime against the emulator over
/// loopback HTTP, with the ledger a real SQLite file. Polls happen on the start, on `r` and
/// after actions (the poller's clock is a test clock that never moves on its own).
@MainActor
@Suite struct RunLoopTests {
    /// A dashboard on the harness's emulator and ledger, running until the body is done.
    @MainActor
    struct Running {
        let backend: TestBackend
        let harness: AuditHarness
        let run: Task<DashboardApp.Ending, Never>

        /// Waits for a frame showing `text`, failing the test when none comes.
        @discardableResult
        func screen(showing text: String, sourceLocation: SourceLocation = #_sourceLocation) async -> Frame? {
            let frame = await backend.frame(showing: text, within: .seconds(60))
            if frame == nil {
                Issue.record(
                    "no frame showed \"\(text)\"; the screen was:\n\(backend.frame?.lines.joined(separator: "\n") ?? "(none)")",
                    sourceLocation: sourceLocation)
            }
            return frame
        }

        /// A live bridge of three callers, opened on screen with its participants read.
        func openBridge(sourceLocation: SourceLocation = #_sourceLocation) async -> (sid: String, calls: [String]) {
            let (conference, calls) = await harness.conference(participants: 3)
            await screen(showing: "Support Bridge", sourceLocation: sourceLocation)
            press(.enter)
            await screen(showing: calls[2], sourceLocation: sourceLocation)
            return (conference, calls)
        }

        func press(_ keys: Key...) {
            for key in keys { backend.send(key) }
        }
    }

    static func withDashboard(
        width: Int = 120, height: Int = 40, _ body: @MainActor (Running) async throws -> Void
    ) async throws {
        try await AuditHarness.run { harness in
            let mailbox = DashboardApp.Mailbox()
            let poller = ConferencePoller(
                source: harness.client, settings: .init(interval: .seconds(2), maxConcurrency: 4), clock: TestClock(),
                logger: AuditHarness.quiet, emit: { mailbox.post($0) })
            let services = DashboardServices(
                poller: poller, actions: harness.actions, logger: AuditHarness.quiet, post: { mailbox.post($0) })
            let state = AppState(space: "emulator", account: harness.client.credentials.projectID, now: Date())
            let runtime = DashboardRuntime(
                session: DashboardSession(state: state, services: services, close: {}), post: { mailbox.post($0) })
            let backend = TestBackend(width: width, height: height)
            let app = DashboardApp(state: state, terminal: backend, effects: runtime, mailbox: mailbox, logger: AuditHarness.quiet)
            let run = Task { await app.run() }
            let running = Running(backend: backend, harness: harness, run: run)
            do {
                try await body(running)
            } catch {
                backend.send(.character("q"))
                _ = await run.value
                await runtime.close()
                throw error
            }
            if !run.isCancelled { backend.send(.character("q")) }
            _ = await run.value
            await runtime.close()
        }
    }

    /// Whether each caller is muted, as the emulator has it.
    static func muted(_ d: Running, _ conference: String) async -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: await d.harness.server.world.participants(conferenceSid: conference).map { ($0.callSid, $0.muted) })
    }

    /// Presses `key` and checks that `call`'s mute flipped at the service, and nobody else's.
    static func expectOnlyMuteOf(
        _ call: String, toggledBy key: Character, in conference: String, _ d: Running,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = await muted(d, conference)
        let wasMuted = try #require(before[call] as Bool?, sourceLocation: sourceLocation)
        d.press(.character(key))
        await d.screen(showing: "\(wasMuted ? "Unmuted" : "Muted") \(call)", sourceLocation: sourceLocation)
        var expected = before
        expected[call]?.toggle()
        #expect(await muted(d, conference) == expected, "only \(call)'s mute changed", sourceLocation: sourceLocation)
    }

    @Test func keysInFramesOutAndEffectsReachTheService() async throws {
        try await Self.withDashboard { d in
            let (conference, calls) = await d.openBridge()
            d.press(.character("j"))
            try await Self.expectOnlyMuteOf(calls[1], toggledBy: "m", in: conference, d)
            d.press(.character("q"))
            #expect(await d.run.value == .quit)
            #expect(d.backend.isActive == false, "the terminal is given back")
        }
    }

    /// The bug this pins: the first caller leaves while the second is picked; `m` mutes the
    /// second, not the caller who slid into its row.
    @Test func thePickedCallerIsMutedWhenTheOneAboveLeaves() async throws {
        try await Self.withDashboard { d in
            let (conference, calls) = await d.openBridge()
            d.press(.character("j"))
            _ = try await d.harness.client.removeParticipant(conference: conference, callSid: calls[0])
            d.press(.character("r"))
            _ = await d.backend.frame(within: .seconds(60)) { frame in !frame.lines.contains { $0.contains(calls[0]) } }
            try await Self.expectOnlyMuteOf(calls[1], toggledBy: "m", in: conference, d)
        }
    }

    /// A ledger that cannot write during a stop: the screen says the stream stopped at the
    /// service and that the ledger did not record it.
    @Test func aStopTheLedgerCannotRecordIsShownAsSuch() async throws {
        try await Self.withDashboard { d in
            let (conference, _) = await d.harness.conference(participants: 1)
            let started = await d.harness.actions.startStream(
                conference: conference, conferenceName: "Support Bridge",
                StartStreamRequest(url: "wss://media.example.com/in", name: "recorder"))
            let sid = try #require(started.value?.sid)
            try LedgerFault.refuseWrites(d.harness.ledgerPath)
            await d.screen(showing: "Support Bridge")
            d.press(.enter)
            await d.screen(showing: "recorder")
            d.press(.tab, .character("x"))
            await d.screen(showing: "Stop stream recorder")
            d.press(.tab, .enter)
            let frame = await d.screen(showing: "the stream ledger did not record it")
            #expect(frame?.lines.contains { $0.contains("stopped stream recorder") && $0.contains("at the service") } == true)
            #expect(await d.harness.server.world.stream(sid: sid)?.status == "stopped")
        }
    }
}

/// Effects written down instead of carried out: for run-loop tests about the loop itself.
final class RecordedEffects: EffectHandler {
    let performed = Mutex<[Effect]>([])
    func start() {}
    func perform(_ effect: Effect) { performed.withLock { $0.append(effect) } }
    func show(_ conferences: Set<String>, version: Int) {}
    func close() async {}
}

@MainActor
@Suite struct RunLoopClockTests {
    /// The state's clock is the last poll's time; with polls late, a key's message would be
    /// dated in the past and gone at once. The loop moves the clock to now before the key.
    @Test func aKeysMessageLastsFromThePressNotFromTheLastPoll() async {
        let lastPoll = Date(timeIntervalSince1970: 1_800_000_000)
        let pressed = lastPoll.addingTimeInterval(60)
        let backend = TestBackend(width: 80, height: 24)
        let mailbox = DashboardApp.Mailbox()
        let app = DashboardApp(
            state: AppState(space: "demo", account: "AC", now: lastPoll), terminal: backend, effects: RecordedEffects(),
            mailbox: mailbox, now: { pressed }, logger: AuditHarness.quiet)
        let run = Task { await app.run() }
        backend.send(.character("Z"))
        #expect(await backend.frame(showing: "Z does nothing here") != nil)
        #expect(app.state.status?.expires == pressed.addingTimeInterval(AppState.statusLifetime))
        backend.send(.character("q"))
        #expect(await run.value == .quit)
    }
}

/// Makes a ledger file refuse every write from now on, the way a full disk or a file that
/// turned read-only would (as root, a file mode would not stop SQLite): triggers that abort.
enum LedgerFault {
    static func refuseWrites(_ path: URL) throws {
        let queue = try DatabaseQueue(path: path.path)
        try queue.write { db in
            for (table, event) in [("stream", "UPDATE"), ("stream", "INSERT"), ("stream_event", "INSERT"), ("audit", "INSERT")] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER refuse_\(table)_\(event.lowercased()) BEFORE \(event) ON \(table)
                        BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END
                        """)
            }
        }
    }
}
