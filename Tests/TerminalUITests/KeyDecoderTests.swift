import DashboardCore
import CNcurses
import Testing
@testable import TerminalUI

@Suite struct KeyDecoderTests {
    @Test(arguments: [
        (UInt32(106), Key.character("j")), (75, .character("K")), (32, .character(" ")), (0x6771, .character("東")),
        (9, .tab), (10, .enter), (13, .enter), (27, .escape), (127, .backspace), (8, .backspace),
        (3, .ctrl("c")), (1, .ctrl("a")), (26, .ctrl("z")), (12, .ctrl("l")), (0, .ctrl(" ")),
    ])
    func charactersDecode(value: UInt32, key: Key) {
        #expect(KeyDecoder.decode(character: value) == key)
        #expect(KeyDecoder.decode(packed: Int64(value)) == key)
    }

    @Test(arguments: [
        (KEY_UP, Key.up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
        (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end),
        (KEY_ENTER, .enter), (KEY_BACKSPACE, .backspace), (KEY_DC, .delete), (KEY_IC, .insert),
        (KEY_BTAB, .backTab), (KEY_F0 + 1, .function(1)), (KEY_F0 + 12, .function(12)),
    ])
    func cursesKeyCodesDecode(code: Int32, key: Key) {
        #expect(KeyDecoder.decode(keyCode: code) == key)
        #expect(KeyDecoder.decode(packed: -Int64(code) - 2) == key)   // the shim's packing of KEY_CODE_YES
    }

    @Test func numericCodesMatchCursesHeader() {
        #expect(KeyDecoder.Code.up == KEY_UP)
        #expect(KeyDecoder.Code.pageDown == KEY_NPAGE)
        #expect(KeyDecoder.Code.backTab == KEY_BTAB)
        #expect(KeyDecoder.Code.end == KEY_END)
        #expect(KeyDecoder.Code.resize == KEY_RESIZE)
        #expect(KeyDecoder.Code.f0 + 5 == cn_key_f(5))
    }

    @Test func nothingAndUnknownCodesDecodeToNil() {
        #expect(KeyDecoder.decode(packed: -1) == nil)
        #expect(KeyDecoder.decode(keyCode: KEY_MOUSE) == nil)
        #expect(KeyDecoder.decode(keyCode: KEY_RESIZE) == nil)
    }

    @Test(arguments: [
        (Key.up, "↑"), (.down, "↓"), (.pageDown, "PgDn"), (.pageUp, "PgUp"), (.ctrl("c"), "C-c"),
        (.escape, "Esc"), (.enter, "⏎"), (.character(" "), "Space"), (.character("G"), "G"), (.function(5), "F5"),
    ])
    func displayNames(key: Key, name: String) {
        #expect(key.displayName(glyphs: .unicode) == name)
    }

    @Test func asciiDisplayNamesAvoidSymbols() {
        #expect(Key.up.displayName(glyphs: .ascii) == "Up")
        #expect(Key.enter.displayName(glyphs: .ascii) == "Enter")
    }
}
