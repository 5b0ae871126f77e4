import CompatAPI
import DashboardCore
import DashboardRuntime
import DashboardTestSupport
import TerminalUI
import Foundation
import Synchronization
import Testing

/// A large account's first poll shows its conferences' rows before their participants are read
/// (at 10,000 conferences the participants took 15 s, and the table stayed empty meanwhile).
@Suite struct RowsFirstTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func messages(conferences: Int) async -> [Msg] {
        let seen = Mutex<[Msg]>([])
        let poller = ConferencePoller(
            source: ManyConferencesSource(count: conferences), settings: .init(interval: .milliseconds(1)),
            now: { Self.start }, jitter: { 1 }, emit: { msg in seen.withLock { $0.append(msg) } })
        await poller.run(limit: 2)
        return seen.withLock { $0 }
    }

    @Test func aLargeFirstPollListsTheRowsBeforeReadingParticipants() async throws {
        let messages = await Self.messages(conferences: 250)
        guard case .conferencesListed(let listed, _)? = messages.first else {
            Issue.record("the first message is not the rows: \(messages.first.map { "\($0)" } ?? "none")")
            return
        }
        #expect(listed.conferences.count == 250)
        #expect(listed.participants.isEmpty)
        // Then the poll itself, with every participant list; the second poll lists nothing early.
        let polls = messages.compactMap { msg -> PollSnapshot? in
            if case .pollSucceeded(let snapshot, _) = msg { return snapshot }
            return nil
        }
        #expect(polls.count == 2)
        #expect(polls.first?.participants.count == 250)
        #expect(messages.filter { if case .conferencesListed = $0 { true } else { false } }.count == 1)
    }

    @Test func aSmallAccountGoesStraightToThePoll() async {
        let messages = await Self.messages(conferences: 12)
        #expect(!messages.contains { if case .conferencesListed = $0 { true } else { false } })
    }

    @Test func theRowsShowWhileTheHeaderStillWaitsForTheFirstRefresh() {
        var state = AppState(space: "s", account: "AC", now: Self.start)
        let conferences = (0..<3).map { Fixtures.conference("c\($0)", "Conference \($0)") }
        _ = update(&state, .conferencesListed(PollSnapshot(conferences: conferences, participants: [:]), at: Self.start))
        #expect(state.rows.count == 3)
        #expect(state.rows.values.allSatisfy { !$0.participantsKnown })
        #expect(state.lastRefresh == nil)
        #expect(state.poll == .starting)
        // The list was the service's answer: no "no answer yet" under the title, and the
        // header says what the first refresh is still doing.
        state.now = Self.start.addingTimeInterval(10)
        #expect(state.currentProblem == nil)
        #expect(DashboardView().pollSummary(state).0.hasPrefix("reading participants"))
        let participants = Dictionary(uniqueKeysWithValues: conferences.map { ($0.sid, [Fixtures.participant("CA-\($0.sid)", in: $0.sid)]) })
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: participants), at: Self.start))
        #expect(state.rows.values.allSatisfy { $0.participantsKnown })
        #expect(state.lastRefresh == Self.start)
        // Participants arriving for rows already shown are not "changes" to highlight.
        #expect(state.changedUntil.isEmpty)
    }
}

/// `count` live conferences, one participant each.
final class ManyConferencesSource: ConferenceSource {
    let count: Int
    init(count: Int) { self.count = count }

    func liveConferences() async throws -> [Conference] {
        (0..<count).map { Fixtures.conference("c\($0)", "Conference \($0)") }
    }
    func recentlyCompleted() async throws -> [Conference] { [] }
    func conference(_ sid: String) async throws -> Conference { Fixtures.conference(sid, sid) }
    func participants(of conference: String) async throws -> [Participant] {
        [Fixtures.participant("CA-\(conference)", in: conference)]
    }
}
