import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The key hint line: help and quit on every screen, the filter-clearing key only while there
/// is a filter, and a modal's own keys while it has the keyboard.
struct FooterHintsTests {
    static func screens() -> [AppState] {
        let conferences = Fixtures.loadedState()
        var detail = conferences
        _ = update(&detail, .key(.enter))
        var eventLog = conferences
        _ = update(&eventLog, .key(.character("L")))
        return [conferences, detail, eventLog]
    }

    @Test func helpAndQuitArePinnedOnEveryScreen() throws {
        for var state in Self.screens() {
            for readOnly in [false, true] {
                state.readOnly = readOnly
                let footer = state.footerHints
                #expect(footer.pinned == [FooterHint([.character("?")], "help"), FooterHint([.character("q")], "quit")], "\(state.screen)")
                #expect(!footer.hints.contains { $0.summary == "help" || $0.summary == "quit" })
            }
        }
    }

    @Test func remappedHelpAndQuitArePinnedByTheirNewKeys() throws {
        var state = Fixtures.loadedState()
        state.keymap = try Keymap.standard.applying(overrides: ["help": "F1", "quit": "Q"])
        #expect(state.footerHints.pinned == [FooterHint([.function(1)], "help"), FooterHint([.character("Q")], "quit")])
    }

    @Test func theClearFilterHintShowsOnlyWithAFilter() {
        var state = Fixtures.loadedState()
        #expect(!state.footerHints.hints.contains { $0.summary == "clear filter" })
        _ = update(&state, .key(.character("/")))
        _ = update(&state, .key(.character("o")))
        _ = update(&state, .key(.enter))
        #expect(state.footerHints.hints.contains(FooterHint([.escape], "clear filter")))
    }

    @Test func anEndedConferenceOffersNoMutatingKey() {
        for open in [false, true] {
            let state = EndedConferenceTests.bridgeEnded(open: open)
            let mutating = Set(state.keymap.bindings.filter(\.mutating).map(\.hintSummary))
            #expect(!state.footerHints.hints.contains { mutating.contains($0.summary) }, "open: \(open)")
        }
        var live = Fixtures.loadedState()
        #expect(live.footerHints.hints.contains { $0.summary == "new stream" })
        _ = update(&live, .key(.enter))
        #expect(live.footerHints.hints.contains { $0.summary == "mute" })
    }

    @Test func escIsHintedOnceForWhatItDoesFirst() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.enter))
        #expect(state.footerHints.hints.contains(FooterHint([.escape, .left], "back")))
        _ = update(&state, .key(.character("/")))
        _ = update(&state, .key(.character("C")))
        _ = update(&state, .key(.enter))
        let hints = state.footerHints.hints
        #expect(hints.contains(FooterHint([.escape], "clear filter")))
        #expect(hints.contains(FooterHint([.left], "back")))
    }

    @Test func aModalShowsItsOwnKeys() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character(":")))
        #expect(state.footerHints.hints.map(\.summary) == ["complete", "run", "cancel"])
        #expect(state.footerHints.pinned.isEmpty, "q and ? are text here")
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character("/")))
        #expect(state.footerHints.hints.map(\.summary) == ["keep the filter", "clear it"])
    }
}
