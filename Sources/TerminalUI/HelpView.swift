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

    var bodyLines: [Line] {
        var lines: [Line] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(.blank) }
            lines.append(.heading(section.title))
            lines += section.bindings.map(Line.binding)
        }
        return lines
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        let lines = bodyLines
        let keysWidth = sections.flatMap(\.bindings).map { TextWidth.width(of: $0.keys) }.max() ?? 0
        let actionsWidth = sections.flatMap(\.bindings).map { TextWidth.width(of: $0.action) }.max() ?? 0
        let headingsWidth = sections.map { TextWidth.width(of: $0.title) }.max() ?? 0
        // Border and one cell of padding on each side; two cells between keys and actions.
        let contentWidth = max(keysWidth + 2 + actionsWidth, headingsWidth, TextWidth.width(of: title) + 2)
        let box = area.centered(width: contentWidth + 4, height: lines.count + 2)
        guard box.width >= 2, box.height >= 2 else { return }
        // One blank column each side, so the box stands apart from the table text it covers.
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: title, glyphs: glyphs).draw(in: box, on: &frame)
        let inside = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        guard !inside.isEmpty else { return }
        let offset = min(max(0, scrollOffset), max(0, lines.count - inside.height))
        for (row, line) in lines.dropFirst(offset).prefix(inside.height).enumerated() {
            let y = inside.y + row
            switch line {
            case .heading(let heading):
                frame.write(TextWidth.truncate(heading, to: inside.width, ellipsis: glyphs.ellipsis),
                            x: inside.x, y: y, maxWidth: inside.width, style: Style(bold: true, underline: true))
            case .binding(let hint):
                let keys = TextWidth.pad(hint.keys, to: keysWidth)
                let used = frame.write(keys, x: inside.x, y: y, maxWidth: inside.width, style: KeyHints.keyStyle)
                let rest = inside.width - used - 2
                if rest > 0 {
                    frame.write(TextWidth.truncate(hint.action, to: rest, ellipsis: glyphs.ellipsis),
                                x: inside.x + used + 2, y: y, maxWidth: rest)
                }
            case .blank:
                break
            }
        }
        if offset > 0 { frame.write(glyphs.up, x: box.maxX - 2, y: box.y, maxWidth: 1) }
        if offset + inside.height < lines.count { frame.write(glyphs.down, x: box.maxX - 2, y: box.maxY - 1, maxWidth: 1) }
    }
}
