import CompatAPI
import DashboardCore
import DashboardRuntime
import DashboardTestSupport
import Foundation
import Synchronization
import Testing

/// Every space at once: what each space's poller reports is merged into one table, a failing
/// space changes only its own health, and the screen says offline only when every space fails.
@Suite struct SpaceMergerTests {
    final class Posted: Sendable {
        let messages = Mutex<[Msg]>([])
        func post(_ msg: Msg) { messages.withLock { $0.append(msg) } }
        func take() -> [Msg] {
            messages.withLock { list in
                defer { list = [] }
                return list
            }
        }
    }

    static let at = Fixtures.epoch

    static func call(_ from: String) -> CallInfo {
        CallInfo(from: from, to: "+15550100", callerName: nil, direction: .inbound, startedAt: nil, status: .inProgress, quality: CallQuality())
    }

    static func snapshots(_ messages: [Msg]) -> [PollSnapshot] {
        messages.compactMap { if case .pollSucceeded(let snapshot, _) = $0 { snapshot } else { nil } }
    }

    static func health(_ messages: [Msg]) -> [SpaceHealth]? {
        messages.compactMap { if case .spacesChanged(let health, _) = $0 { health } else { nil } }.last
    }

    @Test func eachSpacesAnswerJoinsTheOthersLastOne() throws {
        let posted = Posted()
        let merger = SpaceMerger(spaces: [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: true)], post: posted.post)
        merger.poster(for: "alpha")(
            .pollSucceeded(Fixtures.snapshot([Fixtures.conference("a1", "Alpha one")], participants: ["a1": 2]), at: Self.at))
        var snapshot = try #require(Self.snapshots(posted.take()).first)
        #expect(snapshot.conferences.map(\.sid) == ["a1"])
        #expect(snapshot.spaces == ["a1": "alpha"])
        #expect(snapshot.answeredBy == "alpha")

        merger.poster(for: "bravo")(
            .pollSucceeded(
                Fixtures.snapshot([Fixtures.conference("b1", "Bravo one"), Fixtures.conference("b2", "Bravo two")]), at: Self.at))
        snapshot = try #require(Self.snapshots(posted.take()).first)
        // alpha's conferences stay: bravo's answer says nothing about them.
        #expect(Set(snapshot.conferences.map(\.sid)) == ["a1", "b1", "b2"])
        #expect(snapshot.spaces == ["a1": "alpha", "b1": "bravo", "b2": "bravo"])
        #expect(snapshot.participants.keys.sorted() == ["b1", "b2"])
        #expect(merger.space(of: "b2") == "bravo")
        #expect(merger.space(of: "a1") == "alpha")
        #expect(merger.space(of: "zz") == nil)

        // The same list again: nothing to re-map, and the screen may skip its row walk.
        var same = Fixtures.snapshot([Fixtures.conference("a1", "Alpha one")], participants: ["a1": 3])
        same.sameConferences = true
        merger.poster(for: "alpha")(.pollSucceeded(same, at: Self.at))
        snapshot = try #require(Self.snapshots(posted.take()).first)
        #expect(snapshot.sameConferences)
        #expect(snapshot.spaces == nil)
        #expect(snapshot.conferences.count == 3)
    }

    @Test func oneFailingSpaceIsItsOwnAndEveryOneFailingIsTheScreens() throws {
        let posted = Posted()
        let merger = SpaceMerger(spaces: [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: false)], post: posted.post)
        merger.poster(for: "alpha")(.pollSucceeded(Fixtures.snapshot([Fixtures.conference("a1", "A")]), at: Self.at))
        merger.poster(for: "bravo")(.pollSucceeded(Fixtures.snapshot([Fixtures.conference("b1", "B")]), at: Self.at))
        _ = posted.take()

        merger.poster(for: "bravo")(
            .pollFailed(reason: "authentication failed", attempt: 1, retryAt: Self.at.addingTimeInterval(2), at: Self.at))
        var messages = posted.take()
        let health = try #require(Self.health(messages))
        #expect(health.map(\.failing) == [false, true])
        #expect(health[1].problem == "authentication failed")
        // alpha still answers: the screen's poll state is not touched.
        #expect(!messages.contains { if case .pollFailed = $0 { true } else { false } })

        merger.poster(for: "alpha")(
            .pollFailed(reason: "HTTP 503", attempt: 1, retryAt: Self.at.addingTimeInterval(1), at: Self.at))
        messages = posted.take()
        let failed = messages.compactMap { msg -> (String, Int, Date)? in
            if case .pollFailed(let reason, let attempt, let retryAt, _) = msg { (reason, attempt, retryAt) } else { nil }
        }
        #expect(failed.count == 1)
        #expect(failed.first?.0 == "every space is failing")
        #expect(failed.first?.2 == Self.at.addingTimeInterval(1), "the soonest retry")

        // bravo answers again: healthy, and its rows are in the answer with alpha's last ones.
        merger.poster(for: "bravo")(.pollSucceeded(Fixtures.snapshot([Fixtures.conference("b1", "B")]), at: Self.at))
        messages = posted.take()
        #expect(Self.health(messages)?.map(\.failing) == [true, false])
        #expect(Set(try #require(Self.snapshots(messages).first).conferences.map(\.sid)) == ["a1", "b1"])
    }

    @Test func otherMessagesPassThroughAndCallsAreEverySpaces() throws {
        let posted = Posted()
        let merger = SpaceMerger(spaces: [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: false)], post: posted.post)
        merger.poster(for: "alpha")(.storeProblem("gone"))
        #expect(posted.take().count == 1)
        var alpha = Fixtures.snapshot([Fixtures.conference("a1", "A")])
        alpha.calls = ["CA1": Self.call("+15550001")]
        merger.poster(for: "alpha")(.pollSucceeded(alpha, at: Self.at))
        var bravo = Fixtures.snapshot([Fixtures.conference("b1", "B")])
        bravo.calls = ["CB1": Self.call("+15550003")]
        merger.poster(for: "bravo")(.pollSucceeded(bravo, at: Self.at))
        let last = try #require(Self.snapshots(posted.take()).last)
        #expect(last.calls?.keys.sorted() == ["CA1", "CB1"])
    }

    @Test func aProfileThatCannotConnectStartsFailing() {
        let merger = SpaceMerger(
            spaces: [
                SpaceHealth(name: "alpha", readOnly: false),
                SpaceHealth(name: "broken", readOnly: true, problem: "cannot connect: no API token"),
            ], post: { _ in })
        #expect(merger.health.map(\.failing) == [false, true])
        #expect(merger.health[1].retryAt == nil)
    }
}
