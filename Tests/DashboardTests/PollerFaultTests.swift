import Clocks
import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Logging
import Synchronization
import Testing

/// The poller against the emulator's injected faults over real HTTP: what the operator reads
/// when the conference list cannot be read, and when the next try is.
@Suite struct PollerFaultTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// One poll against an emulator with `faults`; the message it emitted.
    static func onePoll(_ faults: FaultSettings) async throws -> Msg? {
        var quiet = Logger(label: "test.poller-faults")
        quiet.logLevel = .critical
        let server = try await EmulatorServer.start(EmulatorConfiguration(conferences: 3, faults: faults), logger: quiet)
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: EmulatorConfiguration.demoProjectID, apiToken: EmulatorConfiguration.demoAPIToken),
            requestTimeout: .seconds(120), retryPolicy: .never, logger: quiet)
        let seen = Seen()
        let poller = ConferencePoller(
            source: client, now: { start }, jitter: { 1 }, logger: quiet, emit: { msg in seen.messages.withLock { $0.append(msg) } })
        await poller.run(limit: 1)
        await client.shutdown()
        await server.stop()
        return seen.messages.withLock { $0.first }
    }

    final class Seen: Sendable {
        let messages = Mutex<[Msg]>([])
    }

    static func failure(_ msg: Msg?) -> (reason: String, retryAt: Date)? {
        guard case .pollFailed(let reason, _, let retryAt, _)? = msg else { return nil }
        return (reason, retryAt)
    }

    @Test func aMissingConferenceListPointsAtTheSpaceAndProject() async throws {
        let failed = try #require(Self.failure(try await Self.onePoll(FaultSettings(status: 404))))
        #expect(failed.reason.hasPrefix("conference list not found: check the space URL and the Project ID"))
    }

    @Test func anInvalidRequestSaysConfdashMayBeOutOfDate() async throws {
        let failed = try #require(Self.failure(try await Self.onePoll(FaultSettings(status: 422))))
        #expect(failed.reason.hasPrefix("the service refused confdash's request (HTTP 422); is confdash up to date?"))
    }

    @Test func theNextTryHonoursRetryAfter() async throws {
        let failed = try #require(Self.failure(try await Self.onePoll(FaultSettings(status: 429, retryAfterSeconds: 7))))
        #expect(failed.reason.hasPrefix("rate limited by the service, retry in 7 s"))
        #expect(failed.retryAt == Self.start.addingTimeInterval(7))
    }

    @Test func otherFailuresKeepTheClientsWords() async throws {
        let failed = try #require(Self.failure(try await Self.onePoll(FaultSettings(status: 503))))
        #expect(failed.reason.hasPrefix("the service is failing (HTTP 503)"))
    }

    @Test func aHealthyServiceStillPolls() async throws {
        guard case .pollSucceeded(let snapshot, _)? = try await Self.onePoll(FaultSettings()) else {
            Issue.record("expected a successful poll")
            return
        }
        #expect(!snapshot.conferences.isEmpty)
    }

    /// Against the real client: a list read again byte for byte is reported as the same list
    /// (the screen then looks only at what was read), and one a new conference changed is not.
    @Test func anUnchangedListIsReportedAsTheSameOne() async throws {
        var quiet = Logger(label: "test.poller-same-list")
        quiet.logLevel = .critical
        let server = try await EmulatorServer.start(EmulatorConfiguration(conferences: 5), logger: quiet)
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: EmulatorConfiguration.demoProjectID, apiToken: EmulatorConfiguration.demoAPIToken),
            requestTimeout: .seconds(120), retryPolicy: .never, logger: quiet)
        // A generous timeout: on a loaded machine a poll that timed out would wait for a retry on
        // the test clock, which this test does not advance.
        let clock = TestClock()
        let tap = MessageTap()
        let poller = ConferencePoller(
            source: client, settings: .init(interval: .seconds(2)), clock: clock, now: { Self.start }, jitter: { 1 },
            logger: quiet, emit: tap.emit)
        let task = Task { await poller.run() }
        var messages = tap.reader(clock)
        func nextPoll() async -> PollSnapshot? {
            guard case .pollSucceeded(let snapshot, _)? = await messages.next() else { return nil }
            return snapshot
        }
        let first = try #require(await nextPoll())
        #expect(!first.sameConferences)
        await clock.advance(by: .seconds(2))
        let second = try #require(await nextPoll())
        #expect(second.sameConferences)
        // (The first poll also carried some history: the completed conferences.)
        #expect(second.conferences == first.conferences.filter { $0.status.isLive })
        let added = await server.world.createConference(friendlyName: "Brand new", participants: 2)
        await clock.advance(by: .seconds(2))
        let third = try #require(await nextPoll())
        #expect(!third.sameConferences)
        #expect(third.conferences.contains { $0.sid == added.sid })
        #expect(third.participants[added.sid]?.count == 2)
        task.cancel()
        await client.shutdown()
        await server.stop()
    }
}
