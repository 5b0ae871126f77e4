/// A press of the mouse's first button or a turn of its wheel, at a cell of the screen (0-based),
/// reported only after `:mouse on`.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// A key press as the dashboard understands it, decoded by the terminal layer.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    /// Control plus a letter, e.g. `.ctrl("c")`.
    case ctrl(Character)
    case function(Int)
    /// Text pasted in one go (bracketed paste), inserted as typed.
    case paste(String)

    /// How a key is written in hints and help: `j`, `↑`, `PgDn`, `C-c`, `Esc`.
    public var displayName: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "BS"
        case .delete: "Del"
        case .insert: "Ins"
        case .ctrl(let c): "C-\(c)"
        case .function(let n): "F\(n)"
        case .paste: "paste"
        }
    }
}
