import CompatAPI
import DashboardCore
import Foundation
import Testing
import TerminalUI

/// The prompts, drawn by the real view at the widths operators use.
struct HintLineAndPromptTests {
    static func render(_ state: AppState, _ size: Size) -> [String] {
        var state = state
        _ = update(&state, .resized(width: size.width, height: size.height))
        return DashboardView(glyphs: .unicode).render(state, size: size).lines
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
