import Testing
@testable import TerminalUI

@Suite struct TextWidthTests {
    @Test(arguments: [
        ("abc", 3), ("東京 standup", 12), ("🚑 on-call", 10), ("Zürich", 6),
        ("e\u{301}", 1), ("", 0), ("ｱ", 1), ("한국어", 6),
    ])
    func displayWidthCountsCellsNotCharacters(text: String, cells: Int) {
        #expect(TextWidth.width(of: text) == cells)
    }

    @Test func truncationEndsInEllipsisMeasuredInCells() {
        #expect(TextWidth.truncate("Zürich Ops", to: 20) == "Zürich Ops")
        #expect(TextWidth.truncate("Zürich Ops", to: 7) == "Zürich…")
        #expect(TextWidth.truncate("東京 standup", to: 6) == "東京 …")
        #expect(TextWidth.truncate("東京 standup", to: 4) == "東…")   // 東京 would need 5 with the ellipsis
        #expect(TextWidth.truncate("東京", to: 3) == "東…")
        #expect(TextWidth.truncate("abc", to: 0) == "")
        #expect(TextWidth.truncate("abcdef", to: 4, ellipsis: "~") == "abc~")
    }

    @Test func truncatedTextNeverExceedsTheWidth() {
        for width in 0...14 {
            for text in ["東京 standup", "🚑 on-call", "Zürich Ops", "a東b京c"] {
                #expect(TextWidth.width(of: TextWidth.truncate(text, to: width)) <= width)
                #expect(TextWidth.width(of: TextWidth.fit(text, to: width)) == width)
            }
        }
    }

    @Test func padAlignsByDisplayWidth() {
        #expect(TextWidth.pad("東京", to: 6) == "東京  ")
        #expect(TextWidth.pad("東京", to: 6, alignment: .right) == "  東京")
        #expect(TextWidth.pad("ab", to: 5, alignment: .center) == " ab  ")
        #expect(TextWidth.pad("abcdef", to: 3) == "abcdef")
    }

    @Test func wrapBreaksAtSpacesAndCutsLongWords() {
        #expect(TextWidth.wrap("terminal too small: have 50x10, need 80x24", to: 20)
            == ["terminal too small:", "have 50x10, need", "80x24"])
        #expect(TextWidth.wrap("abcdefgh", to: 3) == ["abc", "def", "gh"])
        #expect(TextWidth.wrap("東京東京", to: 3) == ["東", "京", "東", "京"])
        #expect(TextWidth.wrap("anything", to: 0) == [])
    }
}
