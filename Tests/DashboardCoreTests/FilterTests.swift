import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// The `/` filter: committed with Enter, cleared by Esc on the table, and on a conference's
/// screen applied to the pane in front.
struct FilterTests {
    static func type(_ state: inout AppState, _ text: String) {
        for c in text { _ = update(&state, .key(.character(c))) }
    }

    @Test func escOnTheTableClearsACommittedFilter() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "supp")
        _ = update(&state, .key(.enter))
        #expect(state.filter == "supp")
        #expect(state.modal == nil)
        #expect(state.visibleConferences.map(\.id) == ["c1"])
        #expect(update(&state, .key(.escape)) == [])
        #expect(state.filter.isEmpty)
        #expect(state.visibleConferences.count == 3)
        #expect(state.selectedSid == "c1", "the selection stays where it was")
        // With no filter, Esc on the table changes nothing.
        #expect(update(&state, .key(.escape)) == [])
        #expect(state.screen == .conferences)
    }

    @Test func escClearsACommandLineFilterToo() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("filter old")))
        _ = update(&state, .key(.enter))
        #expect(state.visibleConferences.map(\.id) == ["c3"])
        _ = update(&state, .key(.escape))
        #expect(state.filter.isEmpty)
    }

    /// Support Bridge (c1) open, its three callers CAc1-0, CAc1-1, CAc1-2, two streams.
    static func bridgeOpen() -> AppState {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .streamsChanged([
                StreamControlTests.record("MZ1", name: "recorder", in: "c1", status: .inProgress),
                StreamControlTests.record("MZ2", name: "transcriber", in: "c1", status: .inProgress),
            ]))
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        return state
    }

    @Test func slashFiltersTheParticipantsPaneAndKeysActOnWhatIsShown() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "c1-2")
        #expect(state.shownParticipants.map(\.callSid) == ["CAc1-2"])
        #expect(state.selectedParticipant?.callSid == "CAc1-2")
        #expect(state.filter.isEmpty, "the conferences table's filter is not touched")
        _ = update(&state, .key(.enter))
        #expect(state.paneFilters[.participants] == "c1-2")
        #expect(update(&state, .key(.character("m"))) == [.setMuted(conference: "c1", callSid: "CAc1-2", true)])
        #expect(state.rows["c1"]?.participants.first { $0.callSid == "CAc1-2" }?.muted == true)
        #expect(state.rows["c1"]?.participants.filter(\.muted).count == 1)
    }

    @Test func slashFiltersTheStreamsPaneWhenItIsInFront() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "TRANS")
        _ = update(&state, .key(.enter))
        #expect(state.shownStreams.map(\.sid) == ["MZ2"])
        #expect(state.selectedStream?.sid == "MZ2")
        #expect(state.shownParticipants.count == 3, "the other pane keeps its rows")
        _ = update(&state, .key(.character("x")))
        #expect(state.confirmation?.action == .stopStream(conference: "c1", stream: "MZ2"))
    }

    @Test func escOnAFilteredPaneClearsItThenGoesBack() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "c1-1")
        _ = update(&state, .key(.enter))
        #expect(update(&state, .key(.escape)) == [])
        #expect(state.screen == .conference(sid: "c1"))
        #expect(state.paneFilters.isEmpty)
        #expect(state.shownParticipants.count == 3)
        #expect(state.selectedParticipant?.callSid == "CAc1-1")
        #expect(update(&state, .key(.escape)) == [.watch(nil)])
        #expect(state.screen == .conferences)
    }

    @Test func movingStaysInsideTheFilteredRows() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "CA")
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.character("G")))
        #expect(state.selectedParticipant?.callSid == "CAc1-2")
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("filter c1-0")))
        _ = update(&state, .key(.enter))
        #expect(state.shownParticipants.map(\.callSid) == ["CAc1-0"])
        #expect(state.selectedParticipant?.callSid == "CAc1-0", "the pick moves to a row that is shown")
        #expect(state.selectionMoved == nil, "the operator moved it, so no key warns")
    }

    @Test func openingAnotherConferenceStartsUnfiltered() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "zzz")
        _ = update(&state, .key(.enter))
        #expect(state.shownParticipants.isEmpty)
        _ = update(&state, .key(.left))
        _ = update(&state, .key(.enter))
        #expect(state.paneFilters.isEmpty)
        #expect(state.shownParticipants.count == 3)
    }
}
