import Testing
@testable import TerminalUI

@Suite struct TableViewTests {
    static let columns = [
        TableColumn("Name", width: .flex(min: 8)),
        TableColumn("Status", width: .fixed(11)),
        TableColumn("Parts", width: .fixed(5), alignment: .right),
    ]
    static let rows = [
        ["東京 standup", "in-progress", "3"],
        ["🚑 on-call", "in-progress", "12"],
        ["Zürich Ops", "completed", "0"],
        ["plain ascii name", "in-progress", "7"],
    ]

    /// Column x where `text` starts in row `y`, counting cells (a wide character counts two).
    func cellColumn(of text: String, row y: Int, in frame: Frame) -> Int? {
        let cells = (0..<frame.size.width).map { frame[$0, y].isContinuation ? "\u{1}" : frame[$0, y].text }
        let joined = cells.joined()
        guard let range = joined.firstRange(of: text) else { return nil }
        return joined.distance(from: joined.startIndex, to: range.lowerBound)
    }

    /// `.fit` columns take their widest value, up to their maximum; on a narrow screen they give
    /// width back widest first, so neither a long status nor a sid is cut to nothing.
    @Test func fitColumnsFollowTheirContentAndShareANarrowScreen() {
        let columns = [
            TableColumn("NAME", width: .flex(min: 4)),
            TableColumn("STATUS", width: .fit(min: 6, max: 40)),
            TableColumn("SID", width: .fit(min: 10, max: 36)),
        ]
        let content = [34, 36]
        #expect(TableView.columnWidths(columns, totalWidth: 120, gap: 2, contentWidths: [0] + content) == [46, 34, 36])
        let narrow = TableView.columnWidths(columns, totalWidth: 60, gap: 2, contentWidths: [0] + content)
        #expect(narrow == [4, 26, 26])
        #expect(narrow.reduce(0, +) + 4 == 60)
    }

    @Test func columnsStayAlignedWithWideNames() {
        var frame = Frame(width: 40, height: 5)
        frame.render(TableView(columns: Self.columns, rows: Self.rows))
        #expect(frame.lines == [
            "Name                  Status       Parts",
            "東京 standup          in-progress      3",
            "🚑 on-call            in-progress     12",
            "Zürich Ops            completed        0",
            "plain ascii name      in-progress      7",
        ])
        let statusColumns = (1...4).map { cellColumn(of: Self.rows[$0 - 1][1], row: $0, in: frame) }
        #expect(Set(statusColumns) == [22])
    }

    @Test func narrowNameColumnTruncatesWithEllipsisAndKeepsAlignment() {
        var frame = Frame(width: 30, height: 5)
        frame.render(TableView(columns: Self.columns, rows: Self.rows))
        #expect(frame.lines == [
            "Name        Status       Parts",
            "東京 stan…  in-progress      3",
            "🚑 on-call  in-progress     12",
            "Zürich Ops  completed        0",
            "plain asc…  in-progress      7",
        ])
        let statusColumns = (1...4).map { cellColumn(of: Self.rows[$0 - 1][1], row: $0, in: frame) }
        #expect(Set(statusColumns) == [12])
    }

    @Test func selectedRowIsReversedAcrossTheWholeWidth() {
        var frame = Frame(width: 40, height: 5)
        frame.render(TableView(columns: Self.columns, rows: Self.rows, selectedRow: 1))
        #expect((0..<40).allSatisfy { frame[$0, 2].style.reverse })
        #expect(!frame[0, 1].style.reverse)
        #expect(!frame[0, 3].style.reverse)
    }

    @Test func emphasisDimsAndHighlightsRows() {
        var frame = Frame(width: 40, height: 5)
        frame.render(TableView(columns: Self.columns, rows: Self.rows, emphasis: [.highlight, .normal, .dim]))
        #expect(frame[0, 1].style == TableView.highlightStyle)
        #expect(frame[0, 2].style == .plain)
        #expect(frame[0, 3].style.dim)
        #expect(frame[0, 4].style == .plain)
    }

    @Test func scrollKeepsTheSelectionVisible() {
        #expect(TableView.scrollOffset(selected: 0, previous: 0, visibleRows: 5, rowCount: 60) == 0)
        #expect(TableView.scrollOffset(selected: 5, previous: 0, visibleRows: 5, rowCount: 60) == 1)
        #expect(TableView.scrollOffset(selected: 59, previous: 1, visibleRows: 5, rowCount: 60) == 55)
        #expect(TableView.scrollOffset(selected: 30, previous: 55, visibleRows: 5, rowCount: 60) == 30)
        #expect(TableView.scrollOffset(selected: 32, previous: 30, visibleRows: 5, rowCount: 60) == 30)
        #expect(TableView.scrollOffset(selected: nil, previous: 80, visibleRows: 5, rowCount: 60) == 55)
        #expect(TableView.scrollOffset(selected: 3, previous: 2, visibleRows: 0, rowCount: 60) == 0)
    }

    @Test func scrolledTableShowsMarkersAndTheSelection() {
        let rows = (0..<20).map { ["row \($0)", "in-progress", "\($0)"] }
        var frame = Frame(width: 31, height: 4)
        let table = TableView(columns: Self.columns, rows: rows, selectedRow: 10, scrollOffset: 0)
        frame.render(table)
        #expect(table.layout(in: frame.area).scrollOffset == 8)
        #expect(frame.lines == [
            "Name        Status       Parts▲",
            "row 8       in-progress      8",
            "row 9       in-progress      9",
            "row 10      in-progress     10▼",
        ])
    }

    @Test func flexColumnsShareSpareWidthByWeight() {
        let columns = [
            TableColumn("a", width: .flex(min: 2, weight: 1)),
            TableColumn("b", width: .fixed(4)),
            TableColumn("c", width: .flex(min: 2, weight: 3)),
        ]
        #expect(TableView.columnWidths(columns, totalWidth: 20, gap: 1) == [5, 4, 9])
        #expect(TableView.columnWidths(columns, totalWidth: 7, gap: 1) == [2, 3, 0])
        #expect(TableView.columnWidths(columns, totalWidth: 0, gap: 1) == [0, 0, 0])
    }

    @Test func emptyTableSaysSo() {
        var frame = Frame(width: 30, height: 3)
        frame.render(TableView(columns: Self.columns, rows: [], emptyText: "no conferences"))
        #expect(frame.lines[1] == "        no conferences")
    }
}
