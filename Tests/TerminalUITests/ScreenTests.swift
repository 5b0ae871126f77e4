import Testing
@testable import TerminalUI

/// A whole dashboard-shaped screen built from the widgets, checked as text at the sizes operators use.
@Suite struct ScreenTests {
    static let minimum = Size(width: 80, height: 24)

    static let columns = [
        TableColumn("Name", width: .flex(min: 16)),
        TableColumn("Status", width: .fixed(11)),
        TableColumn("Region", width: .fixed(7)),
        TableColumn("Parts", width: .fixed(5), alignment: .right),
        TableColumn("Streams", width: .fixed(7), alignment: .right),
        TableColumn("Age", width: .fixed(5), alignment: .right),
    ]

    static let names = ["東京 standup", "🚑 on-call", "Zürich Ops", "Sales weekly", "Support escalation with a long name"]

    static func rows(_ count: Int) -> [[String]] {
        (0..<count).map { index in
            [names[index % names.count], index % 5 == 4 ? "completed" : "in-progress", "us-east",
             String(index % 9), String(index % 3), "\(index + 1)m"]
        }
    }

    /// Header, boxed table, status line, key hints; too-small screen below `minimum`.
    static func screen(_ size: Size, rowCount: Int = 30, selected: Int = 0) -> Frame {
        guard size.fits(minimum) else { return TooSmallView.frame(have: size, need: minimum) }
        var frame = Frame(size: size)
        frame.write("space acme · live · \(rowCount) conferences", x: 0, y: 0, style: .bold)
        let boxArea = Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
        let box = Box(title: "Conferences")
        frame.render(box, in: boxArea)
        let rows = rows(rowCount)
        frame.render(
            TableView(columns: columns, rows: rows, emphasis: rows.map { $0[1] == "completed" ? .dim : .normal },
                      selectedRow: selected),
            in: box.inner(boxArea)
        )
        frame.render(StatusLine("refreshed", severity: .success), in: Rect(x: 0, y: size.height - 2, width: size.width, height: 1))
        frame.render(
            KeyHints([KeyHint("j/k", "move"), KeyHint("⏎", "open"), KeyHint("/", "filter"), KeyHint("?", "help"), KeyHint("q", "quit")]),
            in: Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        )
        return frame
    }

    @Test func conferenceScreenAt80x24() {
        #expect(Self.screen(Size(width: 80, height: 24)).lines == [
            "space acme · live · 30 conferences",
            "╭─ Conferences ────────────────────────────────────────────────────────────────╮",
            "│Name                              Status       Region   Parts  Streams    Age │",
            "│東京 standup                      in-progress  us-east      0        0     1m │",
            "│🚑 on-call                        in-progress  us-east      1        1     2m │",
            "│Zürich Ops                        in-progress  us-east      2        2     3m │",
            "│Sales weekly                      in-progress  us-east      3        0     4m │",
            "│Support escalation with a long …  completed    us-east      4        1     5m │",
            "│東京 standup                      in-progress  us-east      5        2     6m │",
            "│🚑 on-call                        in-progress  us-east      6        0     7m │",
            "│Zürich Ops                        in-progress  us-east      7        1     8m │",
            "│Sales weekly                      in-progress  us-east      8        2     9m │",
            "│Support escalation with a long …  completed    us-east      0        0    10m │",
            "│東京 standup                      in-progress  us-east      1        1    11m │",
            "│🚑 on-call                        in-progress  us-east      2        2    12m │",
            "│Zürich Ops                        in-progress  us-east      3        0    13m │",
            "│Sales weekly                      in-progress  us-east      4        1    14m │",
            "│Support escalation with a long …  completed    us-east      5        2    15m │",
            "│東京 standup                      in-progress  us-east      6        0    16m │",
            "│🚑 on-call                        in-progress  us-east      7        1    17m │",
            "│Zürich Ops                        in-progress  us-east      8        2    18m▼│",
            "╰──────────────────────────────────────────────────────────────────────────────╯",
            "✓ refreshed",
            "j/k move  ⏎ open  / filter  ? help  q quit",
        ])
    }

    @Test func conferenceScreenAt120x40ScrolledToTheSelection() {
        let frame = Self.screen(Size(width: 120, height: 40), rowCount: 60, selected: 45)
        let lines = frame.lines
        #expect(lines.count == 40)
        #expect(lines[2] == "│Name                                                                      Status       Region   Parts  Streams    Age▲│")
        #expect(lines[3] == "│Zürich Ops                                                                in-progress  us-east      3        0    13m │")
        #expect(lines[36] == "│東京 standup                                                              in-progress  us-east      0        0    46m▼│")
        #expect(Array(lines.suffix(3)) == [
            "╰──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────╯",
            "✓ refreshed",
            "j/k move  ⏎ open  / filter  ? help  q quit",
        ])
        #expect(frame[1, 36].style.reverse && frame[117, 36].style.reverse)   // the selected row, edge to edge
        #expect(!frame[1, 35].style.reverse)
    }

    @Test func everyStatusStartsInTheSameCellWhateverTheName() {
        let frame = Self.screen(Size(width: 120, height: 40), rowCount: 60)
        for y in 3..<37 {
            // Cells, not characters: a CJK or emoji name shifts the character count but not the cell.
            let statusCell = (0..<120).first { x in !frame[x, y].isContinuation && x > 70 && frame[x, y].text != " " }
            #expect(statusCell == 75, "row \(y): \(frame.line(y))")
        }
    }

    @Test func belowTheMinimumSizeTheScreenSaysSo() {
        #expect(Self.screen(Size(width: 50, height: 10)).lines == [
            "", "", "", "", "    terminal too small: have 50x10, need 80x24", "", "", "", "", "",
        ])
        #expect(Self.screen(Size(width: 79, height: 24)).lines[11] == "                  terminal too small: have 79x24, need 80x24")
        #expect(Self.screen(Size(width: 0, height: 0)).lines == [])
        #expect(Self.screen(Size(width: 1, height: 1)).lines == ["t"])
    }

    @Test func drawingTheSameStateTwiceGivesEqualFrames() {
        #expect(Self.screen(Size(width: 120, height: 40)) == Self.screen(Size(width: 120, height: 40)))
        #expect(Self.screen(Size(width: 120, height: 40)) != Self.screen(Size(width: 120, height: 40), selected: 1))
    }
}
