import DashboardCore

/// A picker drawn as a centred box: the question, then one row per choice, the picked one
/// reversed (a choice is a whole row, as in k9s' and lazygit's menus).
public struct PickerView: Widget {
    public var title: String
    public var question: String
    public var labels: [String]
    public var selected: Int
    public var glyphs: Glyphs

    public init(_ picker: Picker, glyphs: Glyphs = .unicode) {
        self.init(
            title: picker.title, question: picker.question, labels: picker.items.map(\.label), selected: picker.selected,
            glyphs: glyphs)
    }

    /// `:columns`' chooser: a tick box before each column, shown ones first.
    public init(_ chooser: ColumnChooser, glyphs: Glyphs = .unicode) {
        self.init(
            title: "Columns: \(chooser.table.rawValue)",
            question: "Space shows or hides, J/K move, r the defaults; Enter keeps, Esc leaves them as they were.",
            labels: chooser.order.map { (chooser.shown.contains($0) ? "[x] " : "[ ] ") + $0 }, selected: chooser.selected,
            glyphs: glyphs)
    }

    public init(title: String, question: String, labels: [String], selected: Int, glyphs: Glyphs = .unicode) {
        self.title = title
        self.question = question
        self.labels = labels
        self.selected = selected
        self.glyphs = glyphs
    }

    static let widest = 72

    public func draw(in area: Rect, on frame: inout Frame) {
        let labels = self.labels.map { "  \($0)  " }
        let widestLabel = labels.map(TextWidth.width(of:)).max() ?? 0
        let questionWidth = min(TextWidth.width(of: question), Self.widest)
        let width = min(max(widestLabel, questionWidth, TextWidth.width(of: title) + 2, 24) + 4, area.width)
        let questionLines = TextWidth.wrap(question, to: max(1, width - 4))
        // border, question, blank, the choices (as many as fit), border
        let room = max(1, area.height - questionLines.count - 3)
        let shown = min(labels.count, room)
        let box = area.centered(width: width, height: questionLines.count + shown + 3)
        guard box.width >= 4, box.height >= 3 else { return }
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: title, glyphs: glyphs, style: Style(foreground: .cyan), titleStyle: Style(foreground: .cyan, bold: true))
            .draw(in: box, on: &frame)
        let textWidth = box.width - 4
        for (row, line) in questionLines.enumerated() {
            frame.write(line, x: box.x + 2, y: box.y + 1 + row, maxWidth: textWidth)
        }
        // The window of choices keeps the picked one in view.
        let first = min(max(0, selected - shown + 1), max(0, labels.count - shown))
        let top = box.y + 2 + questionLines.count
        for line in 0..<shown {
            let index = first + line
            let text = TextWidth.truncate(labels[index], to: box.width - 2, ellipsis: glyphs.ellipsis)
            let style: Style = index == selected ? Style(bold: true, reverse: true) : .plain
            if index == selected { frame.fill(Rect(x: box.x + 1, y: top + line, width: box.width - 2, height: 1), style: style) }
            frame.write(text, x: box.x + 1, y: top + line, maxWidth: box.width - 2, style: style)
        }
    }
}
