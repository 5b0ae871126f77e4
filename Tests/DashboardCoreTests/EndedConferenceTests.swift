import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// A conference that has ended: nobody is in its call, no key changes anything in it, and a
/// refused key holds the keyboard so what was typed next never reaches the table.
struct EndedConferenceTests {
    /// Support Bridge (c1, three callers) seen live, then completed by the next poll; the poller
    /// reads no participants of a conference that is no longer live.
    static func bridgeEnded(open: Bool) -> AppState {
        var state = Fixtures.loadedState()
        state.selectedSid = "c1"
        if open { _ = update(&state, .key(.enter)) }
        let conferences = state.rows.values.map(\.conference).map { conference -> Conference in
            var conference = conference
            if conference.sid == "c1" { conference.status = .completed }
            return conference
        }
        _ = update(
            &state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: [:]), at: Fixtures.epoch.addingTimeInterval(2)))
        #expect(state.rows["c1"]?.conference.status == .completed)
        return state
    }

    @Test func anEndedConferenceHasNobodyInTheCall() {
        let state = Self.bridgeEnded(open: true)
        #expect(state.rows["c1"]?.participants.count == 3, "the last list read is kept")
        #expect(state.openConference?.participantsInCall == [])
        #expect(state.shownParticipants == [])
        #expect(state.selectedParticipant == nil)
    }

    static let mutatingKeys: [Character] = ["m", "h", "K", "x", "E", "A", "n"]

    @Test(arguments: mutatingKeys)
    func everyMutatingKeyOnItSaysItHasEndedAndDoesNothing(key: Character) {
        var state = Self.bridgeEnded(open: true)
        if key == "x" { _ = update(&state, .key(.tab)) }
        let before = state.rows
        #expect(update(&state, .key(.character(key))) == [])
        guard case .notice(let notice) = state.modal else {
            Issue.record("\(key) on an ended conference opened \(String(describing: state.modal))")
            return
        }
        #expect(notice.message.contains("Support Bridge has ended"))
        #expect(notice.message.contains("Nothing was done"))
        #expect(state.rows == before)
        #expect(state.pendingRollbacks.isEmpty)
    }

    @Test func nOnACompletedConferenceLetsNoKeyThroughToTheTable() {
        var state = Self.bridgeEnded(open: false)
        let sort = (state.sortColumn, state.sortDescending)
        let selected = state.selectedSid
        #expect(update(&state, .key(.character("n"))) == [])
        #expect(state.startStreamForm == nil)
        // What the operator typed for the form that did not open: a name, a sort key, a move.
        for key: Key in [.character("s"), .character(" "), .character("s"), .character("S"), .left, .character("j"), .character("c"), .character("q")] {
            #expect(update(&state, .key(key)) == [])
        }
        #expect(state.sortColumn == sort.0 && state.sortDescending == sort.1)
        #expect(state.selectedSid == selected)
        #expect(state.showCompleted)
        #expect(!state.quitRequested)
        guard case .notice = state.modal else {
            Issue.record("the notice closed on a key that is not Enter or Esc")
            return
        }
        _ = update(&state, .key(.escape))
        #expect(state.modal == nil)
        _ = update(&state, .key(.character("s")))
        #expect(state.sortColumn != sort.0, "with the notice closed, keys reach the table again")
    }

    @Test func enterClosesTheNoticeWithoutOpeningAnything() {
        var state = Self.bridgeEnded(open: false)
        _ = update(&state, .key(.character("n")))
        #expect(update(&state, .key(.enter)) == [])
        #expect(state.modal == nil)
        #expect(state.screen == .conferences)
    }

    @Test func aLiveConferenceStillOpensTheForm() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("n")))
        #expect(state.startStreamForm?.conferenceSid == "c2")
    }

    @Test func streamCommandOnAnEndedConferenceIsRefusedTheSameWay() {
        var state = Self.bridgeEnded(open: true)
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("stream")))
        #expect(update(&state, .key(.enter)) == [])
        guard case .notice(let notice) = state.modal else {
            Issue.record(":stream on an ended conference opened \(String(describing: state.modal))")
            return
        }
        #expect(notice.message.contains("has ended"))
    }

    @Test func readOnlyRefusalsHoldTheKeyboardToo() {
        var state = Fixtures.loadedState()
        state.readOnly = true
        #expect(update(&state, .key(.character("n"))) == [])
        guard case .notice(let notice) = state.modal else {
            Issue.record("read-only n opened \(String(describing: state.modal))")
            return
        }
        #expect(notice.message.contains("read-only"))
        _ = update(&state, .key(.character("s")))
        #expect(state.sortColumn == .created)
    }
}
