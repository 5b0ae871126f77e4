/// A titled group of key bindings in the help screen ("Navigation", "Conference").
public struct HelpSection: Hashable, Sendable {
    public var title: String
    public var bindings: [KeyHint]

    public init(_ title: String, _ bindings: [KeyHint]) {
        self.title = title
        self.bindings = bindings
    }
}

/// The `?` overlay: a centred box listing every key binding by section, generated from data.
public struct HelpView: Widget {
    public var title: String
    public var sections: [HelpSection]
    public var scrollOffset: Int
    public var glyphs: Glyphs

    public init(title: String = "Help", sections: [HelpSection], scrollOffset: Int = 0, glyphs: Glyphs = .unicode) {
        self.title = title
        self.sections = sections
        self.scrollOffset = scrollOffset
        self.glyphs = glyphs
    }

    /// One line of the help body: a section heading, a binding, or a blank spacer.
    enum Line: Hashable {
        case heading(String)
        case binding(KeyHint)
        case blank
    }

    var bodyLines: [Line] { Self.lines(sections) }

    static func lines(_ sections: [HelpSection]) -> [Line] {
        var lines: [Line] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(.blank) }
            lines.append(.heading(section.title))
            lines += section.bindings.map(Line.binding)
        }
        return lines
    }

    /// Cells between two columns of sections.
    static let columnGap = 4

    /// The sections split into `count` columns of about equal height, in order, never splitting
    /// a section.
    static func columns(_ sections: [HelpSection], count: Int) -> [[HelpSection]] {
        let total = lines(sections).count
        let target = (total + count - 1) / count
        var columns: [[HelpSection]] = [[]]
        for section in sections {
            let height = lines(columns[columns.count - 1] + [section]).count
            if height > target, !columns[columns.count - 1].isEmpty, columns.count < count {
                columns.append([section])
            } else {
                columns[columns.count - 1].append(section)
            }
        }
        return columns
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        let keysWidth = sections.flatMap(\.bindings).map { TextWidth.width(of: $0.keys) }.max() ?? 0
        let actionsWidth = sections.flatMap(\.bindings).map { TextWidth.width(of: $0.action) }.max() ?? 0
        let headingsWidth = sections.map { TextWidth.width(of: $0.title) }.max() ?? 0
        let columnWidth = max(keysWidth + 2 + actionsWidth, headingsWidth)
        // As few columns as let the whole help show at once; more than the width allows, and it
        // stays one column that scrolls.
        var layout = [sections]
        for count in 1...3 {
            let candidate = Self.columns(sections, count: count)
            let width = candidate.count * columnWidth + (candidate.count - 1) * Self.columnGap + 4
            guard width <= area.width else { break }
            layout = candidate
            if (candidate.map { Self.lines($0).count }.max() ?? 0) + 2 <= area.height { break }
        }
        let columnLines = layout.map(Self.lines)
        let tallest = columnLines.map(\.count).max() ?? 0
        let contentWidth = max(
            layout.count * columnWidth + (layout.count - 1) * Self.columnGap, TextWidth.width(of: title) + 2)
        let box = area.centered(width: contentWidth + 4, height: tallest + 2)
        guard box.width >= 2, box.height >= 2 else { return }
        // One blank column each side, so the box stands apart from the table text it covers.
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: title, glyphs: glyphs).draw(in: box, on: &frame)
        let inside = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        guard !inside.isEmpty else { return }
        let offset = min(max(0, scrollOffset), max(0, tallest - inside.height))
        for (column, lines) in columnLines.enumerated() {
            let x = inside.x + column * (columnWidth + Self.columnGap)
            let width = min(columnWidth, inside.maxX - x)
            guard width > 0 else { continue }
            for (row, line) in lines.dropFirst(offset).prefix(inside.height).enumerated() {
                draw(line, x: x, y: inside.y + row, width: width, keysWidth: keysWidth, on: &frame)
            }
        }
        if offset > 0 { frame.write(glyphs.up, x: box.maxX - 2, y: box.y, maxWidth: 1) }
        if offset + inside.height < tallest { frame.write(glyphs.down, x: box.maxX - 2, y: box.maxY - 1, maxWidth: 1) }
    }

    private func draw(_ line: Line, x: Int, y: Int, width: Int, keysWidth: Int, on frame: inout Frame) {
        switch line {
        case .heading(let heading):
            frame.write(
                TextWidth.truncate(heading, to: width, ellipsis: glyphs.ellipsis), x: x, y: y, maxWidth: width,
                style: Style(bold: true, underline: true))
        case .binding(let hint):
            let keys = TextWidth.pad(hint.keys, to: keysWidth)
            let used = frame.write(keys, x: x, y: y, maxWidth: width, style: KeyHints.keyStyle)
            let rest = width - used - 2
            if rest > 0 {
                frame.write(TextWidth.truncate(hint.action, to: rest, ellipsis: glyphs.ellipsis), x: x + used + 2, y: y, maxWidth: rest)
            }
        case .blank:
            break
        }
    }
}
