/// How wide a table column is: a fixed number of cells, or a share of what is left.
public enum ColumnWidth: Hashable, Sendable {
    case fixed(Int)
    /// At least `min` cells, plus a share of the spare width in proportion to `weight`.
    case flex(min: Int, weight: Int = 1)
    /// As wide as the widest value in the column (its title included), between `min` and `max`:
    /// a SID is shown whole, and a short status does not take a share of the spare width.
    case fit(min: Int, max: Int)
}

/// One column of a table: its header, width and alignment.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: ColumnWidth
    public var alignment: Alignment

    public init(_ title: String, width: ColumnWidth, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// How a row reads: normal, dimmed (e.g. a completed conference) or highlighted (just changed).
public enum RowEmphasis: Hashable, Sendable {
    case normal, dim, highlight
}

/// Where a table's rows and columns land in a given area, so the caller can keep the scroll offset.
public struct TableLayout: Hashable, Sendable {
    public var columnWidths: [Int]
    public var visibleRows: Int
    public var scrollOffset: Int
    public var showsScrollMarkers: Bool
}

/// A table with a header row, aligned columns (by display width), a reversed selected row, and a
/// vertical scroll offset that always keeps the selection in view.
public struct TableView: Widget {
    public var columns: [TableColumn]
    public var rows: [[String]]
    public var emphasis: [RowEmphasis]
    public var selectedRow: Int?
    public var scrollOffset: Int
    public var emptyText: String
    public var glyphs: Glyphs
    public var columnGap: Int

    public init(
        columns: [TableColumn], rows: [[String]], emphasis: [RowEmphasis] = [], selectedRow: Int? = nil,
        scrollOffset: Int = 0, emptyText: String = "", glyphs: Glyphs = .unicode, columnGap: Int = 2
    ) {
        self.columns = columns
        self.rows = rows
        self.emphasis = emphasis
        self.selectedRow = selectedRow
        self.scrollOffset = scrollOffset
        self.emptyText = emptyText
        self.glyphs = glyphs
        self.columnGap = columnGap
    }

    public static let headerStyle = Style(foreground: .cyan, bold: true)
    public static let highlightStyle = Style(foreground: .yellow, bold: true)

    /// Column widths for `totalWidth` cells: fixed ones first, flex ones share what is left by weight;
    /// when even the minimums do not fit, columns on the right shrink and then vanish (width 0).
    /// `contentWidths` are the widest values of each column (`.fit` columns take them).
    public static func columnWidths(_ columns: [TableColumn], totalWidth: Int, gap: Int, contentWidths: [Int] = []) -> [Int] {
        guard !columns.isEmpty else { return [] }
        let available = max(0, totalWidth - gap * (columns.count - 1))
        var widths = columns.indices.map { index -> Int in
            switch columns[index].width {
            case .fixed(let n): return max(0, n)
            case .flex(let minimum, _): return max(0, minimum)
            case .fit(let minimum, let maximum):
                let content = max(TextWidth.width(of: columns[index].title), index < contentWidths.count ? contentWidths[index] : 0)
                return max(0, min(max(content, minimum), maximum))
            }
        }
        let required = widths.reduce(0, +)
        if required <= available {
            let weights = columns.map { column -> Int in
                if case .flex(_, let weight) = column.width { return max(0, weight) }
                return 0
            }
            let totalWeight = weights.reduce(0, +)
            guard totalWeight > 0 else { return widths }
            let spare = available - required
            var given = 0
            for index in widths.indices where weights[index] > 0 {
                let share = spare * weights[index] / totalWeight
                widths[index] += share
                given += share
            }
            // Integer division leaves a few cells: they go to the first flex column.
            if let first = weights.firstIndex(where: { $0 > 0 }) { widths[first] += spare - given }
        } else {
            // Content-fitted columns give up their extra width first, widest first, so that a
            // long status and a long sid share a narrow screen instead of the one on the right
            // losing it all.
            var excess = required - available
            let fitMinimums = columns.map { column -> Int? in
                if case .fit(let minimum, _) = column.width { return max(0, minimum) }
                return nil
            }
            while excess > 0 {
                let candidates = widths.indices.filter { index in
                    guard let minimum = fitMinimums[index] else { return false }
                    return widths[index] > minimum
                }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
                excess -= 1
            }
            var remaining = available
            for index in widths.indices {
                widths[index] = min(widths[index], remaining)
                remaining -= widths[index]
            }
        }
        return widths
    }

    /// The offset that keeps `selected` visible, moving as little as possible from `previous`.
    public static func scrollOffset(selected: Int?, previous: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0 else { return 0 }
        var offset = previous
        if let selected {
            if selected < offset { offset = selected }
            if selected >= offset + visibleRows { offset = selected - visibleRows + 1 }
        }
        return min(max(0, offset), max(0, rowCount - visibleRows))
    }

    /// Where rows and columns land in `area`: one row for the header, the rest for data.
    public func layout(in area: Rect) -> TableLayout {
        let visibleRows = max(0, area.height - 1)
        let markers = rows.count > visibleRows && area.width > 1
        let widths = Self.columnWidths(
            columns, totalWidth: area.width - (markers ? 1 : 0), gap: columnGap, contentWidths: contentWidths)
        let offset = Self.scrollOffset(
            selected: selectedRow, previous: scrollOffset, visibleRows: visibleRows, rowCount: rows.count
        )
        return TableLayout(columnWidths: widths, visibleRows: visibleRows, scrollOffset: offset, showsScrollMarkers: markers)
    }

    /// The widest value of each `.fit` column (0 for the others: only `.fit` reads them). With
    /// thousands of rows only the conferences table is long, and it has no `.fit` column.
    var contentWidths: [Int] {
        columns.indices.map { index in
            guard case .fit = columns[index].width else { return 0 }
            return rows.reduce(0) { widest, row in index < row.count ? max(widest, TextWidth.width(of: row[index])) : widest }
        }
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let layout = layout(in: area)
        drawRow(columns.map(\.title), widths: layout.columnWidths, x: area.x, y: area.y, style: Self.headerStyle, on: &frame)
        if rows.isEmpty, !emptyText.isEmpty, area.height > 1 {
            let text = TextWidth.fit(emptyText, to: area.width, alignment: .center, ellipsis: glyphs.ellipsis)
            frame.write(text, x: area.x, y: area.y + 1, maxWidth: area.width, style: .dim)
            return
        }
        for line in 0..<layout.visibleRows {
            let index = layout.scrollOffset + line
            guard index < rows.count else { break }
            let y = area.y + 1 + line
            var style = Self.style(for: index < emphasis.count ? emphasis[index] : .normal)
            if index == selectedRow {
                style = style.reversed
                frame.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
            }
            drawRow(rows[index], widths: layout.columnWidths, x: area.x, y: y, style: style, on: &frame)
        }
        if layout.showsScrollMarkers {
            let markerX = area.maxX - 1
            if layout.scrollOffset > 0 {
                frame.write(glyphs.up, x: markerX, y: area.y, maxWidth: 1, style: .dim)
            }
            if layout.scrollOffset + layout.visibleRows < rows.count {
                frame.write(glyphs.down, x: markerX, y: area.y + layout.visibleRows, maxWidth: 1, style: .dim)
            }
        }
    }

    static func style(for emphasis: RowEmphasis) -> Style {
        switch emphasis {
        case .normal: .plain
        case .dim: .dim
        case .highlight: highlightStyle
        }
    }

    private func drawRow(_ values: [String], widths: [Int], x: Int, y: Int, style: Style, on frame: inout Frame) {
        var column = x
        for (index, width) in widths.enumerated() where width > 0 {
            let value = index < values.count ? values[index] : ""
            // As `TextWidth.fit`, without building the padded string: the padding is written as
            // blank cells (every cell of every row on every frame went through that string).
            let text = TextWidth.truncate(value, to: width, ellipsis: glyphs.ellipsis)
            let missing = max(0, width - TextWidth.width(of: text))
            let lead: Int
            switch columns[index].alignment {
            case .left: lead = 0
            case .right: lead = missing
            case .center: lead = missing / 2
            }
            frame.fill(Rect(x: column, y: y, width: lead, height: 1), style: style)
            let used = frame.write(text, x: column + lead, y: y, maxWidth: width - lead, style: style)
            // The rest of the column, and the gap after it in the row's style too, so a selected
            // row is one unbroken bar.
            let gap = index < widths.count - 1 ? columnGap : 0
            frame.fill(Rect(x: column + lead + used, y: y, width: width - lead - used + gap, height: 1), style: style)
            column += width + columnGap
        }
    }
}
