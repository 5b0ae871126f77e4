import CompatAPI
import DashboardCore
import OperatorActions

/// What the poller reads from the service. `CompatClient` is the real one; tests of timing
/// and backoff in virtual time use a scripted one.
public protocol ConferenceSource: Sendable {
    /// Every conference that is not completed, all pages.
    func liveConferences() async throws -> [Conference]
    /// The same, saying whether it is the list read last time (`ConferenceListing.unchanged`).
    func liveConferenceListing() async throws -> ConferenceListing
    /// The most recent completed conferences (one page), so the dashboard opens with some history.
    func recentlyCompleted() async throws -> [Conference]
    func conference(_ sid: String) async throws -> Conference
    func participants(of conference: String) async throws -> [Participant]
    /// The account's calls in progress, every page, by call sid: who each participant is.
    func inProgressCalls() async throws -> [String: Call]
    /// The same, for a reader that keeps the last listing (`CallListing`).
    func inProgressCallListing() async throws -> CallListing
    /// One call, for a participant the listing did not cover (a call still ringing, one that
    /// joined between the two reads).
    func call(_ sid: String) async throws -> Call
    /// The recordings of one conference (the one open on screen).
    func recordings(of conference: String) async throws -> [Recording]
    /// The recordings of one call (one recorded from this dashboard).
    func recordings(ofCall call: String) async throws -> [Recording]
    /// These conferences left the live lists: nothing read of them is needed again.
    func conferencesEnded(_ sids: [String])
    /// How many answers the source keeps to tell a read unchanged (the poller's census logs it).
    var readsKept: Int { get }
}

extension ConferenceSource {
    /// A source that knows no calls (a scripted one in a test of timing): participants show by
    /// call sid alone.
    public func inProgressCalls() async throws -> [String: Call] { [:] }
    /// A source that cannot tell what changed: every call, as changed.
    public func inProgressCallListing() async throws -> CallListing {
        CallListing(changedPages: [try await inProgressCalls().values.map(ListedCall.init)], unchangedSids: [])
    }
    /// A source that cannot tell: the poller compares the list with the last one itself.
    public func liveConferenceListing() async throws -> ConferenceListing {
        ConferenceListing(pages: [try await liveConferences()], unchanged: false)
    }
    public func call(_ sid: String) async throws -> Call { throw CompatError.invalidRequest("no calls here") }
    public func recordings(of conference: String) async throws -> [Recording] { [] }
    public func recordings(ofCall call: String) async throws -> [Recording] { [] }
    public func conferencesEnded(_ sids: [String]) {}
    public var readsKept: Int { 0 }
}

extension CompatClient: ConferenceSource {
    public func liveConferences() async throws -> [Conference] {
        try await liveConferenceListing().conferences
    }

    public func liveConferenceListing() async throws -> ConferenceListing {
        // Two filtered lists are far cheaper than the whole history of completed conferences.
        async let inProgress = conferenceListing(ConferenceFilter(status: .inProgress, pageSize: 1000))
        async let starting = conferenceListing(ConferenceFilter(status: .initializing, pageSize: 1000))
        let (a, b) = try await (inProgress, starting)
        return ConferenceListing(pages: a.pages + b.pages, unchanged: a.unchanged && b.unchanged)
    }

    public func recentlyCompleted() async throws -> [Conference] {
        var pages = conferencePages(ConferenceFilter(status: .completed, pageSize: 50)).makeAsyncIterator()
        return try await pages.next()?.items ?? []
    }

    public func participants(of conference: String) async throws -> [Participant] {
        try await participants(conference: conference, filter: Self.participantsRead)
    }

    /// How the poller reads a conference's participants: every one on a single page.
    static let participantsRead = ParticipantFilter(pageSize: 1000)

    public func conferencesEnded(_ sids: [String]) {
        forgetReads(ofConferences: sids, participants: Self.participantsRead)
    }

    public func recordings(of conference: String) async throws -> [Recording] {
        try await conferenceRecordings(conference: conference)
    }

    public func recordings(ofCall call: String) async throws -> [Recording] {
        try await callRecordings(call: call)
    }
}
