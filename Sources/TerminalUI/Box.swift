/// A border around a rectangle, with an optional title set into the top edge.
public struct Box: Widget {
    public var title: String?
    public var glyphs: Glyphs
    public var style: Style
    public var titleStyle: Style

    public init(title: String? = nil, glyphs: Glyphs = .unicode, style: Style = .plain, titleStyle: Style = .bold) {
        self.title = title
        self.glyphs = glyphs
        self.style = style
        self.titleStyle = titleStyle
    }

    /// The area left inside the border.
    public func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard area.width >= 2, area.height >= 2 else { return }
        let horizontal = String(repeating: glyphs.horizontal, count: area.width - 2)
        frame.write(glyphs.topLeft + horizontal + glyphs.topRight, x: area.x, y: area.y, maxWidth: area.width, style: style)
        frame.write(
            glyphs.bottomLeft + horizontal + glyphs.bottomRight,
            x: area.x, y: area.maxY - 1, maxWidth: area.width, style: style
        )
        for y in (area.y + 1)..<(area.maxY - 1) {
            frame.write(glyphs.vertical, x: area.x, y: y, style: style)
            frame.write(glyphs.vertical, x: area.maxX - 1, y: y, style: style)
        }
        // " title " sits two cells in from the corner, cut to leave the far corner and one rule visible.
        if let title, !title.isEmpty, area.width >= 6 {
            let text = TextWidth.truncate(" \(title) ", to: area.width - 4, ellipsis: glyphs.ellipsis)
            frame.write(text, x: area.x + 2, y: area.y, maxWidth: area.width - 4, style: titleStyle)
        }
    }
}
