import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The `:` command line completes command names with Tab, cycles through several, and lists
/// what it offers while the line is empty.
struct CommandCompletionTests {
    static func open(_ state: inout AppState, typing text: String = "") {
        _ = update(&state, .key(.character(":")))
        if !text.isEmpty { _ = update(&state, .key(.paste(text))) }
    }

    @Test func anEmptyLineListsEveryCommand() {
        var state = Fixtures.loadedState()
        Self.open(&state)
        guard case .command(let prompt) = state.modal else {
            Issue.record("no command line")
            return
        }
        #expect(prompt.menu.items.map(\.text) == ConsoleCommand.all.map(\.usage))
        #expect(prompt.menu.items.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func tabCompletesAUniqueNameAndLeavesRoomForItsArgument() {
        var state = Fixtures.loadedState()
        Self.open(&state, typing: "fi")
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "filter ")
        _ = update(&state, .key(.paste("old")))
        #expect(update(&state, .key(.enter)) == [])
        #expect(state.filter == "old")

        Self.open(&state, typing: "ref")
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "refresh")
        #expect(update(&state, .key(.enter)) == [.refreshNow])
    }

    @Test func repeatedTabCyclesThroughSeveralMatchesAndBack() {
        var state = Fixtures.loadedState()
        Self.open(&state, typing: "s")
        var seen: [String] = []
        for _ in 0..<3 {
            _ = update(&state, .key(.tab))
            seen.append(state.commandEditor?.text ?? "")
        }
        #expect(seen == ["stream", "stop", "stream"])
        _ = update(&state, .key(.backTab))
        #expect(state.commandEditor?.text == "stop")
        guard case .command(let prompt) = state.modal else { return }
        #expect(prompt.menu.items.map(\.text) == ["stream", "stop SID|NAME"])
        #expect(prompt.menu.highlighted == 1)
        // Typing ends the cycle: the next Tab completes what is on the line now.
        _ = update(&state, .key(.backspace))
        _ = update(&state, .key(.backspace))
        _ = update(&state, .key(.character("o")))
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "stop ")
    }

    @Test func tabOnAnEmptyLineGoesRoundEveryCommand() {
        var state = Fixtures.loadedState()
        Self.open(&state)
        var seen: [String] = []
        for _ in ConsoleCommand.all {
            _ = update(&state, .key(.tab))
            seen.append(state.commandEditor?.text ?? "")
        }
        #expect(seen == ConsoleCommand.all.map(\.name))
    }

    @Test func nothingMatchingChangesNothingAndSaysSo() {
        var state = Fixtures.loadedState()
        Self.open(&state, typing: "zz")
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "zz")
        guard case .command(let prompt) = state.modal else { return }
        #expect(prompt.menu.items.isEmpty)
        #expect(prompt.menu.title == "no command starts with zz")
    }

    @Test func profileNamesCompleteAfterProfile() {
        var state = Fixtures.loadedState()
        state.profiles = ["alpha", "bravo", "beta"]
        Self.open(&state, typing: "profile br")
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "profile bravo")
        #expect(update(&state, .key(.enter)) == [.switchProfile("bravo")])
    }

    @Test func readOnlyOffersNoMutatingCommand() {
        var state = Fixtures.loadedState()
        state.readOnly = true
        Self.open(&state)
        guard case .command(let prompt) = state.modal else { return }
        #expect(!prompt.menu.items.contains { ["stream", "stop SID|NAME", "track SID"].contains($0.text) })
        _ = update(&state, .key(.escape))
        Self.open(&state, typing: "st")
        _ = update(&state, .key(.tab))
        #expect(state.commandEditor?.text == "st")
    }

    /// Every command the list offers runs: none falls to "unknown command".
    @Test func everyListedCommandIsKnown() {
        for command in ConsoleCommand.all where command.name != "quit" {
            var state = Fixtures.loadedState()
            Self.open(&state, typing: command.name + (command.argument == nil ? "" : " x"))
            _ = update(&state, .key(.enter))
            #expect(state.status?.text.contains("unknown command") != true, ":\(command.name)")
            #expect(state.status?.text.contains("does nothing") != true, ":\(command.name)")
        }
    }
}
