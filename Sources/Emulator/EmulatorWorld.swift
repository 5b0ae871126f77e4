import CompatAPI
import Foundation
import Logging

/// The emulator's in-memory service: conferences, their participants and streams, seeded
/// from one number, changed by API calls, churn and the stream lifecycle.
public actor EmulatorWorld {
    public nonisolated let accountSid: String
    let paths: ResourcePaths
    let clock: EmulatorClock
    /// Wall time when the clock read zero; `now` moves with the injected clock from here.
    let origin: Date
    let streamStartDelay: Duration
    let participantsPerConference: ClosedRange<Int>
    let callbacks: CallbackSender?
    let logger: Logger

    var rng: SeededGenerator
    var conferences: [String: ConferenceRecord] = [:]
    /// Conference sids in list order: newest first, ties broken by creation sequence.
    var order: [String] = []
    var nextSequence = 0
    /// Which conference each stream belongs to.
    var streamOwners: [String: String] = [:]
    /// Streams waiting to go from queued to in-progress.
    var pendingStarts: [String: Task<Void, Never>] = [:]
    var churnTask: Task<Void, Never>?
    /// The size churn keeps the world near (set at its first step): as many live conferences as
    /// the world started with, and at most so many completed ones, so a demo left running all
    /// day neither grows nor empties.
    var churnLiveTarget: Int?
    var churnCompletedCap = 0
    /// Where conference status callbacks go, as an application's cXML would ask; nil: nowhere.
    var conferenceEvents: ConferenceEventSubscription?
    /// The `SequenceNumber` of each conference's last status callback.
    var conferenceEventSequence: [String: Int] = [:]
    /// Draws who speaks: apart from `rng`, so that turning conference events on does not change
    /// which conferences and participants the same seed and churn steps give.
    var speechRNG: SeededGenerator
    /// The seed the world grew from: calls' identities and seeded recordings derive from it
    /// and a sid, drawing nothing from `rng`.
    let seed: UInt64
    /// Draws sids of call recordings, call streams and recordings started later, apart from
    /// `rng` for the same reason as `speechRNG`.
    var mediaRNG: SeededGenerator
    /// Orders recordings and call streams among themselves (apart from `nextSequence`).
    var mediaSequence = 0
    /// Calls of participants who left a live conference, which no longer lists them.
    var departedCalls: [String: CallView] = [:]
    /// Their sids in departure order, to forget the oldest first.
    var departedOrder: [String] = []
    /// Recordings of single calls, by recording sid.
    var recordingsOfCalls: [String: RecordingRecord] = [:]
    /// Streams on single calls, by stream sid.
    var streamsOfCalls: [String: CallStreamRecord] = [:]
    /// Stopped recordings waiting to become completed.
    var pendingCompletions: [String: Task<Void, Never>] = [:]

    init(
        configuration: EmulatorConfiguration, clock: EmulatorClock, callbacks: CallbackSender?, logger: Logger,
        origin: Date = Date()
    ) async {
        accountSid = configuration.accountSid
        paths = ResourcePaths(accountSid: configuration.accountSid)
        self.clock = clock
        self.origin = origin
        streamStartDelay = configuration.streamStartDelay
        participantsPerConference = configuration.participantsPerConference
        self.callbacks = callbacks
        self.logger = logger
        rng = SeededGenerator(seed: configuration.seed)
        speechRNG = SeededGenerator(seed: configuration.seed ^ 0x5EEC_4000_0000_0001)
        seed = configuration.seed
        mediaRNG = SeededGenerator(seed: configuration.seed ^ 0x3ED1_A000_0000_0004)
        seedInitialWorld(count: configuration.conferences)
    }

    /// Wall-clock time as the world sees it.
    var now: Date { origin.addingTimeInterval(clock.elapsed.timeInterval) }

    // MARK: Reading, for in-process tests and the admin surface

    public func conference(sid: String) -> Conference? {
        conferences[sid]?.wire(paths: paths, accountSid: accountSid)
    }

    /// Every conference's participants in join order, including completed ones.
    public func participants(conferenceSid: String) -> [Participant] {
        guard let record = conferences[conferenceSid] else { return [] }
        return record.participants.map { $0.wire(conferenceSid: record.sid, paths: paths, accountSid: accountSid) }
    }

    public func stream(sid: String) -> StreamSnapshot? {
        guard let owner = streamOwners[sid], let record = conferences[owner],
            let stream = record.streams.first(where: { $0.sid == sid })
        else { return nil }
        return stream.snapshot(conferenceSid: owner)
    }

    /// The URL of the last announcement played to a whole conference, which the API never echoes.
    public func lastAnnouncement(conferenceSid: String) -> String? {
        conferences[conferenceSid]?.lastAnnouncement
    }

    /// A conference's streams in start order; nil when there is no such conference.
    public func streams(conferenceSid: String) -> [StreamSnapshot]? {
        conferences[conferenceSid].map { record in record.streams.map { $0.snapshot(conferenceSid: record.sid) } }
    }

    /// Every conference, newest first, with participant and stream counts.
    public func summaries() -> [ConferenceSummary] {
        order.compactMap { conferences[$0] }.map { record in
            ConferenceSummary(
                sid: record.sid, friendlyName: record.friendlyName, status: record.status.rawValue,
                region: record.region, dateCreated: ServiceDate.format(record.dateCreated),
                participants: record.participants.count,
                activeParticipants: record.participants.filter { $0.status != .completed }.count,
                streams: record.streams.count,
                activeStreams: record.streams.filter { $0.status != .stopped }.count)
        }
    }

    public var conferenceCount: Int { conferences.count }

    /// Streams whose connect is still scheduled on the injected clock: started, not yet connected,
    /// not stopped. Once the clock has passed every start deadline and this is 0, each scheduled
    /// start has run or been called off, so the world has done all the starting it will do.
    public var scheduledStreamStarts: Int { pendingStarts.count }

    // MARK: Shaping the world, for tests and the admin surface

    /// Adds one conference created now, with `participants` calls in it.
    @discardableResult
    public func createConference(
        friendlyName: String? = nil, participants: Int = 3, status: ConferenceStatus = .inProgress
    ) -> Conference {
        let name = friendlyName ?? SeedCatalog.friendlyName(using: &rng)
        let record = makeConference(
            name: name, status: status, created: now, ended: status == .completed ? now : nil,
            participantCount: max(0, participants))
        insert(record)
        announceOpening(record.sid)
        return record.wire(paths: paths, accountSid: accountSid)
    }

    /// Adds `count` live conferences created over the past 30 days, all at once.
    @discardableResult
    public func seed(conferences count: Int) -> Int {
        let current = now
        for _ in 0..<max(0, count) {
            let created = current.addingTimeInterval(-Double.random(in: 60...(30 * 86_400), using: &rng))
            let record = makeConference(
                name: SeedCatalog.friendlyName(using: &rng), status: .inProgress, created: created, ended: nil,
                participantCount: Int.random(in: participantsPerConference, using: &rng))
            conferences[record.sid] = record
            order.append(record.sid)
        }
        sortOrder()
        return conferences.count
    }

    /// Ends a conference as `Status=completed` would; nil when there is no such conference.
    @discardableResult
    public func endConference(sid: String) -> Conference? {
        guard conferences[sid] != nil else { return nil }
        if conferences[sid]?.status != .completed { complete(conferenceSid: sid, reason: .endedViaAPI) }
        return conference(sid: sid)
    }

    /// Stops the churn and every pending stream start.
    func shutdown() {
        churnTask?.cancel()
        churnTask = nil
        for task in pendingStarts.values { task.cancel() }
        pendingStarts = [:]
        for task in pendingCompletions.values { task.cancel() }
        pendingCompletions = [:]
    }

    // MARK: The API's operations

    func listConferences(_ query: Validation.ConferenceQuery) -> ListPage<Conference> {
        let matching = order.compactMap { conferences[$0] }.filter { record in
            if let name = query.friendlyName, record.friendlyName != name { return false }
            if let status = query.status, record.status != status { return false }
            return query.created.matches(record.dateCreated) && query.updated.matches(record.dateUpdated)
        }
        let slice = Paging.slice(matching, cursor: \.cursor, descending: true, request: query.page)
        let wire = PageSlice(
            items: slice.items.map { $0.wire(paths: paths, accountSid: accountSid) }, firstCursor: slice.firstCursor,
            lastCursor: slice.lastCursor, hasNext: slice.hasNext, hasPrevious: slice.hasPrevious)
        return Paging.page(wire, path: paths.conferences, filters: query.linkFilters, request: query.page)
    }

    func fetchConference(_ sid: String) throws(ServiceError) -> Conference {
        try record(sid).wire(paths: paths, accountSid: accountSid)
    }

    func updateConference(_ sid: String, _ change: Validation.ConferenceChange) throws(ServiceError) -> Conference {
        let record = try record(sid)
        guard record.status != .completed else {
            throw Validation.invalid(["Conference \(sid) is already completed and can no longer be updated"])
        }
        if let url = change.announceUrl {
            conferences[sid]?.lastAnnouncement = url
            conferences[sid]?.dateUpdated = now
        }
        if change.end { complete(conferenceSid: sid, reason: .endedViaAPI) }
        return try fetchConference(sid)
    }

    func listParticipants(_ conferenceSid: String, _ query: Validation.ParticipantQuery) throws(ServiceError)
        -> ListPage<Participant>
    {
        let record = try record(conferenceSid)
        let matching = record.participants.filter { participant in
            if let muted = query.muted, participant.muted != muted { return false }
            if let hold = query.hold, participant.hold != hold { return false }
            return true
        }
        let slice = Paging.slice(matching, cursor: \.cursor, descending: false, request: query.page)
        let wire = PageSlice(
            items: slice.items.map { $0.wire(conferenceSid: conferenceSid, paths: paths, accountSid: accountSid) },
            firstCursor: slice.firstCursor, lastCursor: slice.lastCursor, hasNext: slice.hasNext,
            hasPrevious: slice.hasPrevious)
        return Paging.page(
            wire, path: paths.participants(conferenceSid), filters: query.linkFilters, request: query.page)
    }

    func fetchParticipant(_ conferenceSid: String, _ callSid: String) throws(ServiceError) -> Participant {
        let (_, index) = try participantIndex(conferenceSid, callSid)
        return conferences[conferenceSid]!.participants[index].wire(
            conferenceSid: conferenceSid, paths: paths, accountSid: accountSid)
    }

    func updateParticipant(
        _ conferenceSid: String, _ callSid: String, _ change: Validation.ParticipantChange
    ) throws(ServiceError) -> Participant {
        let (conference, index) = try participantIndex(conferenceSid, callSid)
        let participant = conference.participants[index]
        guard conference.status != .completed, participant.status != .completed else {
            throw Validation.invalid(["Participant \(callSid) is completed and can no longer be updated"])
        }
        // Coaching a call that is not in the conference is code 16002 (invalid conference
        // attributes), as the fact sheet has it; the other refusals are 10000.
        if let target = change.callSidToCoach {
            let isCoachable = conference.participants.contains { $0.callSid == target && $0.status != .completed }
            if target == callSid {
                throw Validation.coachingRefused("A participant cannot coach itself")
            } else if !isCoachable {
                throw Validation.coachingRefused(
                    "CallSidToCoach \(target) is not a participant in conference \(conferenceSid)")
            }
        }
        if change.coaching == true, (change.callSidToCoach ?? participant.callSidToCoach) == nil {
            throw Validation.invalid(["Coaching requires CallSidToCoach"])
        }

        var updated = participant
        if let muted = change.muted { updated.muted = muted }
        if let hold = change.hold { updated.hold = hold }
        if let url = change.holdUrl { updated.holdUrl = url }
        if let url = change.waitUrl { updated.waitUrl = url }
        if let url = change.announceUrl { updated.lastAnnouncement = url }
        if let target = change.callSidToCoach { updated.callSidToCoach = target }
        switch change.coaching {
        case true?: updated.coaching = true
        case false?:
            updated.coaching = false
            updated.callSidToCoach = nil
        case nil: break
        }
        // A muted or held participant is not heard.
        if updated.muted || updated.hold { updated.speaking = false }
        updated.dateUpdated = now
        conferences[conferenceSid]?.participants[index] = updated
        announceChanges(from: participant, to: updated, in: conferenceSid)
        return updated.wire(conferenceSid: conferenceSid, paths: paths, accountSid: accountSid)
    }

    /// Kicks a participant. Like the service, the conference ends when a participant with
    /// `end_conference_on_exit` leaves or when the last one does.
    func removeParticipant(_ conferenceSid: String, _ callSid: String) throws(ServiceError) {
        let (conference, index) = try participantIndex(conferenceSid, callSid)
        guard conference.status != .completed, conference.participants[index].status != .completed else {
            throw Validation.invalid(["Participant \(callSid) is completed and can no longer be removed"])
        }
        removeParticipant(at: index, from: conferenceSid, kicked: true)
    }

    // MARK: Helpers shared by the API, churn and the stream lifecycle

    func record(_ sid: String) throws(ServiceError) -> ConferenceRecord {
        guard let record = conferences[sid] else { throw Validation.notFound("Conference \(sid)") }
        return record
    }

    func participantIndex(_ conferenceSid: String, _ callSid: String) throws(ServiceError) -> (ConferenceRecord, Int) {
        let record = try record(conferenceSid)
        guard let index = record.participants.firstIndex(where: { $0.callSid == callSid }) else {
            throw Validation.notFound("Participant \(callSid)")
        }
        return (record, index)
    }

    /// `kicked`: removed through the API; otherwise the caller hung up.
    func removeParticipant(at index: Int, from conferenceSid: String, kicked: Bool) {
        guard var record = conferences[conferenceSid] else { return }
        var leaving = record.participants.remove(at: index)
        leaving.speaking = false
        let current = now
        for other in record.participants.indices where record.participants[other].callSidToCoach == leaving.callSid {
            record.participants[other].coaching = false
            record.participants[other].callSidToCoach = nil
            record.participants[other].dateUpdated = current
        }
        record.dateUpdated = current
        conferences[conferenceSid] = record
        rememberDeparted(leaving, from: conferenceSid, at: current)
        announce(.participantLeave, conferenceSid: conferenceSid, participant: leaving)
        if leaving.endConferenceOnExit {
            complete(
                conferenceSid: conferenceSid, reason: kicked ? .moderatorKicked : .moderatorLeft, endingCall: leaving.callSid)
        } else if record.participants.isEmpty {
            complete(conferenceSid: conferenceSid, reason: kicked ? .lastKicked : .lastLeft, endingCall: leaving.callSid)
        }
    }

    /// Why a conference ended, in Twilio's words (`ReasonConferenceEnded`).
    enum EndReason: String {
        case endedViaAPI = "conference-ended-via-api"
        case moderatorLeft = "participant-with-end-conference-on-exit-left"
        case moderatorKicked = "participant-with-end-conference-on-exit-kicked"
        case lastKicked = "last-participant-kicked"
        case lastLeft = "last-participant-left"
    }

    /// Ends a conference: its participants leave (and complete) and its streams stop.
    func complete(conferenceSid: String, reason: EndReason, endingCall: String? = nil) {
        guard var record = conferences[conferenceSid], record.status != .completed else { return }
        let current = now
        for participant in record.participants where participant.status != .completed {
            var leaving = participant
            leaving.speaking = false
            announce(.participantLeave, conferenceSid: conferenceSid, participant: leaving)
        }
        record.status = .completed
        record.dateUpdated = current
        for index in record.participants.indices {
            record.participants[index].status = .completed
            record.participants[index].speaking = false
            record.participants[index].dateUpdated = current
        }
        conferences[conferenceSid] = record
        announce(.conferenceEnd, conferenceSid: conferenceSid, reason: reason.rawValue, endingCall: endingCall)
        for stream in record.streams where stream.status != .stopped {
            stop(streamSid: stream.sid, in: conferenceSid, event: .stopped, error: nil)
        }
        stopRecordings(ofConference: conferenceSid)
        for participant in record.participants { endMedia(ofCall: participant.callSid) }
    }

    func insert(_ record: ConferenceRecord) {
        conferences[record.sid] = record
        let cursor = record.cursor
        // Newest first: the first sid listed after the new one.
        var low = 0
        var high = order.count
        while low < high {
            let mid = (low + high) / 2
            if let other = conferences[order[mid]], other.cursor > cursor { low = mid + 1 } else { high = mid }
        }
        order.insert(record.sid, at: low)
    }

    func sortOrder() {
        order.sort { a, b in
            guard let x = conferences[a], let y = conferences[b] else { return false }
            return x.cursor > y.cursor
        }
    }

    func takeSequence() -> Int {
        nextSequence += 1
        return nextSequence
    }

    func takeMediaSequence() -> Int {
        mediaSequence += 1
        return mediaSequence
    }

    /// A conference with its participants. Live rooms get a moderator who started them;
    /// rooms still in `init` only have callers waiting for one.
    func makeConference(
        name: String, status: ConferenceStatus, created: Date, ended: Date?, participantCount: Int
    ) -> ConferenceRecord {
        let sid = rng.uuid()
        let region = rng.pick(SeedCatalog.regions)
        let sequence = takeSequence()
        let lastActivity = ended ?? now
        let span = max(1, lastActivity.timeIntervalSince(created))
        var participants: [ParticipantRecord] = []
        for index in 0..<participantCount {
            let joined = created.addingTimeInterval(index == 0 ? 0 : Double.random(in: 0...span, using: &rng) * 0.5)
            let isModerator = index == 0 && status != .initializing
            participants.append(
                ParticipantRecord(
                    callSid: rng.uuid(), status: status == .completed ? .completed : .inProgress,
                    muted: !isModerator && rng.chance(0.25), hold: !isModerator && rng.chance(0.08), coaching: false,
                    callSidToCoach: nil,
                    startConferenceOnEnter: status == .initializing ? false : (isModerator || rng.chance(0.7)),
                    endConferenceOnExit: isModerator && rng.chance(0.3), dateCreated: joined,
                    dateUpdated: ended ?? joined, sequence: takeSequence()))
        }
        participants.sort { $0.cursor < $1.cursor }
        return ConferenceRecord(
            sid: sid, friendlyName: name, status: status, region: region, dateCreated: created,
            dateUpdated: ended ?? participants.last?.dateCreated ?? created, sequence: sequence,
            participants: participants, streams: [], lastAnnouncement: nil,
            recordings: seededRecordings(conferenceSid: sid, status: status, created: created, ended: ended))
    }

    /// The opening scene: about half the rooms live, a few waiting to start, the rest done.
    private func seedInitialWorld(count: Int) {
        let current = now
        for _ in 0..<max(0, count) {
            let roll = rng.unit()
            let status: ConferenceStatus = roll < 0.5 ? .inProgress : roll < 0.65 ? .initializing : .completed
            let created: Date
            var ended: Date?
            var participantCount = Int.random(in: participantsPerConference, using: &rng)
            switch status {
            case .completed:
                created = current.addingTimeInterval(-Double.random(in: 3_600...(10 * 86_400), using: &rng))
                ended = min(current, created.addingTimeInterval(Double.random(in: 300...7_200, using: &rng)))
            case .initializing:
                created = current.addingTimeInterval(-Double.random(in: 30...900, using: &rng))
                participantCount = min(participantCount, 2)
            default:
                created = current.addingTimeInterval(-Double.random(in: 300...(6 * 3_600), using: &rng))
            }
            let record = makeConference(
                name: SeedCatalog.friendlyName(using: &rng), status: status, created: created, ended: ended,
                participantCount: participantCount)
            conferences[record.sid] = record
            order.append(record.sid)
        }
        sortOrder()
    }
}
