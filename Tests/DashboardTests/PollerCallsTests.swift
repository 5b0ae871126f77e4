import CompatAPI
import DashboardCore
import DashboardRuntime
import DashboardTestSupport
import Emulator
import Foundation
import Logging
import Synchronization
import Testing

/// Who each participant is: the poller reads the account's in-progress calls in one paged
/// listing per poll, fetches alone only a participant's call that listing missed, and never
/// lets a failure of either cost the poll.
@Suite struct PollerCallsTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func onePagedListingNamesEveryParticipantWithNoReadPerCall() async throws {
        var quiet = Logger(label: "test.poller-calls")
        quiet.logLevel = .critical
        let server = try await EmulatorServer.start(EmulatorConfiguration(conferences: 4), logger: quiet)
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: EmulatorConfiguration.demoProjectID, apiToken: EmulatorConfiguration.demoAPIToken),
            requestTimeout: .seconds(120), retryPolicy: .never, logger: quiet)
        let seen = Mutex<[Msg]>([])
        let poller = ConferencePoller(
            source: client, now: { Self.start }, jitter: { 1 }, logger: quiet, emit: { msg in seen.withLock { $0.append(msg) } })
        await poller.run(limit: 1)
        let requests = await server.requests()
        await client.shutdown()
        await server.stop()

        guard case .pollSucceeded(let snapshot, _)? = seen.withLock({ $0.first }) else {
            Issue.record("the poll did not succeed: \(seen.withLock { $0 })")
            return
        }
        let callSids = Set(snapshot.participants.values.joined().map(\.callSid))
        #expect(!callSids.isEmpty)
        let calls = try #require(snapshot.calls)
        for sid in callSids {
            let call = try #require(calls[sid], "no call for participant \(sid)")
            #expect(!call.from.isEmpty && !call.to.isEmpty)
            #expect(call.status == .inProgress)
        }
        #expect(snapshot.callsFailure == nil)
        let callReads = requests.filter { $0.method == "GET" && $0.path.contains("/Calls") }
        // The listing (one page holds them all), filtered to calls in progress; no fetch of one call.
        #expect(callReads.count == 1, "\(callReads)")
        #expect(callReads.first?.path.hasSuffix("/Calls") == true, "the listing, not one call")
        #expect(callReads.first?.query?.contains("Status=in-progress") == true)
    }

    @Test func aCallTheListingMissedIsFetchedAloneAndOneThatCannotBeIsLeftOut() async throws {
        let source = CallsSource(listed: ["CA-c1"], fetchable: ["CA-c2"])
        let snapshot = try await Self.poll(source)
        let calls = try #require(snapshot.calls)
        #expect(Set(calls.keys) == ["CA-c1", "CA-c2"])
        #expect(calls["CA-c2"]?.callerName == "Caller CA-c2")
        // CA-c3 is neither listed nor fetchable: its participant shows by sid; the poll stands.
        #expect(source.fetched.sorted() == ["CA-c2", "CA-c3"])
        #expect(snapshot.participants.count == 3)
    }

    @Test func theListingComesOnceASweepAndANewcomerIsFetchedOnTheFirstPollThatSeesIt() async throws {
        let source = CallsSource(listed: ["CA-c1", "CA-c2", "CA-c3"], fetchable: ["CA-c4"])
        // The listing and the conference list run side by side: the fourth conference shows from
        // the second poll, which does not list calls, so its caller is fetched alone there.
        let seen = Mutex<[Msg]>([])
        let poller = ConferencePoller(
            source: source, settings: ConferencePoller.Settings(interval: .milliseconds(1), callsSweep: 3),
            now: { Self.start }, jitter: { 1 }, emit: { msg in seen.withLock { $0.append(msg) } })
        await poller.run(limit: 4)
        let snapshots = seen.withLock { $0 }.compactMap { msg -> PollSnapshot? in
            if case .pollSucceeded(let snapshot, _) = msg { return snapshot }
            return nil
        }
        #expect(snapshots.count == 4)
        // Polls 1 and 3 list the calls; 2 fetches the newcomer alone; 4 has nothing new.
        #expect(source.listings == 2)
        #expect(source.fetched == ["CA-c4"])
        #expect(snapshots.map { $0.calls?.count } == [3, 4, 4, nil])
    }

    @Test func aListingThatFailsCostsTheNamesNotThePoll() async throws {
        let source = CallsSource(listed: [], fetchable: ["CA-c1"], listingFails: true)
        let snapshot = try await Self.poll(source)
        #expect(snapshot.calls == nil)
        #expect(snapshot.callsFailure?.contains("the API token may not read calls") == true)
        // No fetch one by one either: without the listing that would be a read per participant.
        #expect(source.fetched.isEmpty)
        #expect(snapshot.participants.count == 3)
    }

    @Test func theStateKeepsTheCallsOfTheLastListingAndKeepsThemWhenOneFails() {
        var state = AppState(space: "s", account: "AC", now: Self.start)
        let conference = Fixtures.conference("c1", "One")
        let participants = ["c1": [Fixtures.participant("CA-c1", in: "c1")]]
        let alice = CallsSource.info("CA-c1")
        _ = update(
            &state, .pollSucceeded(PollSnapshot(conferences: [conference], participants: participants, calls: ["CA-c1": alice]), at: Self.start))
        #expect(state.calls["CA-c1"] == alice)
        _ = update(
            &state,
            .pollSucceeded(PollSnapshot(conferences: [conference], participants: participants, calls: nil, callsFailure: "403"), at: Self.start))
        #expect(state.calls["CA-c1"] == alice)
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: [conference], participants: participants, calls: [:]), at: Self.start))
        #expect(state.calls.isEmpty)
    }

    @Test func theOpenConferencesCallsAreReadEveryPollInTurnsBetweenRareListings() async throws {
        let source = CrowdSource(people: 5)
        let seen = Mutex<[Msg]>([])
        let poller = ConferencePoller(
            source: source,
            settings: ConferencePoller.Settings(
                interval: .milliseconds(1), maxConcurrency: 1, callsSweep: 100, watchedCallReads: 2),
            now: { Self.start }, jitter: { 1 }, emit: { msg in seen.withLock { $0.append(msg) } })
        await poller.watch("big")
        await poller.run(limit: 4)
        // Poll 1 lists every call; polls 2 to 4 read two of the open conference's five calls
        // each, taking turns, and no listing.
        #expect(source.listings == 1)
        #expect(source.fetched == ["CA-1", "CA-2", "CA-3", "CA-4", "CA-5", "CA-1"])
        let snapshots = seen.withLock { $0 }.compactMap { msg -> PollSnapshot? in
            if case .pollSucceeded(let snapshot, _) = msg { return snapshot }
            return nil
        }
        #expect(snapshots.map { $0.calls?.count } == [5, 5, 5, 5])
    }

    static func poll(_ source: CallsSource) async throws -> PollSnapshot {
        let seen = Mutex<[Msg]>([])
        let poller = ConferencePoller(source: source, now: { Self.start }, jitter: { 1 }, emit: { msg in seen.withLock { $0.append(msg) } })
        await poller.run(limit: 1)
        guard case .pollSucceeded(let snapshot, _)? = seen.withLock({ $0.first }) else {
            throw NoPoll()
        }
        return snapshot
    }

    struct NoPoll: Error {}
}

/// Three conferences, one participant each (CA-c1, CA-c2, CA-c3); calls listed and fetchable
/// as the test says.
final class CallsSource: ConferenceSource {
    let listed: Set<String>
    let fetchable: Set<String>
    let listingFails: Bool
    private let fetches = Mutex<[String]>([])
    private let listingCount = Mutex(0)
    /// From the second poll on, a fourth conference is live with caller CA-c4 (listed from then on).
    private let conferenceReads = Mutex(0)
    var fourthIsLive: Bool { conferenceReads.withLock { $0 } >= 2 }

    init(listed: Set<String>, fetchable: Set<String>, listingFails: Bool = false) {
        self.listed = listed
        self.fetchable = fetchable
        self.listingFails = listingFails
    }

    var fetched: [String] { fetches.withLock { $0 } }
    var listings: Int { listingCount.withLock { $0 } }

    func liveConferences() async throws -> [Conference] {
        conferenceReads.withLock { $0 += 1 }
        return (fourthIsLive ? ["c1", "c2", "c3", "c4"] : ["c1", "c2", "c3"]).map { Fixtures.conference($0, $0) }
    }
    func recentlyCompleted() async throws -> [Conference] { [] }
    func conference(_ sid: String) async throws -> Conference { Fixtures.conference(sid, sid) }
    func participants(of conference: String) async throws -> [Participant] {
        [Fixtures.participant("CA-\(conference)", in: conference)]
    }

    func inProgressCalls() async throws -> [String: Call] {
        listingCount.withLock { $0 += 1 }
        if listingFails {
            throw CompatError.service(
                ServiceError(status: 403, code: nil, message: "the API token may not read calls"), retryAfterSeconds: nil)
        }
        let live = fourthIsLive ? listed.union(["CA-c4"]) : listed
        return Dictionary(uniqueKeysWithValues: live.map { ($0, Self.call($0)) })
    }

    func call(_ sid: String) async throws -> Call {
        fetches.withLock { $0.append(sid) }
        guard fetchable.contains(sid) else {
            throw CompatError.service(ServiceError(status: 404, code: 20404, message: "not found"), retryAfterSeconds: nil)
        }
        return Self.call(sid)
    }

    static func call(_ sid: String) -> Call {
        let now = ServiceDate(Date(timeIntervalSince1970: 1_800_000_000))
        return Call(
            sid: sid, accountSid: "AC", dateCreated: now, dateUpdated: now, to: "+15550100199",
            toFormatted: "(555) 010-0199", from: "+15550100100", fromFormatted: "(555) 010-0100", status: .inProgress,
            startTime: now, duration: nil, direction: .inbound, callerName: "Caller \(sid)", uri: "/Calls/\(sid).json",
            subresourceUris: CallSubresourceURIs(recordings: "/Calls/\(sid)/Recordings.json"))
    }

    static func info(_ sid: String) -> CallInfo { CallInfo(call(sid)) }
}

/// One conference, "big", with `people` participants CA-1…CA-n, every call listed and fetchable.
final class CrowdSource: ConferenceSource {
    let people: Int
    private let fetches = Mutex<[String]>([])
    private let listingCount = Mutex(0)

    init(people: Int) { self.people = people }

    var fetched: [String] { fetches.withLock { $0 } }
    var listings: Int { listingCount.withLock { $0 } }

    func liveConferences() async throws -> [Conference] { [Fixtures.conference("big", "Big")] }
    func recentlyCompleted() async throws -> [Conference] { [] }
    func conference(_ sid: String) async throws -> Conference { Fixtures.conference(sid, sid) }
    func participants(of conference: String) async throws -> [Participant] {
        (1...people).map { Fixtures.participant("CA-\($0)", in: conference) }
    }
    func inProgressCalls() async throws -> [String: Call] {
        listingCount.withLock { $0 += 1 }
        return Dictionary(uniqueKeysWithValues: (1...people).map { ("CA-\($0)", CallsSource.call("CA-\($0)")) })
    }
    func call(_ sid: String) async throws -> Call {
        fetches.withLock { $0.append(sid) }
        return CallsSource.call(sid)
    }
}
