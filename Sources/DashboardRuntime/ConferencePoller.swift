import CompatAPI
import DashboardCore
import OperatorActions
import Foundation
import Logging

/// Polls the live conferences and their participants on an interval, with bounded concurrency
/// and jittered backoff on failure, and reports each outcome as a `Msg`. One poll at a time:
/// a refresh asked for during a poll runs right after it, never beside it.
public actor ConferencePoller {
    public struct Settings: Sendable {
        public var interval: Duration
        /// Requests in flight at once while reading participants.
        public var maxConcurrency: Int
        public var backoff: RetryPolicy
        /// Every conference on screen has its participants read at least once in this many
        /// polls, even when nothing says they changed (the service's dates have one-second
        /// resolution, and a mute moves no conference date).
        public var participantSweep: Int
        /// The same for conferences scrolled out of the table's window (or filtered away).
        public var offScreenSweep: Int
        /// The account's calls in progress are listed in full once in this many polls (the
        /// first poll always): who is on a call does not change, while the listing is the
        /// largest answer a poll reads (about 1.2 KB a call, ten times a conference's; reading
        /// it every fifth poll was most of an idle dashboard's CPU at 500 conferences). A
        /// participant whose call is not known yet is fetched alone on the poll that first sees
        /// it, so a newcomer's number never waits for the next listing.
        public var callsSweep: Int
        /// Quality only shows for the conference open on screen: up to this many of its calls
        /// are fetched alone on every poll that does not list them (taking turns when it has
        /// more), so its QUALITY column is as fresh as its participants.
        public var watchedCallReads: Int
        /// A first poll that finds at least this many live conferences shows their rows
        /// (`Msg.conferencesListed`) before it reads their participants: at 10,000 the
        /// participants took 15 s to read, and the table stayed empty all that time.
        public var rowsFirstFrom: Int

        public init(
            interval: Duration = .seconds(2), maxConcurrency: Int = 8,
            backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(1), maxDelay: .seconds(30)),
            participantSweep: Int = 10, offScreenSweep: Int = 30, callsSweep: Int = 30, watchedCallReads: Int = 8,
            rowsFirstFrom: Int = 200
        ) {
            self.rowsFirstFrom = max(1, rowsFirstFrom)
            self.watchedCallReads = max(0, watchedCallReads)
            self.interval = interval
            self.maxConcurrency = max(1, maxConcurrency)
            self.backoff = backoff
            self.participantSweep = max(1, participantSweep)
            self.offScreenSweep = max(self.participantSweep, offScreenSweep)
            self.callsSweep = max(1, callsSweep)
        }
    }

    let source: any ConferenceSource
    let settings: Settings
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    let emit: @Sendable (Msg) -> Void
    let logger: Logger

    var paused = false
    var polling = false
    var refreshRequested = false
    var sleeper: Task<Void, Never>?
    /// Conferences seen live in the last poll; one that disappears is fetched once to learn how it ended.
    var knownLive: Set<String> = []
    /// Each live conference's `date_updated` when its participants were last read.
    var participantsReadAt: [String: String] = [:]
    /// The conference open on screen: its participants are read on every poll.
    var watched: String?
    /// The conferences in the table's window; nil until the screen says (then every conference
    /// is swept as if on screen).
    public private(set) var onScreen: Set<String>?
    /// Conferences that came into view since the last poll: read on the next one, so rows
    /// scrolled to are as fresh as the rows that were there.
    var cameIntoView: Set<String> = []
    /// The newest `show` taken: each is sent on a task of its own, so an older one can arrive late.
    var shownVersion = -1
    public private(set) var pollCount = 0
    /// Why the last listing of calls failed (logged once, not every poll); while it fails,
    /// no call is fetched alone either (that would be a read per participant).
    var lastCallsFailure: String?
    /// The calls known from the last listing and the fetches since, by call sid.
    var knownCalls: [String: CallInfo] = [:]
    /// Calls a fetch could not find since the last listing: not asked for again until it.
    var callsNotFound: Set<String> = []
    /// Where the next turn of the open conference's call reads starts.
    var watchedCallTurn = 0
    /// Calls recorded from this dashboard, oldest first, each with the conference it was in:
    /// their recordings are read while that conference is open (the service lists a call's
    /// recordings only account-wide, filtered by call).
    var recordedCalls: [(call: String, conference: String)] = []
    /// At most this many calls' recordings are read a poll (the most recently recorded of the
    /// open conference): a poll's requests stay bounded however many calls were recorded.
    static let callRecordingReadsPerPoll = 4
    var activePolls = 0
    /// The most polls ever running at once; stays 1.
    public private(set) var maxOverlap = 0

    public init(
        source: any ConferenceSource, settings: Settings = .init(), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, jitter: @escaping @Sendable () -> Double = { .random(in: 0...1) },
        logger: Logger = Logger(label: "confdash.poller"), emit: @escaping @Sendable (Msg) -> Void
    ) {
        self.source = source
        self.settings = settings
        self.clock = clock
        self.now = now
        self.jitter = jitter
        self.logger = logger
        self.emit = emit
    }

    /// Polls until the task running it is cancelled, or `limit` polls have been made.
    public func run(limit: Int? = nil) async {
        var failures = 0
        while !Task.isCancelled {
            if paused && !refreshRequested {
                await sleep(until: wake(after: .seconds(3600)))
                continue
            }
            refreshRequested = false
            // Each wake-up is fixed on the clock before the outcome is reported, so whoever reacts
            // to the report (a test advancing a TestClock) can never slip in before the sleep.
            let next: Wake
            do {
                let started = now()
                var snapshot = try await pollOnce()
                snapshot.startedAt = started
                failures = 0
                next = wake(after: settings.interval)
                emit(.pollSucceeded(snapshot, at: now()))
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let wait = settings.backoff.delay(afterAttempt: failures, retryAfter: Self.retryAfter(error), jitter: jitter())
                    ?? settings.backoff.maxDelay
                let reason = Self.failureReason(error)
                logger.warning("poll failed", metadata: ["attempt": "\(failures)", "reason": "\(reason)"])
                next = wake(after: wait)
                emit(.pollFailed(reason: reason, attempt: failures, retryAt: now().addingTimeInterval(Self.seconds(wait)), at: now()))
            }
            if let limit, pollCount >= limit { return }
            if refreshRequested { continue }
            await sleep(until: next)
        }
    }

    /// A point on the injected clock, fixed when it is made.
    struct Wake: Sendable {
        let sleep: @Sendable () async throws -> Void
    }

    func wake(after duration: Duration) -> Wake {
        let clock: any Clock<Duration> = self.clock
        return Self.wake(on: clock, after: duration)
    }

    static func wake(on clock: some Clock<Duration>, after duration: Duration) -> Wake {
        let deadline = clock.now.advanced(by: duration)
        return Wake {
            // A deadline the clock has already passed needs no sleep (a test clock would wait for
            // its next advance).
            guard clock.now < deadline else { return }
            try await clock.sleep(until: deadline, tolerance: nil)
        }
    }

    /// From now on, reads `call`'s recordings while `conference` is open.
    public func readRecordings(ofCall call: String, in conference: String) {
        recordedCalls.removeAll { $0.call == call }
        recordedCalls.append((call, conference))
    }

    /// Polls now: at once when idle, right after the current poll when one is running.
    public func refreshNow() {
        refreshRequested = true
        if !polling { sleeper?.cancel() }
    }

    /// The conference the operator is looking at, read in full on every poll (nil: none).
    public func watch(_ conference: String?) {
        watched = conference
    }

    /// The conferences in the table's window on screen. The others are swept
    /// `offScreenSweep` polls apart instead of `participantSweep`: nothing of their
    /// participants shows until the operator scrolls to them, and those that come into view
    /// are read on the next poll. At 500 live conferences that is 20 participant reads a poll
    /// instead of 50, most of the idle dashboard's work.
    public func show(_ conferences: Set<String>, version: Int) {
        guard version > shownVersion else { return }
        shownVersion = version
        cameIntoView.formUnion(conferences.subtracting(onScreen ?? []))
        onScreen = conferences
    }

    public func setPaused(_ paused: Bool) {
        self.paused = paused
        emit(.pauseChanged(paused, at: now()))
        if !paused { sleeper?.cancel() }
    }

    func sleep(until wake: Wake) async {
        let task = Task { _ = try? await wake.sleep() }
        sleeper = task
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        sleeper = nil
    }

    /// One full read: live conferences, how the vanished ones ended, and every live conference's participants.
    func pollOnce() async throws -> PollSnapshot {
        polling = true
        activePolls += 1
        pollCount += 1
        maxOverlap = max(maxOverlap, activePolls)
        defer {
            polling = false
            activePolls -= 1
        }
        let source = self.source
        // Who is on each call: one paged listing beside the conference list, not a read per
        // participant. Its failure costs the numbers and names, never the poll.
        let listsCalls = pollCount == 1 || pollCount % settings.callsSweep == 0
        async let listedCalls = listsCalls ? Self.readCalls(source) : (nil, nil)
        var conferences = try await source.liveConferences()
        let liveSids = Set(conferences.map(\.sid))
        if pollCount == 1, liveSids.count >= settings.rowsFirstFrom {
            emit(.conferencesListed(PollSnapshot(conferences: conferences, participants: [:]), at: now()))
        }
        let vanished = knownLive.subtracting(liveSids).sorted()
        let ended = await Self.boundedMap(vanished, limit: settings.maxConcurrency) { sid in
            try? await source.conference(sid)
        }
        conferences += ended.compactMap { $0 }
        if pollCount == 1 {
            // History is a nicety: a failure here must not fail the first poll.
            conferences += ((try? await source.recentlyCompleted()) ?? []).filter { !liveSids.contains($0.sid) }
        }
        knownLive = liveSids
        let updatedAt = Dictionary(conferences.map { ($0.sid, $0.dateUpdated.raw) }) { first, _ in first }
        let toRead = participantReads(liveSids: liveSids, updatedAt: updatedAt)
        let results = await Self.boundedMap(toRead, limit: settings.maxConcurrency) {
            sid -> ParticipantRead in
            do {
                return ParticipantRead(sid: sid, result: .success(try await source.participants(of: sid)))
            } catch {
                return ParticipantRead(sid: sid, result: .failure(error))
            }
        }
        var participants: [String: [Participant]] = [:]
        var failures: [String: String] = [:]
        for read in results {
            let sid = read.sid, result = read.result
            switch result {
            case .success(let list):
                participants[sid] = list
                participantsReadAt[sid] = updatedAt[sid]
            case .failure(let error):
                // A conference that ended between the two reads has no participants to show.
                if let e = error as? CompatError, e.httpStatus == 404 {
                    participants[sid] = []
                } else {
                    failures[sid] = (error as? CompatError)?.operatorMessage ?? String(describing: error)
                }
            }
        }
        participantsReadAt = participantsReadAt.filter { liveSids.contains($0.key) }
        // The open conference's recordings: one list, only for the conference on screen. A
        // failure leaves what was shown before.
        var recordings: [String: [Recording]] = [:]
        if let watched, liveSids.contains(watched) || conferences.contains(where: { $0.sid == watched }) {
            if let list = try? await source.recordings(of: watched) { recordings[watched] = list }
        }
        // The open conference's calls recorded from here: one list each, the most recent
        // `callRecordingReadsPerPoll` of them (so at most that many requests a poll). A failure
        // leaves what was shown before.
        var callRecordings: [String: [Recording]] = [:]
        if let watched {
            let calls = recordedCalls.filter { $0.conference == watched }.suffix(Self.callRecordingReadsPerPoll).map(\.call)
            let lists = await Self.boundedMap(Array(calls), limit: settings.maxConcurrency) { call in
                try? await source.recordings(ofCall: call)
            }
            let read = lists.compactMap { $0 }.flatMap { $0 }
            if !read.isEmpty { callRecordings[watched] = read }
        }
        let (listed, listingFailure) = await listedCalls
        var calls: [String: CallInfo]?
        var callsFailure: String?
        if listsCalls {
            callsFailure = listingFailure
            if let listingFailure, listingFailure != lastCallsFailure {
                logger.warning("calls not read: participants show without numbers", metadata: ["reason": "\(listingFailure)"])
            }
            lastCallsFailure = listingFailure
            if let listed {
                knownCalls = listed
                callsNotFound = []
            }
        }
        if lastCallsFailure == nil {
            // A participant's call the listing did not cover (still ringing, or it joined after
            // the listing was read) is fetched alone; one that cannot be shows by sid.
            let missing = Set(participants.values.joined().map(\.callSid)).subtracting(knownCalls.keys)
                .subtracting(callsNotFound).sorted()
            // The open conference's known calls, for their quality (a turn of them when many).
            var refreshed: [String] = []
            if !listsCalls, let watched, let people = participants[watched] {
                let known = people.map(\.callSid).filter { knownCalls[$0] != nil }
                if known.count <= settings.watchedCallReads {
                    refreshed = known
                } else {
                    let start = watchedCallTurn % known.count
                    refreshed = (0..<settings.watchedCallReads).map { known[(start + $0) % known.count] }
                    watchedCallTurn = start + settings.watchedCallReads
                }
            }
            let reads = missing + refreshed
            let fetched = await Self.boundedMap(reads, limit: settings.maxConcurrency) { sid in
                try? await source.call(sid)
            }
            for (index, (sid, call)) in zip(reads, fetched).enumerated() {
                if let call {
                    knownCalls[sid] = CallInfo(call)
                } else if index < missing.count {
                    callsNotFound.insert(sid)
                }
            }
            // Nil when nothing is new: the screen keeps what it has.
            if listsCalls || fetched.contains(where: { $0 != nil }) { calls = knownCalls }
        }
        if Task.isCancelled { throw CancellationError() }
        var snapshot = PollSnapshot(
            conferences: conferences, participants: participants, participantFailures: failures, calls: calls,
            callsFailure: callsFailure)
        snapshot.recordings = recordings
        snapshot.callRecordings = callRecordings
        return snapshot
    }

    /// The account's calls in progress, or why they could not be read.
    static func readCalls(_ source: any ConferenceSource) async -> ([String: CallInfo]?, String?) {
        do {
            return (try await source.inProgressCalls().mapValues(CallInfo.init), nil)
        } catch {
            return (nil, (error as? CompatError)?.operatorMessage ?? String(describing: error))
        }
    }

    /// Whose participants to read this poll: conferences never read, those whose `date_updated`
    /// moved, the one open, those that just came into view, and a rolling slice of the rest
    /// (a larger slice of those on screen) so that every conference is read at least once per
    /// sweep. Reading all of them every poll kept the process busy with hundreds of requests
    /// every two seconds while nothing changed.
    func participantReads(liveSids: Set<String>, updatedAt: [String: String]) -> [String] {
        let sweep = settings.participantSweep, offScreen = settings.offScreenSweep
        let slice = pollCount % sweep, offScreenSlice = pollCount % offScreen
        let fresh = cameIntoView
        cameIntoView = []
        return liveSids.sorted().enumerated().compactMap { index, sid in
            if participantsReadAt[sid] != updatedAt[sid] || sid == watched || fresh.contains(sid) { return sid }
            let shown = onScreen?.contains(sid) ?? true
            return (shown ? index % sweep == slice : index % offScreen == offScreenSlice) ? sid : nil
        }
    }

    /// One conference's participants, or why they could not be read.
    struct ParticipantRead: Sendable {
        let sid: String
        let result: Result<[Participant], any Error>
    }

    /// One result and where it goes. A struct, not a tuple: the release build crashed copying
    /// `(Int, R)` task-group results (a tuple of a generic, R often itself a tuple or optional).
    struct Indexed<R: Sendable>: Sendable {
        let index: Int
        let value: R
    }

    /// Runs `body` over `items` with at most `limit` running at once, keeping the order.
    static func boundedMap<T: Sendable, R: Sendable>(
        _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R
    ) async -> [R] {
        guard !items.isEmpty else { return [] }
        return await withTaskGroup(of: Indexed<R>.self) { group in
            var results: [Indexed<R>] = []
            results.reserveCapacity(items.count)
            var next = 0
            for _ in 0..<min(limit, items.count) {
                let i = next
                group.addTask { Indexed(index: i, value: await body(items[i])) }
                next += 1
            }
            while let result = await group.next() {
                results.append(result)
                if next < items.count {
                    let j = next
                    group.addTask { Indexed(index: j, value: await body(items[j])) }
                    next += 1
                }
            }
            return results.sorted { $0.index < $1.index }.map(\.value)
        }
    }

    /// Why a poll failed, in words an operator can act on. A poll fails only when the list of
    /// conferences cannot be read, which says more than the same status would on one resource:
    /// a 404 there means the space or the Project ID is wrong, not that a conference is gone.
    static func failureReason(_ error: any Error) -> String {
        guard let error = error as? CompatError else { return String(describing: error) }
        guard case .service(let e, _) = error else { return error.operatorMessage }
        switch e.status {
        case 404:
            return "conference list not found: check the space URL and the Project ID (\(error.operatorMessage))"
        case 400, 405, 422:
            return "the service refused confdash's request (HTTP \(e.status)); is confdash up to date? (\(error.operatorMessage))"
        default:
            return error.operatorMessage
        }
    }

    static func retryAfter(_ error: any Error) -> Duration? {
        if case .service(_, let seconds?) = error as? CompatError { return .milliseconds(Int64(seconds * 1000)) }
        return nil
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
