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
        /// it every fifth poll was most of an idle dashboard's CPU at 500 conferences, and once
        /// a minute still a fifth of it). A participant whose call is not known yet is fetched
        /// alone on the poll that first sees it, so a newcomer's number never waits for the next
        /// listing, and the open conference's calls are fetched on every poll (`watchedCallReads`):
        /// the listing only refreshes the quality of calls nobody is looking at, and lets go of
        /// calls that ended.
        public var callsSweep: Int
        /// Quality only shows for the conference open on screen: up to this many of its calls
        /// are fetched alone on every poll that does not list them (taking turns when it has
        /// more), so its QUALITY column is as fresh as its participants.
        public var watchedCallReads: Int
        /// While conference events reach this dashboard (its receiver is on, or events arrived),
        /// each event re-reads its conference on the next poll, so the sweeps are only a safety
        /// net for an event lost on the way: every conference on screen is re-read at least once
        /// in this many polls (instead of `participantSweep`)...
        public var eventOnScreenSweep: Int
        /// ...and the rest at about this many a poll, however many there are (instead of all of
        /// them every `offScreenSweep` polls: at 10,000 live conferences that was 333 reads a poll).
        public var eventSweepReads: Int
        /// While conference events flow, the lists of live conferences are read on one poll in
        /// this many: a conference's start and end arrive as events and show at once, and the
        /// participants due (events, the sweeps, the open conference) are still read on every
        /// poll. At 10,000 conferences the list is ten pages of 750 KB, half an idle poll's work.
        public var eventListEvery: Int
        /// Conference events reach this dashboard from the start (its receiver is on). Either way,
        /// the first event that arrives says they do.
        public var eventsExpected: Bool
        /// A first poll that finds at least this many live conferences shows their rows
        /// (`Msg.conferencesListed`) before it reads their participants: at 10,000 the
        /// participants took 15 s to read, and the table stayed empty all that time.
        public var rowsFirstFrom: Int

        public init(
            interval: Duration = .seconds(2), maxConcurrency: Int = 8,
            backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(1), maxDelay: .seconds(30)),
            participantSweep: Int = 10, offScreenSweep: Int = 30, callsSweep: Int = 300, watchedCallReads: Int = 8,
            rowsFirstFrom: Int = 200, eventOnScreenSweep: Int = 60, eventSweepReads: Int = 2, eventListEvery: Int = 2,
            eventsExpected: Bool = false
        ) {
            self.eventListEvery = max(1, eventListEvery)
            self.eventsExpected = eventsExpected
            self.eventSweepReads = max(1, eventSweepReads)
            self.rowsFirstFrom = max(1, rowsFirstFrom)
            self.watchedCallReads = max(0, watchedCallReads)
            self.interval = interval
            self.maxConcurrency = max(1, maxConcurrency)
            self.backoff = backoff
            self.participantSweep = max(1, participantSweep)
            self.offScreenSweep = max(self.participantSweep, offScreenSweep)
            self.callsSweep = max(1, callsSweep)
            self.eventOnScreenSweep = max(self.participantSweep, eventOnScreenSweep)
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
    /// The live conferences of the last list read, with their `date_updated`; one that
    /// disappears is fetched once to learn how it ended.
    var liveDates: [String: ServiceDate] = [:]
    /// The list of live conferences the last reported poll carried: a list read again unchanged
    /// (the usual case) skips every step that looks at each conference, here and on screen.
    var lastEmitted: [Conference] = []
    /// The list of the poll under way, reported once its snapshot is.
    var pendingList: [Conference] = []
    /// The last poll was reported: a list the client read unchanged since is `lastEmitted`.
    var listTrusted = false
    /// When the poll that read `lastEmitted` began, and the same for `pendingList`: a poll that
    /// does not read the list reports its conferences as of then, so the events since are
    /// applied again over them.
    var lastEmittedAt: Date?
    var pendingListAt: Date?
    /// The operator asked for a refresh: the next poll reads the lists whatever events say.
    var listWanted = false
    /// Each live conference's `date_updated` when its participants were last read.
    var participantsReadAt: [String: ServiceDate] = [:]
    /// Live conferences whose participants are due on the next poll whatever the sweep says:
    /// never read, their `date_updated` moved, their last read failed, or an event named them.
    var due: Set<String> = []
    /// Live conferences in the order first seen: the sweeps take every Nth of it, so each poll
    /// touches a slice instead of walking (and sorting) thousands of conferences. Ended ones are
    /// skipped, and squeezed out once they are half of it.
    var sweepOrder: [String] = []
    /// Whether conference events reach this dashboard (see `Settings.eventsExpected`).
    public private(set) var eventsFlow: Bool
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
    var knownCalls: CallBook = [:]
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
    /// Every this many polls (ten minutes at the usual two seconds) the log says how much the
    /// poller holds: what a long run's memory grew with shows there, not only in a profiler.
    static let censusEvery = 300

    /// The sizes of what the poller keeps across polls, and of the reads its source keeps.
    var census: Logger.Metadata {
        [
            "live": "\(liveDates.count)", "read_at": "\(participantsReadAt.count)", "due": "\(due.count)",
            "sweep_order": "\(sweepOrder.count)", "on_screen": "\(onScreen?.count ?? 0)",
            "came_into_view": "\(cameIntoView.count)", "known_calls": "\(knownCalls.count)",
            "calls_not_found": "\(callsNotFound.count)", "recorded_calls": "\(recordedCalls.count)",
            "last_list": "\(lastEmitted.count)", "pending_list": "\(pendingList.count)",
            "reads_kept": "\(source.readsKept)",
        ]
    }

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
        self.eventsFlow = settings.eventsExpected
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
                let snapshot = try await pollOnce(startedAt: now())
                failures = 0
                next = wake(after: settings.interval)
                emit(.pollSucceeded(snapshot, at: now()))
                lastEmitted = pendingList
                lastEmittedAt = pendingListAt
                listTrusted = true
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

    /// A conference event named this conference: its participants are read on the next poll
    /// (the event shows at once; the read confirms it, and catches what the event did not say).
    public func conferenceChanged(_ conference: String) {
        eventsFlow = true
        due.insert(conference)
    }

    /// Polls now: at once when idle, right after the current poll when one is running.
    public func refreshNow() {
        refreshRequested = true
        listWanted = true
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
    func pollOnce(startedAt started: Date? = nil) async throws -> PollSnapshot {
        polling = true
        activePolls += 1
        pollCount += 1
        maxOverlap = max(maxOverlap, activePolls)
        defer {
            polling = false
            activePolls -= 1
        }
        let source = self.source
        if pollCount % Self.censusEvery == 0 { logger.info("poller holding", metadata: census) }
        let trusted = listTrusted
        listTrusted = false
        // With events flowing, most polls take the list last reported as it is (see
        // `Settings.eventListEvery`); the first, one after a failure and one the operator asked
        // for read it.
        let skipsList =
            eventsFlow && trusted && !listWanted && pollCount > 1 && pollCount % settings.eventListEvery != 0
        listWanted = false
        let listing = skipsList ? ConferenceListing(pages: [], unchanged: true) : try await source.liveConferenceListing()
        let listAt = skipsList ? lastEmittedAt : started
        // Who is on each call: one paged listing beside the participant reads, not a read per
        // participant. Its failure costs the numbers and names, never the poll. Not beside the
        // conference list: at 10,000 the calls pages are eight times its bytes, and on two cores
        // reading both at once put the first rows on screen 4.7 s after launch instead of ~2 s.
        let listsCalls = pollCount == 1 || pollCount % settings.callsSweep == 0
        async let listedCalls = listsCalls ? Self.readCalls(source) : (nil, nil)
        // The client says whether the list is the one it read last time; that is the list last
        // reported only when that poll was reported (a failed or abandoned one may have read
        // some pages anew).
        let reusedList = pollCount > 1 && trusted && listing.unchanged
        let listed = reusedList ? lastEmitted : listing.conferences
        var conferences = listed
        if pollCount == 1, listed.count >= settings.rowsFirstFrom {
            emit(.conferencesListed(PollSnapshot(conferences: listed, participants: [:]), at: now()))
        }
        // A list read again unchanged (its pages came back byte for byte) has nothing new, nothing
        // ended and no date moved: only the sweeps, the events and the open conference say what
        // to read.
        let sameList = reusedList || (pollCount > 1 && listed == lastEmitted)
        if !sameList {
            let vanished = noteListed(listed)
            let ended = await Self.boundedMap(vanished, limit: settings.maxConcurrency) { sid in
                try? await source.conference(sid)
            }
            conferences += ended.compactMap { $0 }
            source.conferencesEnded(vanished)
        }
        if pollCount == 1 {
            // History is a nicety: a failure here must not fail the first poll.
            let live = liveDates
            conferences += ((try? await source.recentlyCompleted()) ?? []).filter { live[$0.sid] == nil }
        }
        let toRead = participantReads()
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
                participantsReadAt[sid] = liveDates[sid]
            case .failure(let error):
                // Read again on the next poll.
                due.insert(sid)
                // A conference that ended between the two reads has no participants to show.
                if let e = error as? CompatError, e.httpStatus == 404 {
                    participants[sid] = []
                } else {
                    failures[sid] = (error as? CompatError)?.operatorMessage ?? String(describing: error)
                }
            }
        }
        // The open conference's recordings: one list, only for the conference on screen. A
        // failure leaves what was shown before.
        var recordings: [String: [Recording]] = [:]
        if let watched, liveDates[watched] != nil || conferences.contains(where: { $0.sid == watched }) {
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
        let (callsListed, listingFailure) = await listedCalls
        var calls: CallBook?
        var callsFailure: String?
        if listsCalls {
            callsFailure = listingFailure
            if let listingFailure, listingFailure != lastCallsFailure {
                logger.warning("calls not read: participants show without numbers", metadata: ["reason": "\(listingFailure)"])
            }
            lastCallsFailure = listingFailure
            if let callsListed {
                knownCalls = knownCalls(from: callsListed)
                callsNotFound = []
            }
        }
        if lastCallsFailure == nil {
            // A participant's call the listing did not cover (still ringing, or it joined after
            // the listing was read) is fetched alone; one that cannot be shows by sid.
            // (Filtered one by one: `subtracting(knownCalls.keys)` walked all 50,000 known calls.)
            let missing = Set(
                participants.values.joined().lazy.map(\.callSid).filter { self.knownCalls[$0] == nil && !self.callsNotFound.contains($0) }
            ).sorted()
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
        snapshot.sameConferences = sameList
        snapshot.startedAt = listAt
        pendingList = listed
        pendingListAt = listAt
        snapshot.recordings = recordings
        snapshot.callRecordings = callRecordings
        return snapshot
    }

    /// The account's calls in progress, or why they could not be read.
    static func readCalls(_ source: any ConferenceSource) async -> (CallListing?, String?) {
        do {
            return (try await source.inProgressCallListing(), nil)
        } catch {
            return (nil, (error as? CompatError)?.operatorMessage ?? String(describing: error))
        }
    }

    /// The calls a listing says are in progress: those on changed pages as read, those on
    /// unchanged pages as known (from the last listing, or fresher from a fetch since).
    func knownCalls(from listing: CallListing) -> CallBook {
        var calls: CallBook = [:]
        // Room for the calls fetched alone before the next listing (those that joined since):
        // past its capacity the book's array doubles, 50,000 calls' worth at 10,000 conferences.
        let listed = listing.changedCount + listing.unchangedSids.count
        calls.reserveCapacity(listed + listed / 32 + 64)
        // A call on an unchanged page that is not known (never, in practice) is fetched alone
        // when a participant needs it, as any call the listing missed.
        for sid in listing.unchangedSids { calls[sid] = knownCalls[sid] }
        for call in listing.changed {
            let sid = Sid(call.sid)
            if calls[sid] == nil { calls[sid] = CallInfo(call) }
        }
        return calls
    }

    /// Takes in a changed list of live conferences: those never read or whose `date_updated`
    /// moved become due, new ones join the sweep's order. Returns the ones that left it.
    func noteListed(_ listed: [Conference]) -> [String] {
        var dates: [String: ServiceDate] = [:]
        dates.reserveCapacity(listed.count)
        for conference in listed where dates[conference.sid] == nil {
            let sid = conference.sid, date = conference.dateUpdated
            dates[sid] = date
            if liveDates[sid] == nil { sweepOrder.append(sid) }
            if participantsReadAt[sid] != date { due.insert(sid) }
        }
        let vanished = liveDates.keys.filter { dates[$0] == nil }.sorted()
        liveDates = dates
        if !vanished.isEmpty { participantsReadAt = participantsReadAt.filter { dates[$0.key] != nil } }
        if sweepOrder.count > 2 * dates.count + 64 {
            var kept = Set<String>()
            sweepOrder = sweepOrder.filter { dates[$0] != nil && kept.insert($0).inserted }
        }
        return vanished
    }

    /// Whose participants to read this poll: those due (never read, `date_updated` moved, last
    /// read failed, named by an event), the one open, those that just came into view, and a
    /// rolling slice of the rest (a larger slice of those on screen) so that every conference is
    /// read at least once per sweep. Reading all of them every poll kept the process busy with
    /// hundreds of requests every two seconds while nothing changed; walking all of them to pick
    /// the slice cost as much at 10,000, so the slice is every Nth of `sweepOrder`.
    func participantReads() -> [String] {
        var reads: [String] = []
        var taken = Set<String>()
        let live = liveDates
        func take(_ sid: String) {
            if live[sid] != nil, taken.insert(sid).inserted { reads.append(sid) }
        }
        for sid in due.sorted() { take(sid) }
        due = []
        if let watched { take(watched) }
        for sid in cameIntoView.sorted() { take(sid) }
        cameIntoView = []
        // On screen: each at least once in `onScreenPeriod` polls, a slice a poll.
        let onScreenPeriod = eventsFlow ? settings.eventOnScreenSweep : settings.participantSweep
        let window = onScreen.map { $0.filter { live[$0] != nil }.sorted() } ?? sweepOrder.filter { live[$0] != nil }
        for (index, sid) in window.enumerated() where index % onScreenPeriod == pollCount % onScreenPeriod { take(sid) }
        // Off screen: every `period`th of the sweep's order, from a point that moves one a poll.
        if let onScreen {
            let period: Int
            if eventsFlow {
                // About `eventSweepReads` a poll; a power of two, so the period (and with it which
                // slice is next) changes only when the account doubles or halves.
                let wanted = (max(0, live.count - window.count) + settings.eventSweepReads - 1) / settings.eventSweepReads
                period = max(settings.offScreenSweep, Self.powerOfTwo(atLeast: wanted))
            } else {
                period = settings.offScreenSweep
            }
            for index in stride(from: pollCount % period, to: sweepOrder.count, by: period) where !onScreen.contains(sweepOrder[index]) {
                take(sweepOrder[index])
            }
        }
        return reads
    }

    static func powerOfTwo(atLeast n: Int) -> Int {
        var p = 1
        while p < n { p *= 2 }
        return p
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
