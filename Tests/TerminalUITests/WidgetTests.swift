import Testing
@testable import TerminalUI

@Suite struct WidgetTests {
    @Test func boxDrawsBorderAndTitle() {
        var frame = Frame(width: 14, height: 3)
        frame.render(Box(title: "Help"))
        #expect(frame.lines == ["╭─ Help ─────╮", "│            │", "╰────────────╯"])
    }

    @Test func boxTitleIsTruncatedToFit() {
        var frame = Frame(width: 10, height: 2)
        frame.render(Box(title: "Conferences"))
        #expect(frame.lines == ["╭─ Conf…─╮", "╰────────╯"])
    }

    @Test func statusLineMarksSeverityWithASymbol() {
        var frame = Frame(width: 30, height: 4)
        frame.render(StatusLine("refreshed"), in: frame.area.row(0))
        frame.render(StatusLine("stream started", severity: .success), in: frame.area.row(1))
        frame.render(StatusLine("service unreachable, retrying", severity: .error), in: frame.area.row(2))
        frame.render(StatusLine("slow", severity: .warning, glyphs: .ascii), in: frame.area.row(3))
        #expect(frame.lines == ["refreshed", "✓ stream started", "✗ service unreachable, retryi…", "! slow"])
        #expect(frame[0, 2].style.foreground == .red)
    }

    @Test func keyHintsLeaveOffWholeHintsThatDoNotFit() {
        let hints = KeyHints([KeyHint("j/k", "move"), KeyHint("⏎", "open"), KeyHint("/", "filter"),
                              KeyHint("?", "help"), KeyHint("q", "quit")])
        #expect(hints.text(width: 80) == "j/k move  ⏎ open  / filter  ? help  q quit")
        #expect(hints.text(width: 20) == "j/k move  ⏎ open")
        #expect(hints.text(width: 5) == "j/k …")
        #expect(hints.text(width: 0) == "")
        var frame = Frame(width: 20, height: 1)
        frame.render(hints)
        #expect(frame.lines == ["j/k move  ⏎ open"])
        #expect(frame[0, 0].style == KeyHints.keyStyle)
        #expect(frame[4, 0].style == .plain)
    }

    @Test func helpListsSectionsFromData() {
        var frame = Frame(width: 34, height: 10)
        frame.render(HelpView(sections: [
            HelpSection("Move", [KeyHint("j ↓", "next"), KeyHint("PgDn", "page down")]),
            HelpSection("Screen", [KeyHint("q", "quit")]),
        ]))
        #expect(frame.lines == [
            "",
            "       ╭─ Help ──────────╮",
            "       │ Move            │",
            "       │ j ↓   next      │",
            "       │ PgDn  page down │",
            "       │                 │",
            "       │ Screen          │",
            "       │ q     quit      │",
            "       ╰─────────────────╯",
            "",
        ])
    }

    @Test func confirmDialogDrawsOverTheFrameWithFocusedButtonReversed() {
        var frame = Frame(width: 40, height: 9)
        for y in 0..<9 { frame.write(String(repeating: "x", count: 40), x: 0, y: y) }
        frame.render(ConfirmDialog(title: "Stop", message: "Stop every stream?", buttons: ["Cancel", "Stop"], focusedButton: 0))
        #expect(frame.lines == [
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxx ╭─ Stop ───────────────────╮ xxxxx",
            "xxxxx │ Stop every stream?       │ xxxxx",
            "xxxxx │                          │ xxxxx",
            "xxxxx │   [ Cancel ]  [ Stop ]   │ xxxxx",
            "xxxxx ╰──────────────────────────╯ xxxxx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ])
        #expect(frame[10, 5].style == ConfirmDialog.focusedStyle)   // "[ Cancel ]"
        #expect(frame[24, 5].style == .plain)                        // "[ Stop ]"
    }

    @Test func confirmDialogFocusMovesTheReversedButton() {
        var frame = Frame(width: 40, height: 9)
        frame.render(ConfirmDialog(title: "Stop", message: "Stop every stream?", buttons: ["Cancel", "Stop"], focusedButton: 1))
        #expect(frame[10, 5].style == .plain)
        #expect(frame[24, 5].style == ConfirmDialog.focusedStyle)
    }

    @Test func tooSmallSaysWhatItHasAndNeeds() {
        let frame = TooSmallView.frame(have: Size(width: 50, height: 10), need: Size(width: 80, height: 24))
        #expect(frame.lines[4] == "    terminal too small: have 50x10, need 80x24")
        #expect(frame.lines.filter { !$0.isEmpty }.count == 1)
    }

    @Test func tooSmallWrapsWhenNarrow() {
        let frame = TooSmallView.frame(have: Size(width: 20, height: 5), need: Size(width: 80, height: 24))
        #expect(frame.lines == ["", "terminal too small:", "  have 20x5, need", "       80x24", ""])
    }

    @Test func tooSmallNeverCrashesAtAnySize() {
        for width in 0...12 {
            for height in 0...4 {
                let frame = TooSmallView.frame(have: Size(width: width, height: height), need: Size(width: 80, height: 24))
                #expect(frame.size == Size(width: width, height: height))
            }
        }
        #expect(TooSmallView.frame(have: Size(width: 1, height: 1), need: Size(width: 80, height: 24)).lines == ["t"])
    }

    @Test func widgetsSurviveTinyAreas() {
        for width in 0...4 {
            for height in 0...4 {
                var frame = Frame(width: width, height: height)
                frame.render(Box(title: "x"))
                frame.render(TableView(columns: TableViewTests.columns, rows: TableViewTests.rows, selectedRow: 2))
                frame.render(HelpView(sections: [HelpSection("Move", [KeyHint("j", "down")])]))
                frame.render(ConfirmDialog(title: "Stop", message: "Stop?"))
                frame.render(StatusLine("hello", severity: .error))
                frame.render(KeyHints([KeyHint("q", "quit")]))
                #expect(frame.size == Size(width: width, height: height))
            }
        }
    }
}
