import Testing
@testable import TerminalUI

@Suite struct GlyphsTests {
    @Test func utf8LocaleGetsUnicodeBorders() {
        #expect(Glyphs.forLocale(environment: ["LANG": "C.UTF-8"]) == .unicode)
        #expect(Glyphs.forLocale(environment: ["LANG": "en_US.utf8"]) == .unicode)
    }

    @Test func otherLocalesGetASCII() {
        #expect(Glyphs.forLocale(environment: [:]) == .ascii)
        #expect(Glyphs.forLocale(environment: ["LANG": "C"]) == .ascii)
        #expect(Glyphs.forLocale(environment: ["LANG": "de_DE.ISO-8859-1"]) == .ascii)
    }

    @Test func lcAllWinsOverLcCtypeOverLang() {
        #expect(Glyphs.forLocale(environment: ["LC_ALL": "C", "LANG": "C.UTF-8"]) == .ascii)
        #expect(Glyphs.forLocale(environment: ["LC_CTYPE": "C.UTF-8", "LANG": "C"]) == .unicode)
        #expect(Glyphs.forLocale(environment: ["LC_ALL": "", "LANG": "C.UTF-8"]) == .unicode)
    }

    @Test func asciiBoxUsesOnlyASCII() {
        var frame = Frame(width: 12, height: 3)
        frame.render(Box(title: "Zürich", glyphs: .ascii))
        #expect(frame.lines == ["+- Zürich -+", "|          |", "+----------+"])
    }
}
