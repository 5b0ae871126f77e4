import NIOHTTP1
/// Calls, recordings, call streams, coaching and single-participant announcements. Every
/// request is checked first (`problems`): bad input throws `CompatError.invalidRequest` with
/// the reasons, and nothing is sent.
extension CompatClient {
    // MARK: calls

    /// Every call matching `filter`, one page at a time.
    public func callPages(_ filter: CallFilter = .init()) throws(CompatError) -> PageSequence<Call> {
        try RequestRules.check(filter.problems)
        return PageSequence(client: self, firstPath: "\(accountPath)/Calls", query: filter.queryItems, operation: "list calls")
    }

    /// Every call matching `filter`, all pages read.
    public func calls(_ filter: CallFilter = .init()) async throws -> [Call] {
        try await callPages(filter).collectItems()
    }

    /// The account's calls that are up now, keyed by call sid: one paged listing (1,000 a page)
    /// covers every participant of every conference.
    /// Each call is read only as far as a participant's row needs (`ListedCall`).
    public func inProgressCalls() async throws -> [String: Call] {
        let filter = CallFilter.inProgress
        try RequestRules.check(filter.problems)
        let calls = try await PageSequence<ListedCall>(
            client: self, firstPath: "\(accountPath)/Calls", query: filter.queryItems, operation: "list calls"
        ).collectItems().map(\.call)
        return Dictionary(calls.map { ($0.sid, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The same listing for a reader that keeps what it read last time (the dashboard): a page
    /// whose bytes are those this client read last time at its URL is not decoded, and only
    /// its calls' sids come back (`CallListing.unchangedSids`). The client keeps just those sids
    /// and the link to the next page, not the decoded calls: at 50,000 calls the decoded pages
    /// were a fifth of the dashboard's memory, beside the same calls the dashboard keeps itself.
    public func inProgressCallListing() async throws -> CallListing {
        let filter = CallFilter.inProgress
        try RequestRules.check(filter.problems)
        var listing = CallListing(changedPages: [], unchangedSids: [])
        let first = url("\(accountPath)/Calls", query: filter.queryItems)
        var next: String? = first
        var seen: Set<String> = []
        var index = 0
        while let target = next {
            let response = try await perform(.GET, url: target, form: nil, operation: "list calls", retryable: true)
            let digest = ReadCache.digest(response.body)
            let slot = ReadCache.slot(first: first, index: index)
            index += 1
            let link: String?
            if let memo: CallPageMemo = reads.value(for: slot, digest: digest) {
                listing.unchangedSids += memo.sids
                link = memo.nextPageUri
            } else {
                let page: ListPage<ListedCall> = try decode(response, operation: "list calls")
                listing.changedPages.append(page.items)
                reads.store(
                    CallPageMemo(sids: page.items.map { Sid($0.sid) }, nextPageUri: page.nextPageUri), digest: digest,
                    for: slot)
                link = page.nextPageUri
            }
            guard let link, !link.isEmpty else { break }
            // A service that hands back a page it already gave would loop forever.
            guard seen.insert(link).inserted else {
                throw CompatError.unreadableResponse(status: 200, reason: "the service repeated page \(link)")
            }
            next = try sameOrigin(link)
        }
        return listing
    }

    public func call(_ sid: String) async throws -> Call {
        try RequestRules.check([RequestRules.sidProblem("the call sid", sid)].compactMap { $0 })
        return try await get(path: callPath(sid), query: [], operation: "fetch call \(sid)")
    }

    // MARK: conference recordings

    public func conferenceRecordingPages(conference: String, filter: RecordingFilter = .init()) throws(CompatError)
        -> PageSequence<Recording>
    {
        try RequestRules.check(filter.problems + sidProblems(("the conference sid", conference)))
        return PageSequence(
            client: self, firstPath: "\(conferencePath(conference))/Recordings", query: filter.queryItems,
            operation: "list recordings of \(conference)")
    }

    /// A conference's recordings, all pages read.
    public func conferenceRecordings(conference: String, filter: RecordingFilter = .init()) async throws -> [Recording] {
        try await conferenceRecordingPages(conference: conference, filter: filter).collectItems()
    }

    public func conferenceRecording(conference: String, sid: String) async throws -> Recording {
        try RequestRules.check(sidProblems(("the conference sid", conference), ("the recording sid", sid)))
        return try await get(
            path: conferenceRecordingPath(conference, sid), query: [], operation: "fetch recording \(sid)")
    }

    /// Pauses, resumes or stops a conference's recording.
    public func updateConferenceRecording(conference: String, sid: String, _ update: RecordingUpdate) async throws
        -> Recording
    {
        try RequestRules.check(
            update.problems + sidProblems(("the conference sid", conference), ("the recording sid", sid)))
        return try await send(
            .POST, path: conferenceRecordingPath(conference, sid), form: update.formFields,
            operation: "update recording \(sid)")
    }

    /// `skip` leaves the pause out of the file; `silence` (the service's default) fills it.
    public func pauseConferenceRecording(conference: String, sid: String, behavior: PauseBehavior? = nil)
        async throws -> Recording
    {
        try await updateConferenceRecording(conference: conference, sid: sid, .pause(behavior))
    }

    public func resumeConferenceRecording(conference: String, sid: String) async throws -> Recording {
        try await updateConferenceRecording(conference: conference, sid: sid, .resume)
    }

    public func stopConferenceRecording(conference: String, sid: String) async throws -> Recording {
        try await updateConferenceRecording(conference: conference, sid: sid, .stop)
    }

    /// Deletes a conference recording for good (204, no body). Never retried.
    public func deleteConferenceRecording(conference: String, sid: String) async throws {
        try RequestRules.check(sidProblems(("the conference sid", conference), ("the recording sid", sid)))
        _ = try await perform(
            .DELETE, url: url(conferenceRecordingPath(conference, sid), query: []), form: nil,
            operation: "delete recording \(sid)", retryable: false)
    }

    // MARK: call recordings

    /// Starts recording one call. Never retried: a second POST would start a second recording.
    public func startCallRecording(call: String, _ request: StartCallRecordingRequest = .init()) async throws
        -> Recording
    {
        try RequestRules.check(request.problems + sidProblems(("the call sid", call)))
        return try await send(
            .POST, path: "\(callPath(call))/Recordings", form: request.formFields,
            operation: "start recording on call \(call)")
    }

    /// A call's recordings, newest first. The spec lists them only account-wide (`GET
    /// …/Recordings?CallSid=`: `Calls/{CallSid}/Recordings` takes a POST alone), so that is read.
    public func callRecordings(call: String) async throws -> [Recording] {
        try RequestRules.check(sidProblems(("the call sid", call)))
        return try await PageSequence<Recording>(
            client: self, firstPath: "\(accountPath)/Recordings", query: [("CallSid", call)],
            operation: "list recordings of call \(call)"
        ).collectItems()
    }

    /// Deletes a recording, a call's or a conference's, by its account-level path (`DELETE
    /// …/Recordings/{Sid}`, 204 with no body): the only delete the spec has for a call's.
    /// Never retried.
    public func deleteRecording(sid: String) async throws {
        try RequestRules.check(sidProblems(("the recording sid", sid)))
        _ = try await perform(
            .DELETE, url: url("\(accountPath)/Recordings/\(Self.segment(sid))", query: []), form: nil,
            operation: "delete recording \(sid)", retryable: false)
    }

    /// Pauses, resumes or stops a call's recording.
    public func updateCallRecording(call: String, sid: String, _ update: RecordingUpdate) async throws -> Recording {
        try RequestRules.check(update.problems + sidProblems(("the call sid", call), ("the recording sid", sid)))
        return try await send(
            .POST, path: "\(callPath(call))/Recordings/\(Self.segment(sid))", form: update.formFields,
            operation: "update recording \(sid)")
    }

    // MARK: call streams

    /// Starts a stream on one call. Never retried: a second POST would start a second stream.
    public func startCallStream(call: String, _ request: StartCallStreamRequest) async throws -> CallStream {
        try RequestRules.check(request.problems + sidProblems(("the call sid", call)))
        return try await send(
            .POST, path: "\(callPath(call))/Streams", form: request.formFields, operation: "start stream on call \(call)")
    }

    /// Stops a call's stream by its sid (or its name, which is unique per call).
    public func stopCallStream(call: String, stream: String) async throws -> CallStream {
        try RequestRules.check(sidProblems(("the call sid", call), ("the stream", stream)))
        return try await send(
            .POST, path: "\(callPath(call))/Streams/\(Self.segment(stream))", form: [("Status", "stopped")],
            operation: "stop stream \(stream)")
    }

    // MARK: participants: coaching and announcements

    /// Makes `coach` coach `callSidToCoach` (both in `conference`): the coach hears both, only
    /// the coached call hears the coach. The service refuses a call that is not in the
    /// conference (code 16002) in its own words.
    public func coach(conference: String, coach: String, callSidToCoach: String) async throws -> Participant {
        try await updateParticipant(conference: conference, callSid: coach, .coach(callSidToCoach))
    }

    public func stopCoaching(conference: String, callSid: String) async throws -> Participant {
        try await updateParticipant(conference: conference, callSid: callSid, .stopCoaching)
    }

    /// Plays an announcement to one participant, not the whole conference.
    public func announceToParticipant(
        conference: String, callSid: String, url: String, method: CallbackMethod? = nil
    ) async throws -> Participant {
        try await updateParticipant(conference: conference, callSid: callSid, .announce(url, method: method))
    }

    // MARK: paths

    func callPath(_ sid: String) -> String { "\(accountPath)/Calls/\(Self.segment(sid))" }

    func conferenceRecordingPath(_ conference: String, _ sid: String) -> String {
        "\(conferencePath(conference))/Recordings/\(Self.segment(sid))"
    }

    private func sidProblems(_ sids: (String, String)...) -> [String] {
        sids.compactMap { RequestRules.sidProblem($0.0, $0.1) }
    }
}

/// What the read cache keeps of a page of the calls listing: its calls' sids and its link on.
struct CallPageMemo: Sendable {
    var sids: [Sid]
    var nextPageUri: String?
}

/// The account's calls in progress as read for a reader that keeps the last listing.
public struct CallListing: Sendable {
    /// The pages that changed since this client last read them (or all, the first time), each
    /// as decoded. Kept page by page, as `ListedCall`s: appended into one array of whole `Call`s
    /// they were the largest thing a dashboard ever held, 52 MB at 50,000 calls for the moment
    /// the listing was read (the array doubling as it grew), and what that peak left the heap
    /// fragmented by stayed resident for as long as the dashboard ran.
    public var changedPages: [[ListedCall]]
    /// Calls on pages that came back byte for byte as last time: the reader has them already.
    public var unchangedSids: [Sid]

    public init(changedPages: [[ListedCall]], unchangedSids: [Sid]) {
        self.changedPages = changedPages
        self.unchangedSids = unchangedSids
    }

    /// The calls on changed pages, in the service's order.
    public var changed: FlattenSequence<[[ListedCall]]> { changedPages.joined() }
    /// How many calls the changed pages hold.
    public var changedCount: Int { changedPages.reduce(0) { $0 + $1.count } }
}
