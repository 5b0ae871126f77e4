import DashboardCore

/// The `:` command line's menu, over the body just above the line: the commands that match
/// what is typed (all of them while the line is empty) with what each does, the one Tab put on
/// the line reversed; or why nothing matches.
public struct CommandMenuView: Widget {
    public var menu: CommandPrompt.Menu
    public var glyphs: Glyphs

    public init(_ menu: CommandPrompt.Menu, glyphs: Glyphs = .unicode) {
        self.menu = menu
        self.glyphs = glyphs
    }

    /// Lines it wants: its border and one per item (one for the title alone with no items).
    public var height: Int { 2 + max(1, menu.items.count) }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard area.height >= 3, area.width >= 10 else { return }
        let textWidth = menu.items.map { TextWidth.width(of: $0.text) }.max() ?? 0
        let summaryWidth = menu.items.map { TextWidth.width(of: $0.summary) }.max() ?? 0
        let contentWidth = max(
            textWidth + (summaryWidth > 0 ? 2 + summaryWidth : 0), TextWidth.width(of: menu.title) + 2, 20)
        let width = min(area.width, contentWidth + 4)
        let box = Rect(x: area.x, y: area.maxY - min(area.height, height), width: width, height: min(area.height, height))
        frame.fill(box)
        let titled = !menu.items.isEmpty
        Box(title: titled ? menu.title : "commands", glyphs: glyphs, style: .dim, titleStyle: .bold).draw(in: box, on: &frame)
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
        guard titled else {
            frame.write(menu.title, x: inner.x, y: inner.y, maxWidth: inner.width, style: .dim)
            return
        }
        // Taller than the room: the window that holds the highlighted item.
        let first = max(0, min((menu.highlighted ?? 0) - inner.height + 1, menu.items.count - inner.height))
        for (row, item) in menu.items.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + row
            let highlighted = menu.highlighted == first + row
            let line = TextWidth.pad(item.text, to: textWidth) + (item.summary.isEmpty ? "" : "  " + item.summary)
            frame.write(
                TextWidth.truncate(TextWidth.pad(line, to: inner.width), to: inner.width, ellipsis: glyphs.ellipsis), x: inner.x, y: y,
                maxWidth: inner.width, style: highlighted ? Style(bold: true, reverse: true) : .plain)
            if !highlighted {
                frame.write(TextWidth.truncate(item.text, to: inner.width, ellipsis: glyphs.ellipsis), x: inner.x, y: y, maxWidth: inner.width, style: .bold)
            }
        }
    }
}
