/// A one-line text field being edited: the filter, the command line, a form field.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: String
    /// Cursor position in characters, 0...text.count.
    public private(set) var cursor: Int
    /// Longest text accepted; a paste beyond it is cut, never crashes.
    public let limit: Int

    public init(_ text: String = "", limit: Int = 4096) {
        self.limit = limit
        self.text = String(text.prefix(limit))
        self.cursor = self.text.count
    }

    /// Applies an editing key; returns false when the key is not an editing key.
    @discardableResult
    public mutating func apply(_ key: Key) -> Bool {
        // Characters are grapheme clusters: a combining mark or a joiner typed, pasted or deleted
        // next to another character merges or splits clusters, so the count can move by other
        // than one. The cursor is brought back inside the text after every edit.
        defer { cursor = min(max(0, cursor), text.count) }
        switch key {
        case .character(let c):
            insert(String(c))
        case .paste(let s):
            insert(s)
        case .left:
            cursor = max(0, cursor - 1)
        case .right:
            cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"):
            cursor = 0
        case .end, .ctrl("e"):
            cursor = text.count
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .ctrl("u"):
            text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor))
            cursor = 0
        case .ctrl("k"):
            text.removeSubrange(text.index(text.startIndex, offsetBy: cursor)...)
        case .ctrl("w"):
            // Delete the word before the cursor, and the spaces after it, like a shell.
            var chars = Array(text)
            var start = cursor
            while start > 0, chars[start - 1] == " " { start -= 1 }
            while start > 0, chars[start - 1] != " " { start -= 1 }
            chars.removeSubrange(start..<cursor)
            text = String(chars)
            cursor = start
        default:
            return false
        }
        return true
    }

    public mutating func insert(_ s: String) {
        // Control characters (a pasted newline or escape) would corrupt the screen and the request.
        let clean = String(s.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        let room = max(0, limit - text.count)
        let piece = String(clean.prefix(room))
        guard !piece.isEmpty else { return }
        let at = text.index(text.startIndex, offsetBy: min(cursor, text.count))
        let before = String(text[..<at]) + piece
        text = before + text[at...]
        // Where the typed text ends, counted the way the joined text clusters (a mark typed after
        // a letter joins it rather than adding a character).
        cursor = min(before.count, text.count)
    }
}
