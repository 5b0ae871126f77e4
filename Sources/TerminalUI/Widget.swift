/// Something that draws itself into a rectangle of a frame, touching nothing outside it.
public protocol Widget {
    func draw(in area: Rect, on frame: inout Frame)
}

extension Frame {
    /// Draws `widget` into `area` (the whole frame when nil).
    public mutating func render(_ widget: some Widget, in area: Rect? = nil) {
        widget.draw(in: area ?? self.area, on: &self)
    }
}
