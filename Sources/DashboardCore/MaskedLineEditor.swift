/// A one-line editor for a secret (a bearer token): it edits like `LineEditor`, but its text never
/// reaches a description, a debug print, a `dump` or a log, so a form can be inspected safely.
public struct MaskedLineEditor: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private var editor: LineEditor

    public init(limit: Int) { editor = LineEditor("", limit: limit) }

    /// Characters typed so far: the screen draws one mask symbol for each.
    public var count: Int { editor.text.count }
    public var cursor: Int { editor.cursor }
    public var limit: Int { editor.limit }
    public var isEmpty: Bool { editor.text.isEmpty }

    /// The secret itself, for the request only; deliberately not public, so no screen can draw it.
    var revealed: String { editor.text }

    @discardableResult
    public mutating func apply(_ key: Key) -> Bool { editor.apply(key) }

    public var description: String { isEmpty ? "<empty>" : "<redacted>" }
    public var debugDescription: String { description }
    // No children: `dump` and the default struct description of a containing form stop here.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
