/// A centred question with buttons, drawn over whatever is below; the focused button is reversed.
///
/// Destructive actions ask first with the harmless choice focused (k9s): put "Cancel" first and focus 0.
public struct ConfirmDialog: Widget {
    public var title: String
    public var message: String
    public var buttons: [String]
    public var focusedButton: Int
    public var glyphs: Glyphs

    public init(title: String, message: String, buttons: [String] = ["Cancel", "OK"], focusedButton: Int = 0, glyphs: Glyphs = .unicode) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.focusedButton = focusedButton
        self.glyphs = glyphs
    }

    /// How each button reads on screen: "[ Cancel ]".
    public static func label(_ button: String) -> String { "[ \(button) ]" }

    public static let focusedStyle = Style(bold: true, reverse: true)
    static let widest = 60

    public func draw(in area: Rect, on frame: inout Frame) {
        let buttonsText = buttons.map(Self.label).joined(separator: "  ")
        let buttonsWidth = TextWidth.width(of: buttonsText)
        let messageWidth = min(TextWidth.width(of: message), Self.widest)
        let wanted = max(messageWidth, buttonsWidth, TextWidth.width(of: title) + 2, 24) + 4
        let width = min(wanted, area.width)
        let messageLines = TextWidth.wrap(message, to: max(1, width - 4))
        // border, message, blank, buttons, border
        let box = area.centered(width: width, height: messageLines.count + 4)
        guard box.width >= 2, box.height >= 2 else { return }
        // One blank column each side, so the box stands apart from the table text it covers.
        frame.fill(Rect(x: box.x - 1, y: box.y, width: box.width + 2, height: box.height).intersection(area))
        Box(title: title, glyphs: glyphs).draw(in: box, on: &frame)
        let textWidth = box.width - 4
        guard textWidth > 0 else { return }
        for (row, line) in messageLines.enumerated() where box.y + 1 + row < box.maxY - 1 {
            frame.write(line, x: box.x + 2, y: box.y + 1 + row, maxWidth: textWidth)
        }
        let buttonsY = box.maxY - 2
        guard buttonsY > box.y else { return }
        var x = box.x + 2 + max(0, (textWidth - buttonsWidth) / 2)
        for (index, button) in buttons.enumerated() {
            if index > 0 { x += 2 }
            let style: Style = index == focusedButton ? Self.focusedStyle : .plain
            x += frame.write(Self.label(button), x: x, y: buttonsY, maxWidth: box.maxX - 2 - x, style: style)
        }
    }
}
