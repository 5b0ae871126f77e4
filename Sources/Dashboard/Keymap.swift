/// What a key asks the dashboard to do.
public enum Action: String, Hashable, Sendable, CaseIterable {
    case moveDown, moveUp, pageDown, pageUp, top, bottom
    case open, back, switchPane
    case filter, command, refresh, togglePause, toggleCompleted
    case newStream, stopStream
    case help, quit
}

/// Where a binding applies.
public enum KeyContext: Hashable, Sendable {
    case conferences
    case detail
}

/// One row of the keymap: the keys, the action, and how hints and help describe it.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var summary: String
    public var section: String
    public var contexts: Set<KeyContext>
    /// Shown in the footer, not only in help.
    public var hint: Bool
    /// Changes something on the service; removed in read-only mode.
    public var mutating: Bool

    public init(
        _ keys: [Key], _ action: Action, _ summary: String, section: String,
        contexts: Set<KeyContext> = [.conferences, .detail], hint: Bool = false, mutating: Bool = false
    ) {
        self.keys = keys
        self.action = action
        self.summary = summary
        self.section = section
        self.contexts = contexts
        self.hint = hint
        self.mutating = mutating
    }

    /// `j/↓`: the keys as the help and the hints write them.
    public var keysText: String { keys.map(\.displayName).joined(separator: "/") }
}

/// The one table that drives key dispatch, the footer hints and the help screen.
public struct Keymap: Equatable, Sendable {
    public var bindings: [KeyBinding]

    public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

    public func action(for key: Key, in context: KeyContext) -> Action? {
        bindings.first { $0.contexts.contains(context) && $0.keys.contains(key) }?.action
    }

    public func hints(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.hint && $0.contexts.contains(context) }
    }

    /// Sections in the order they first appear, each with its bindings.
    public var sections: [(title: String, bindings: [KeyBinding])] {
        var order: [String] = []
        var grouped: [String: [KeyBinding]] = [:]
        for binding in bindings {
            if grouped[binding.section] == nil { order.append(binding.section) }
            grouped[binding.section, default: []].append(binding)
        }
        return order.map { ($0, grouped[$0]!) }
    }

    public static let standard = Keymap([
        KeyBinding([.character("j"), .down], .moveDown, "move down", section: "Move", hint: true),
        KeyBinding([.character("k"), .up], .moveUp, "move up", section: "Move", hint: true),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, "page down", section: "Move"),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, "page up", section: "Move"),
        KeyBinding([.character("g"), .home], .top, "first row", section: "Move"),
        KeyBinding([.character("G"), .end], .bottom, "last row", section: "Move"),
        KeyBinding([.enter], .open, "open conference", section: "View", contexts: [.conferences], hint: true),
        KeyBinding([.escape, .character("h"), .left], .back, "back to conferences", section: "View", contexts: [.detail], hint: true),
        KeyBinding([.tab], .switchPane, "switch pane", section: "View", contexts: [.detail], hint: true),
        KeyBinding([.character("/")], .filter, "filter (Esc clears)", section: "View", contexts: [.conferences], hint: true),
        KeyBinding([.character("c")], .toggleCompleted, "show/hide completed", section: "View", contexts: [.conferences]),
        KeyBinding([.character(":")], .command, "command line (:q :refresh :filter TEXT)", section: "View"),
        KeyBinding([.character("n")], .newStream, "start a stream on this conference", section: "Streams", hint: true, mutating: true),
        KeyBinding([.character("x")], .stopStream, "stop the selected stream (asks first)", section: "Streams", contexts: [.detail], hint: true, mutating: true),
        KeyBinding([.character("r")], .refresh, "refresh now", section: "Polling", hint: true),
        KeyBinding([.character("p")], .togglePause, "pause/resume polling", section: "Polling", hint: true),
        KeyBinding([.character("?")], .help, "help", section: "General", hint: true),
        KeyBinding([.character("q")], .quit, "quit", section: "General", hint: true),
    ])
}
