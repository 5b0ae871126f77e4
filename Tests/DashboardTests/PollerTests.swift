import Clocks
import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardTestSupport
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Logging
import Synchronization
import Testing

/// A conference source that answers from a script, counts calls and can hold a poll open, so
/// the poller's timing is tested in virtual time.
final class ScriptedSource: ConferenceSource {
    struct State {
        var failuresLeft = 0
        var failure: CompatError = .service(ServiceError(status: 503, code: nil, message: "unavailable"), retryAfterSeconds: nil)
        var conferences: [Conference] = [Fixtures.conference("c1", "One"), Fixtures.conference("c2", "Two")]
        var listCalls = 0
        var participantCalls = 0
        var inFlight = 0
        var maxInFlight = 0
        var gate: CheckedContinuation<Void, Never>?
        var holdNextList = false
        /// The conferences the poller said ended, in order.
        var ended: [String] = []
    }
    let state = Mutex(State())

    func liveConferences() async throws -> [Conference] {
        let hold = state.withLock { s -> Bool in
            s.listCalls += 1
            let h = s.holdNextList
            s.holdNextList = false
            return h
        }
        if hold { await withCheckedContinuation { c in state.withLock { $0.gate = c } } }
        return try state.withLock { s in
            if s.failuresLeft > 0 {
                s.failuresLeft -= 1
                throw s.failure
            }
            return s.conferences.filter { $0.status.isLive }
        }
    }

    func recentlyCompleted() async throws -> [Conference] {
        [Fixtures.conference("old", "Yesterday's call", status: .completed, minutesAgo: 1440)]
    }

    func conference(_ sid: String) async throws -> Conference {
        var c = Fixtures.conference(sid, "ended")
        c.status = .completed
        return c
    }

    func participants(of conference: String) async throws -> [Participant] {
        state.withLock { s in
            s.participantCalls += 1
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
        }
        await Task.yield()
        state.withLock { $0.inFlight -= 1 }
        return [Fixtures.participant("CA-\(conference)", in: conference)]
    }

    func conferencesEnded(_ sids: [String]) { state.withLock { $0.ended += sids } }

    func release() { state.withLock { s in s.gate?.resume(); s.gate = nil } }
    var isHeld: Bool { state.withLock { $0.gate != nil } }
}

/// Collects the poller's messages so a test can wait for the next one.
final class MessageTap: Sendable {
    private let seen = Mutex<[Msg]>([])
    var emit: @Sendable (Msg) -> Void { { [self] msg in self.seen.withLock { $0.append(msg) } } }

    /// Reads the messages in order. Waiting nudges the clock: the poller may not have started a
    /// sleep yet when the test advances, and a TestClock sleep registered after an advance (even
    /// one whose deadline has already come) waits for the next advance. `advance(by: .zero)`
    /// releases exactly those sleeps and moves no time, so virtual time stays under the test's
    /// control.
    func reader(_ clock: TestClock<Duration>) -> Reader { Reader(tap: self, clock: clock) }

    struct Reader {
        let tap: MessageTap
        let clock: TestClock<Duration>
        var index = 0

        mutating func next() async -> Msg? {
            // About 20 s of real time: far beyond any healthy wait, short of hanging the run.
            for _ in 0..<20_000 {
                if let msg = tap.seen.withLock({ $0.count > index ? $0[index] : nil }) {
                    index += 1
                    return msg
                }
                await clock.advance(by: .zero)
                try? await Task.sleep(for: .milliseconds(1))
            }
            return nil
        }
    }
}

struct PollerTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test.poller")
        logger.logLevel = .critical
        return logger
    }()
    let start = Fixtures.epoch

    func makePoller(_ source: ScriptedSource, clock: TestClock<Duration>, tap: MessageTap, interval: Duration = .seconds(2))
        -> ConferencePoller
    {
        ConferencePoller(
            source: source,
            settings: .init(
                interval: interval, maxConcurrency: 3,
                backoff: RetryPolicy(maxAttempts: .max, baseDelay: .seconds(1), maxDelay: .seconds(8))),
            clock: clock, now: { [start] in start }, jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
    }

    @Test func pollsOnTheIntervalInVirtualTime() async throws {
        let source = ScriptedSource()
        let clock = TestClock()
        let tap = MessageTap()
        let poller = makePoller(source, clock: clock, tap: tap)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded(let first, _) = await messages.next() else { Issue.record("no first poll"); return }
        #expect(first.conferences.map(\.sid).sorted() == ["c1", "c2", "old"])
        #expect(first.participants["c1"]?.count == 1)
        await clock.advance(by: .seconds(1))
        #expect(await poller.pollCount == 1)
        await clock.advance(by: .seconds(1))
        guard case .pollSucceeded = await messages.next() else { Issue.record("no second poll"); return }
        #expect(await poller.pollCount == 2)
        task.cancel()
    }

    @Test func backoffDoublesOnFailureAndRecovers() async throws {
        let source = ScriptedSource()
        source.state.withLock { $0.failuresLeft = 4 }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = ConferencePoller(
            source: source,
            settings: .init(
                interval: .seconds(2), maxConcurrency: 3,
                backoff: RetryPolicy(maxAttempts: .max, baseDelay: .seconds(1), maxDelay: .seconds(8))),
            clock: clock, now: { [start] in start }, jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
        let task = Task { await poller.run() }
        defer { task.cancel() }
        var messages = tap.reader(clock)
        var waits: [TimeInterval] = []
        for (index, expected) in [1.0, 2.0, 4.0, 8.0].enumerated() {
            guard case .pollFailed(let reason, let attempt, let retryAt, let at) = await messages.next() else {
                Issue.record("expected failure \(index + 1)")
                return
            }
            #expect(reason.contains("503"))
            #expect(attempt == index + 1)
            waits.append(retryAt.timeIntervalSince(at))
            await clock.advance(by: .milliseconds(Int64(expected * 1000)))
        }
        #expect(waits == [1, 2, 4, 8])
        guard case .pollSucceeded = await messages.next() else {
            Issue.record("no recovery")
            return
        }
    }

    @Test func refreshDuringAPollRunsAfterItNeverBesideIt() async throws {
        let source = ScriptedSource()
        source.state.withLock { $0.holdNextList = true }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = makePoller(source, clock: clock, tap: tap, interval: .seconds(60))
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        while !source.isHeld { await Task.yield() }
        await poller.refreshNow()
        await poller.refreshNow()
        #expect(source.state.withLock { $0.listCalls } == 1)
        source.release()
        guard case .pollSucceeded = await messages.next() else { Issue.record("no first poll"); return }
        guard case .pollSucceeded = await messages.next() else { Issue.record("no coalesced refresh"); return }
        #expect(await poller.pollCount == 2)
        #expect(await poller.maxOverlap == 1)
        #expect(source.state.withLock { $0.listCalls } == 2)
        task.cancel()
    }

    @Test func participantReadsAreBounded() async throws {
        let source = ScriptedSource()
        source.state.withLock { s in s.conferences = (1...20).map { Fixtures.conference("c\($0)", "C\($0)") } }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = makePoller(source, clock: clock, tap: tap)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(snapshot.participants.count == 20)
        #expect(source.state.withLock { $0.maxInFlight } <= 3)
        task.cancel()
    }

    @Test func unchangedConferencesAreReadOncePerSweep() async throws {
        let source = ScriptedSource()
        source.state.withLock { s in s.conferences = (1...20).map { Fixtures.conference("c\($0)", "C\($0)") } }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = ConferencePoller(
            source: source, settings: .init(interval: .seconds(2), maxConcurrency: 4, participantSweep: 5),
            clock: clock, now: { [start] in start }, jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
        await poller.watch("c7")
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded(let first, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(first.participants.count == 20)
        var seen: [String: Int] = [:]
        for _ in 0..<5 {
            await clock.advance(by: .seconds(2))
            guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
            // A fifth of the unchanged conferences, plus the one on screen.
            #expect(snapshot.participants.count <= 5)
            #expect(snapshot.participants["c7"] != nil)
            for sid in snapshot.participants.keys { seen[sid, default: 0] += 1 }
        }
        #expect(seen.count == 20)
        #expect(seen["c7"] == 5)
        // A conference whose date_updated moved is read on the next poll.
        source.state.withLock { s in s.conferences[2].dateUpdated = ServiceDate(raw: "Mon, 01 Jan 2035 00:00:00 +0000") }
        await clock.advance(by: .seconds(2))
        guard case .pollSucceeded(let changed, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(changed.participants[source.state.withLock { $0.conferences[2].sid }] != nil)
        task.cancel()
    }

    /// Conferences scrolled out of the table's window are swept more slowly; those scrolled
    /// into it are read on the next poll.
    @Test func conferencesOffScreenAreSweptMoreSlowly() async throws {
        let source = ScriptedSource()
        let sids = (1...60).map { "c\($0)" }
        source.state.withLock { s in s.conferences = sids.map { Fixtures.conference($0, $0) } }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = ConferencePoller(
            source: source,
            settings: .init(interval: .seconds(2), maxConcurrency: 4, participantSweep: 5, offScreenSweep: 15),
            clock: clock, now: { [start] in start }, jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
        let firstWindow = Set(sids[0..<10])
        await poller.show(firstWindow, version: 1)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded(let first, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(first.participants.count == 60)
        var reads: [String: Int] = [:]
        for _ in 0..<15 {
            await clock.advance(by: .seconds(2))
            guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
            for sid in snapshot.participants.keys { reads[sid, default: 0] += 1 }
        }
        // Over 15 polls: three times each in the window, once each out of it.
        for sid in sids { #expect(reads[sid] == (firstWindow.contains(sid) ? 3 : 1), "\(sid)") }
        // The operator pages down: the ten conferences now in view are all read on the next poll.
        let secondWindow = Set(sids[10..<20])
        await poller.show(secondWindow, version: 2)
        await poller.show(firstWindow, version: 1)  // an older window arriving late changes nothing
        #expect(await poller.onScreen == secondWindow)
        await clock.advance(by: .seconds(2))
        guard case .pollSucceeded(let paged, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(secondWindow.isSubset(of: Set(paged.participants.keys)))
        task.cancel()
    }

    /// With conference events flowing, the sweeps are a safety net: a few reads a poll however
    /// many conferences there are, every one still read in time, and the conference an event
    /// names read on the next poll. A list read again unchanged is reported as the same.
    @Test func eventsSlowTheSweepsToASafetyNet() async throws {
        let source = ScriptedSource()
        let sids = (1...200).map { String(format: "c%03d", $0) }
        source.state.withLock { s in s.conferences = sids.map { Fixtures.conference($0, $0) } }
        let clock = TestClock()
        let tap = MessageTap()
        let poller = ConferencePoller(
            source: source,
            settings: .init(
                interval: .seconds(2), maxConcurrency: 4, participantSweep: 5, offScreenSweep: 15,
                rowsFirstFrom: 1000, eventOnScreenSweep: 10, eventSweepReads: 4, eventsExpected: true),
            clock: clock, now: { [start] in start }, jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
        let window = Set(sids[0..<20])
        await poller.show(window, version: 1)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded(let first, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(first.participants.count == 200)
        #expect(!first.sameConferences)
        var reads: [String: Int] = [:]
        // 180 off screen at about 4 a poll: a period of 64 polls (the power of two above 45).
        for poll in 0..<64 {
            if poll == 10 { await poller.conferenceChanged("c150") }
            await clock.advance(by: .seconds(2))
            guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
            #expect(snapshot.sameConferences)
            // Two of the window, at most three off it, and c150 once when its event came.
            #expect(snapshot.participants.count <= 2 + 3 + (poll == 10 ? 1 : 0), "poll \(poll)")
            if poll == 10 { #expect(snapshot.participants["c150"] != nil) }
            for sid in snapshot.participants.keys { reads[sid, default: 0] += 1 }
        }
        // Every conference was read in the period: those in the window every 10 polls.
        for sid in sids {
            let expected = window.contains(sid) ? 6...7 : 1...2
            #expect(expected.contains(reads[sid] ?? 0), "\(sid): \(reads[sid] ?? 0)")
        }
        // A conference whose date moved: the list is not the same, and it is read.
        source.state.withLock { s in s.conferences[150].dateUpdated = ServiceDate(raw: "Mon, 01 Jan 2035 00:00:00 +0000") }
        await clock.advance(by: .seconds(2))
        guard case .pollSucceeded(let moved, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(!moved.sameConferences)
        #expect(moved.participants["c151"] != nil)
        task.cancel()
    }

    /// With events flowing the lists are read every other poll; the poll between reports the
    /// list as of the poll that read it (so the events since are applied again over it), and a
    /// refresh the operator asks for reads it whatever the turn.
    @Test func withEventsTheListIsReadEveryOtherPoll() async throws {
        let source = ScriptedSource()
        let clock = TestClock()
        let tap = MessageTap()
        let times = Mutex(0)
        let poller = ConferencePoller(
            source: source,
            settings: .init(interval: .seconds(2), maxConcurrency: 2, eventListEvery: 2, eventsExpected: true),
            clock: clock,
            now: { [start] in times.withLock { t in t += 1; return start.addingTimeInterval(Double(t)) } },
            jitter: { 1 }, logger: Self.quiet, emit: tap.emit)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        var lists: [Int] = []
        var snapshots: [PollSnapshot] = []
        for poll in 0..<4 {
            if poll > 0 { await clock.advance(by: .seconds(2)) }
            guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
            lists.append(source.state.withLock { $0.listCalls })
            snapshots.append(snapshot)
        }
        // Polls 1, 2 and 4 read the lists (the first always; then every other one).
        #expect(lists == [1, 2, 2, 3])
        #expect(snapshots[2].sameConferences)
        #expect(snapshots[2].conferences.map(\.sid) == snapshots[1].conferences.map(\.sid))
        // A poll that took the list as it was is as old as the poll that read it.
        #expect(snapshots[2].startedAt == snapshots[1].startedAt)
        #expect(snapshots[3].startedAt! > snapshots[2].startedAt!)
        // The conferences' participants are read all the same: the list only says which exist.
        #expect(source.state.withLock { $0.participantCalls } >= 2)
        // `r` reads the list on the next poll, the fifth, whose turn it was not.
        await poller.refreshNow()
        guard case .pollSucceeded = await messages.next() else { Issue.record("no poll"); return }
        #expect(source.state.withLock { $0.listCalls } == 4)
        task.cancel()
    }

    @Test func pausedPollerWaitsUntilResumed() async throws {
        let source = ScriptedSource()
        let clock = TestClock()
        let tap = MessageTap()
        let poller = makePoller(source, clock: clock, tap: tap)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded = await messages.next() else { Issue.record("no poll"); return }
        await poller.setPaused(true)
        guard case .pauseChanged(true, _) = await messages.next() else { Issue.record("no pause"); return }
        await clock.advance(by: .seconds(30))
        #expect(await poller.pollCount == 1)
        await poller.setPaused(false)
        guard case .pauseChanged(false, _) = await messages.next() else { Issue.record("no resume"); return }
        guard case .pollSucceeded = await messages.next() else { Issue.record("no poll after resume"); return }
        #expect(await poller.pollCount == 2)
        task.cancel()
    }

    @Test func aConferenceThatLeavesTheLiveListIsFetchedOnce() async throws {
        let source = ScriptedSource()
        let clock = TestClock()
        let tap = MessageTap()
        let poller = makePoller(source, clock: clock, tap: tap)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        guard case .pollSucceeded = await messages.next() else { Issue.record("no poll"); return }
        source.state.withLock { s in s.conferences.removeAll { $0.sid == "c2" } }
        await clock.advance(by: .seconds(2))
        guard case .pollSucceeded(let snapshot, _) = await messages.next() else { Issue.record("no poll"); return }
        #expect(snapshot.conferences.first { $0.sid == "c2" }?.status == .completed)
        // ...and the source hears it ended, so what it kept of it can go.
        #expect(source.state.withLock { $0.ended } == ["c2"])
        task.cancel()
    }
}
