import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// `:mouse on`: a press picks what is under it and a second press on the picked conference opens
/// it; the wheel moves the pick. Off (the default), the mouse does nothing here.
struct MouseTests {
    static func command(_ state: inout AppState, _ line: String) -> [Effect] {
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste(line)))
        return update(&state, .key(.enter))
    }

    static func press(_ state: inout AppState, x: Int = 4, y: Int) -> [Effect] {
        update(&state, .mouse(MouseEvent(.press, x: x, y: y)))
    }

    @Test func offByDefaultAndTurnedOnAndOffByCommand() {
        var state = Fixtures.loadedState()
        _ = update(&state, .resized(width: 120, height: 30))
        let before = state.selectedSid
        #expect(Self.press(&state, y: 4).isEmpty && state.selectedSid == before)
        #expect(Self.command(&state, "mouse on") == [.setMouse(true)])
        #expect(state.mouse)
        #expect(Self.command(&state, "mouse") == [.setMouse(false)])
        #expect(Self.command(&state, "mouse sideways").isEmpty && state.status?.severity == .error)
        #expect(!state.mouse)
    }

    @Test func aPressPicksAConferenceAndASecondOpensIt() {
        var state = Fixtures.loadedState()
        _ = update(&state, .resized(width: 120, height: 30))
        _ = Self.command(&state, "mouse on")
        // Line 0 the title, 1 the counts, 2 the table's header, 3 the first row.
        #expect(Self.press(&state, y: 2).isEmpty && state.selectedSid == state.visibleSids[0])
        _ = Self.press(&state, y: 4)
        #expect(state.selectedSid == state.visibleSids[1] && state.screen == .conferences)
        _ = Self.press(&state, y: 4)
        #expect(state.screen == .conference(sid: state.visibleSids[1]))
        // Below the last row: nothing.
        _ = update(&state, .key(.escape))
        _ = Self.press(&state, y: 20)
        #expect(state.selectedSid == state.visibleSids[1])
    }

    @Test func theWheelMovesThePick() {
        var state = Fixtures.loadedState()
        _ = update(&state, .resized(width: 120, height: 30))
        _ = Self.command(&state, "mouse on")
        _ = update(&state, .mouse(MouseEvent(.wheelDown, x: 0, y: 5)))
        #expect(state.selectedSid == state.visibleSids.last)
        _ = update(&state, .mouse(MouseEvent(.wheelUp, x: 0, y: 5)))
        #expect(state.selectedSid == state.visibleSids.first)
    }

    @Test func onAConferenceAPressPicksInThePaneUnderIt() throws {
        var state = Fixtures.loadedState()
        _ = update(&state, .resized(width: 120, height: 30))
        _ = Self.command(&state, "mouse on")
        let support = try #require(state.visibleSids.firstIndex(of: "c1"))
        _ = Self.press(&state, y: 3 + support)
        _ = Self.press(&state, y: 3 + support)
        #expect(state.screen == .conference(sid: "c1"))
        let calls = state.shownParticipants.map(\.callSid)
        #expect(calls.count == 3 && state.selectedCallSid == calls[0])
        // Body from line 2: two lines about the conference, the pane's border, its header, rows.
        _ = Self.press(&state, y: 8)
        #expect(state.selectedCallSid == calls[2] && state.detailPane == .participants)
        // A press in the streams pane (participants take 12 of the 24 lines) brings it in front.
        _ = Self.press(&state, y: 17)
        #expect(state.detailPane == .streams)
        // A modal takes the mouse's place: nothing moves under a question.
        _ = Self.command(&state, "columns")
        _ = Self.press(&state, y: 7)
        #expect(state.detailPane == .streams)
    }
}
