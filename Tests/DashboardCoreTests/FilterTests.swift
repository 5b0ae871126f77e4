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

    /// The loaded table, with who is on the calls: Alice (a US number) on the bridge, a UK
    /// caller in the standup.
    static func withCallers() -> AppState {
        var state = Fixtures.loadedState()
        let call = { (from: String, to: String, name: String?) in
            CallInfo(
                from: from, to: to, callerName: name, direction: .inbound, startedAt: nil, status: .inProgress,
                quality: CallQuality())
        }
        var snapshot = Fixtures.snapshot(
            [
                Fixtures.conference("c1", "Support Bridge", minutesAgo: 30),
                Fixtures.conference("c2", "東京 standup", minutesAgo: 5),
                Fixtures.conference("c3", "Old call", status: .completed, minutesAgo: 90),
            ], participants: ["c1": 3, "c2": 1])
        snapshot.calls = [
            "CAc1-1": call("+1 555-010-0100", "+1 555-010-0199", "Alice Moreno"),
            "CAc2-0": call("+44 20 7946 0000", "+44 20 7946 0999", nil),
        ]
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        return state
    }

    @Test func slashOnTheTableFindsTheConferenceACallerIsIn() {
        for (needle, expected) in [
            ("+1555", ["c1"]), ("5550100100", ["c1"]), ("555-010-0100", ["c1"]), ("alice", ["c1"]), ("+44 20", ["c2"]),
            ("442079", ["c2"]), ("0999", ["c2"]), ("0199", ["c1"]),
        ] {
            var state = Self.withCallers()
            _ = update(&state, .key(.character("/")))
            _ = update(&state, .key(.paste(needle)))
            _ = update(&state, .key(.enter))
            #expect(state.visibleConferences.map(\.id).sorted() == expected, "\(needle)")
        }
    }

    @Test func aFilterTypedBeforeTheCallsAreReadFindsThemWhenTheyCome() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("/")))
        _ = update(&state, .key(.paste("alice")))
        _ = update(&state, .key(.enter))
        #expect(state.visibleConferences.isEmpty)
        var next = Self.withCallers()
        next.filter = ""
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.calls = next.calls
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        #expect(state.visibleConferences.map(\.id) == ["c1"])
    }

    @Test func theParticipantsFilterMatchesNumbersAndCallerNames() {
        var state = Self.withCallers()
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.character("/")))
        Self.type(&state, "alice")
        #expect(state.shownParticipants.map(\.callSid) == ["CAc1-1"])
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
