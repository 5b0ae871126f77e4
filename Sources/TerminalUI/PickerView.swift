import DashboardCore

/// A picker drawn as a centred box: the question, then one row per choice, the picked one
/// reversed (a choice is a whole row, as in k9s' and lazygit's menus).
public struct PickerView: Widget {
    public var picker: Picker
    public var glyphs: Glyphs

    public init(_ picker: Picker, glyphs: Glyphs = .unicode) {
        self.picker = picker
        self.glyphs = glyphs
    }

    static let widest = 72

    public func draw(in area: Rect, on frame: inout Frame) {
        let labels = picker.items.map { "  \($0.label)  " }
        let widestLabel = labels.map(TextWidth.width(of:)).max() ?? 0
        let questionWidth = min(TextWidth.width(of: picker.question), Self.widest)
        let width = min(max(widestLabel, questionWidth, TextWidth.width(of: picker.title) + 2, 24) + 4, area.width)
        let questionLines = TextWidth.wrap(picker.question, to: max(1, width - 4))
        // border, question, blank, the choices (as many as fit), border
        let room = max(1, area.height - questionLines.count - 3)
        let shown = min(picker.items.count, room)
        let box = area.centered(width: width, height: questionLines.count + shown + 3)
        guard box.width >= 4, box.height >= 3 else { return }
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: picker.title, glyphs: glyphs, style: Style(foreground: .cyan), titleStyle: Style(foreground: .cyan, bold: true))
            .draw(in: box, on: &frame)
        let textWidth = box.width - 4
        for (row, line) in questionLines.enumerated() {
            frame.write(line, x: box.x + 2, y: box.y + 1 + row, maxWidth: textWidth)
        }
        // The window of choices keeps the picked one in view.
        let first = min(max(0, picker.selected - shown + 1), max(0, picker.items.count - shown))
        let top = box.y + 2 + questionLines.count
        for line in 0..<shown {
            let index = first + line
            let text = TextWidth.truncate(labels[index], to: box.width - 2, ellipsis: glyphs.ellipsis)
            let style: Style = index == picker.selected ? Style(bold: true, reverse: true) : .plain
            if index == picker.selected { frame.fill(Rect(x: box.x + 1, y: top + line, width: box.width - 2, height: 1), style: style) }
            frame.write(text, x: box.x + 1, y: top + line, maxWidth: box.width - 2, style: style)
        }
    }
}
