import CompatAPI
import DashboardCore
import Foundation
import Testing
import TerminalUI

/// The key hint line and the prompts, drawn by the real view at the widths operators use.
struct HintLineAndPromptTests {
    static let sizes = [Size(width: 60, height: 12), Size(width: 80, height: 24), Size(width: 120, height: 40)]

    static func render(_ state: AppState, _ size: Size) -> [String] {
        var state = state
        _ = update(&state, .resized(width: size.width, height: size.height))
        return DashboardView(glyphs: .unicode).render(state, size: size).lines
    }

    static func screens() -> [(String, AppState)] {
        let table = ScreenGoldenTests.loaded()
        var filtered = table
        ScreenGoldenTests.keys(&filtered, [.character("/"), .paste("s"), .enter])
        var readOnly = ScreenGoldenTests.detail()
        readOnly.readOnly = true
        var eventLog = table
        ScreenGoldenTests.keys(&eventLog, [.character("L")])
        var streams = ScreenGoldenTests.detail()
        ScreenGoldenTests.keys(&streams, [.tab, .character("/"), .paste("rec"), .enter])
        return [
            ("conferences", table), ("filtered conferences", filtered), ("detail", ScreenGoldenTests.detail()),
            ("read-only detail", readOnly), ("filtered streams", streams), ("event log", eventLog),
        ]
    }

    @Test(arguments: sizes)
    func helpAndQuitAreOnTheHintLineOfEveryScreen(size: Size) {
        for (name, state) in Self.screens() {
            let hints = Self.render(state, size).last ?? ""
            #expect(hints.contains("? help") && hints.hasSuffix("q quit"), "\(name) at \(size): \(hints)")
        }
    }

    @Test func escClearingAFilterIsHintedWhileOneIsOn() {
        let (_, filtered) = Self.screens()[1]
        #expect(Self.render(filtered, Size(width: 120, height: 40)).last?.contains("Esc clear filter") == true)
        #expect(Self.render(ScreenGoldenTests.loaded(), Size(width: 120, height: 40)).last?.contains("clear filter") == false)
    }

    static let longURL = "https://music.example.com/hold/a-very-long-path/to/some/very/calm/music-for-waiting.mp3"

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func theHoldPromptShowsTheWholeCallerAndTheEndOfTheURL(size: Size) {
        var state = ScreenGoldenTests.detail()
        ScreenGoldenTests.keys(&state, [.character("h"), .paste(Self.longURL)])
        let lines = Self.render(state, size)
        #expect(lines.allSatisfy { TextWidth.width(of: $0) <= size.width })
        #expect(lines.contains { $0.contains(ScreenGoldenTests.sid("CA", 2)) }, "the caller's sid is cut")
        #expect(lines.contains { $0.contains("music-for-waiting.mp3") }, "the end of the URL, where the cursor is, is cut")
        #expect(lines.contains { $0.contains("Support Bridge") })
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func aRefusedURLIsSaidInThePromptInFull(size: Size) throws {
        var state = ScreenGoldenTests.detail()
        ScreenGoldenTests.keys(&state, [.character("A"), .paste("media.example.com/welcome.mp3"), .enter])
        let problem = try #require(state.urlPrompt?.problem)
        let lines = Self.render(state, size)
        // Every word of the message is on screen, wrapped if need be.
        let text = lines.joined(separator: " ")
        for word in problem.split(separator: " ") {
            #expect(text.contains(word), "\(word) of the problem is not on screen at \(size)")
        }
        #expect(lines.contains { $0.contains("media.example.com/welcome.mp3") }, "what was typed stays")
    }
}
