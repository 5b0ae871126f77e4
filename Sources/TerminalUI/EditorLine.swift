import DashboardCore

/// A line being typed (`:` command, `/` filter, a prompt's URL) with a block cursor, scrolled
/// sideways so the cursor stays in view however long the text.
public struct EditorLine: Widget {
    public var prefix: String
    public var editor: LineEditor

    public init(prefix: String = "", _ editor: LineEditor) {
        self.prefix = prefix
        self.editor = editor
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        let y = area.y
        let chars = Array(editor.text)
        let before = String(chars[..<editor.cursor])
        let room = max(1, area.width - 2)
        var shownBefore = before
        while TextWidth.width(of: shownBefore) > room - 1, !shownBefore.isEmpty { shownBefore.removeFirst() }
        let start = area.x + TextWidth.width(of: prefix)
        frame.write(prefix, x: area.x, y: y, maxWidth: area.width, style: .bold)
        let used = frame.write(shownBefore, x: start, y: y, maxWidth: room)
        let cursorChar = editor.cursor < chars.count ? String(chars[editor.cursor]) : " "
        let cursorWidth = frame.write(cursorChar, x: start + used, y: y, maxWidth: max(0, room - used), style: .reverse)
        if editor.cursor + 1 < chars.count {
            frame.write(
                String(chars[(editor.cursor + 1)...]), x: start + used + cursorWidth, y: y,
                maxWidth: max(0, room - used - cursorWidth))
        }
    }
}
