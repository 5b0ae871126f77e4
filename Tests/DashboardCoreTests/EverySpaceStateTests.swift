import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The screen of every space at once: each row knows its space, read-only is the row's
/// profile's, a failing space is said in the header without hiding anyone's rows, SPACE shows
/// first, and `/` and `:export` know the space.
struct EverySpaceStateTests {
    /// alpha (live) with a1, bravo (read-only) with b1, as the merger hands them over.
    static func twoSpaces() -> AppState {
        var state = AppState(space: "every profile", account: "", now: Fixtures.epoch)
        state.spaces = [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: true)]
        state.layout.everySpace = true
        var snapshot = Fixtures.snapshot(
            [Fixtures.conference("a1", "Alpha bridge", minutesAgo: 5), Fixtures.conference("b1", "Bravo bridge", minutesAgo: 30)],
            participants: ["a1": 2, "b1": 1])
        snapshot.spaces = ["a1": "alpha", "b1": "bravo"]
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        return state
    }

    @Test func readOnlyIsTheProfileOfTheRowActedOn() {
        var state = Self.twoSpaces()
        #expect(state.selectedSid == "a1")
        #expect(!state.readOnlyHere)
        // End on alpha's row asks the usual question.
        _ = update(&state, .key(.character("E")))
        #expect(state.confirmation != nil)
        _ = update(&state, .key(.escape))
        // On bravo's row the same key is refused, naming the profile, and nothing goes out.
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedSid == "b1")
        #expect(state.readOnlyHere)
        let effects = update(&state, .key(.character("E")))
        #expect(effects.isEmpty)
        guard case .notice(let notice) = state.modal else {
            Issue.record("no read-only notice")
            return
        }
        #expect(notice.message.contains("Profile bravo is read-only"))
        _ = update(&state, .key(.escape))
        // Opened, a bravo participant cannot be muted either.
        _ = update(&state, .key(.enter))
        #expect(update(&state, .key(.character("m"))).isEmpty)
    }

    @Test func aFailingSpaceIsSaidWithoutHidingItsRows() {
        var state = Self.twoSpaces()
        _ = update(
            &state,
            .spacesChanged(
                [
                    SpaceHealth(name: "alpha", readOnly: false),
                    SpaceHealth(
                        name: "bravo", readOnly: true, problem: "authentication failed", retryAt: Fixtures.epoch.addingTimeInterval(4),
                        attempt: 1),
                ], at: Fixtures.epoch))
        #expect(state.visibleSids.count == 2)
        #expect(state.spaceFailing(ofConference: "b1"))
        #expect(!state.spaceFailing(ofConference: "a1"))
        #expect(state.currentProblem?.text == "space bravo: authentication failed (retry in 4s)")
        #expect(state.poll == .live, "alpha still answers")
        #expect(state.nextWake != nil, "the countdown moves")
    }

    /// A space that stops answering shows as soon as its poll is late, not only when its
    /// requests time out: the other space's answers keep the header live.
    @Test func aSpaceWhosePollIsLateIsSaid() {
        var state = AppState(space: "every profile", account: "", now: Fixtures.epoch)
        state.spaces = [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: false)]
        func answer(_ space: String, _ sid: String, at seconds: TimeInterval) {
            var snapshot = Fixtures.snapshot([Fixtures.conference(sid, "Bridge \(sid)")])
            snapshot.spaces = [sid: space]
            snapshot.answeredBy = space
            _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch.addingTimeInterval(seconds)))
        }
        answer("alpha", "a1", at: 1)
        answer("bravo", "b1", at: 1)
        #expect(state.currentProblem == nil)
        answer("alpha", "a1", at: 3)
        answer("alpha", "a1", at: 5.5)
        #expect(state.currentProblem?.text == "space bravo: a refresh has waited 2s for the service's answer")
        #expect(state.poll == .live)
        #expect(state.nextWake.map { $0 <= state.now.addingTimeInterval(1) } == true, "the count moves each second")
        answer("bravo", "b1", at: 6)
        #expect(state.currentProblem == nil)

        // A space that never answered, once another did: said after two of its refreshes...
        var late = AppState(space: "every profile", account: "", now: Fixtures.epoch)
        late.spaces = [SpaceHealth(name: "alpha", readOnly: false), SpaceHealth(name: "bravo", readOnly: false)]
        var snapshot = Fixtures.snapshot([Fixtures.conference("a1", "A")])
        snapshot.answeredBy = "alpha"
        _ = update(&late, .pollSucceeded(snapshot, at: Fixtures.epoch.addingTimeInterval(6)))
        #expect(late.currentProblem?.text == "space bravo: no answer yet (6s)")
        // ...unless it listed its conferences and is reading their participants.
        var listed = Fixtures.snapshot([Fixtures.conference("b1", "B")])
        listed.answeredBy = "bravo"
        _ = update(&late, .conferencesListed(listed, at: Fixtures.epoch.addingTimeInterval(6)))
        #expect(late.currentProblem == nil)
    }

    @Test func spaceColumnFirstAndFilterAndExportKnowTheSpace() {
        var state = Self.twoSpaces()
        #expect(state.layout.shown(.conferences).first == "space")
        // A single space's table keeps SPACE hidden.
        #expect(!SavedLayout().shown(.conferences).contains("space"))
        let (text, rows) = TableExport.text(of: state, .conferences, as: .csv)
        #expect(rows == 2)
        #expect(text.hasPrefix("space,sid,"))
        #expect(text.contains("bravo,b1,"))
        state.filter = "bravo"
        #expect(state.visibleSids == ["b1"])
        state.filter = ""
        // The sort key goes through SPACE here (and only here), after the others.
        for _ in 0..<6 { _ = update(&state, .key(.character("s"))) }
        #expect(state.sortColumn == .space)
        #expect(state.visibleSids == ["a1", "b1"])
        _ = update(&state, .key(.character("S")))
        #expect(state.visibleSids == ["b1", "a1"])
        var single = Fixtures.loadedState()
        for _ in 0..<6 { _ = update(&single, .key(.character("s"))) }
        #expect(single.sortColumn == .created, "one space: round again without SPACE")
    }

    /// A stream started on a row is told to call back its own space's route (each profile's
    /// route at a team receiver checks that profile's key).
    @Test func aStreamsStatusCallbackIsItsSpaces() throws {
        var state = Self.twoSpaces()
        state.spaces[0].callbackURL = "https://hooks.example.com/p/alpha/streams/callback"
        state.spaces[1].readOnly = false
        state.spaces[1].callbackURL = "https://hooks.example.com/p/bravo/streams/callback"
        _ = update(&state, .key(.character("n")))
        #expect(try #require(state.startStreamForm).callbackURL.text == "https://hooks.example.com/p/alpha/streams/callback")
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.character("n")))
        #expect(try #require(state.startStreamForm).callbackURL.text == "https://hooks.example.com/p/bravo/streams/callback")
    }

    @Test func profileStarIsEveryProfile() {
        var state = Fixtures.loadedState()
        state.profile = "alpha"
        state.profiles = ["alpha", "bravo"]
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("profile *")))
        #expect(update(&state, .key(.enter)) == [.switchProfile("*")])
        var every = Self.twoSpaces()
        every.profiles = ["alpha", "bravo"]
        _ = update(&every, .key(.character(":")))
        _ = update(&every, .key(.paste("profile *")))
        #expect(update(&every, .key(.enter)).isEmpty)
        #expect(every.status?.text == "already showing every profile")
    }
}
