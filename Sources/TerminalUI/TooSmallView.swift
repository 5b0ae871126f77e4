/// "terminal too small: have 50x10, need 80x24", centred; safe at any size down to 0x0.
public struct TooSmallView: Widget {
    public var have: Size
    public var need: Size

    public init(have: Size, need: Size) {
        self.have = have
        self.need = need
    }

    public var message: String { "terminal too small: have \(have), need \(need)" }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let lines = TextWidth.width(of: message) <= area.width ? [message] : TextWidth.wrap(message, to: area.width)
        let shown = Array(lines.prefix(area.height))
        let top = area.y + (area.height - shown.count) / 2
        for (row, line) in shown.enumerated() {
            let text = TextWidth.fit(line, to: area.width, alignment: .center)
            frame.write(text, x: area.x, y: top + row, maxWidth: area.width, style: Style(foreground: .yellow, bold: true))
        }
    }

    /// A whole frame of `have` saying it is smaller than `need`.
    public static func frame(have: Size, need: Size) -> Frame {
        var frame = Frame(size: have)
        frame.render(TooSmallView(have: have, need: need))
        return frame
    }
}
