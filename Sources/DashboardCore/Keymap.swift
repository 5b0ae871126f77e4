/// What a key asks the dashboard to do.
public enum Action: String, Hashable, Sendable, CaseIterable {
    case moveDown, moveUp, pageDown, pageUp, top, bottom
    case open, back, switchPane
    case filter, clearFilter, command, refresh, togglePause, toggleCompleted
    case newStream, stopStream
    case endConference, announce, toggleMute, toggleHold, removeParticipant
    case coach, announceParticipant, recordCall, pauseRecording, deleteRecording
    case sortNext, sortReverse, copySid
    case eventLog
    case help, quit
}

/// Where a binding applies.
public enum KeyContext: Hashable, Sendable {
    case conferences
    case detail
    case eventLog
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
    /// What the footer calls it when `summary` is too long for the footer ("down", "new stream").
    public var hintLabel: String?

    public init(
        _ keys: [Key], _ action: Action, _ summary: String, section: String,
        contexts: Set<KeyContext> = [.conferences, .detail, .eventLog], hint: Bool = false, mutating: Bool = false,
        hintLabel: String? = nil
    ) {
        self.keys = keys
        self.action = action
        self.summary = summary
        self.section = section
        self.contexts = contexts
        self.hint = hint
        self.mutating = mutating
        self.hintLabel = hintLabel
    }

    /// How the footer names it.
    public var hintSummary: String { hintLabel ?? summary }

    /// `j/↓`: the keys as the help and the hints write them.
    public var keysText: String { keys.map(\.displayName).joined(separator: "/") }
}

/// The one table that drives key dispatch, the footer hints and the help screen.
public struct Keymap: Equatable, Sendable {
    public var bindings: [KeyBinding]

    public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

    public func action(for key: Key, in context: KeyContext) -> Action? {
        binding(for: key, in: context)?.action
    }

    public func binding(for key: Key, in context: KeyContext) -> KeyBinding? {
        bindings.first { $0.contexts.contains(context) && $0.keys.contains(key) }
    }

    /// The keymap without anything that changes the service: what hints and help show in
    /// read-only mode.
    public var readOnly: Keymap { Keymap(bindings.filter { !$0.mutating }) }

    /// Moves actions to other keys (from the config file), e.g. `["stopStream": "X"]`, so keys
    /// that clash with tmux can move. The new key is taken away from whatever had it.
    public func applying(overrides: [String: String]) throws -> Keymap {
        var result = bindings
        for (actionName, keyText) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = Action(rawValue: actionName) else {
                throw KeymapError("unknown action \(actionName) in key overrides (known: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let key = Key(parsing: keyText) else {
                throw KeymapError("cannot read the key \"\(keyText)\" for \(actionName) (try X, C-x, F2, Esc, Enter)")
            }
            for index in result.indices { result[index].keys.removeAll { $0 == key } }
            for index in result.indices where result[index].action == action { result[index].keys = [key] }
        }
        return Keymap(result)
    }

    /// The key for `action` as messages name it (`x`, `C-x`, `F2`), so that a remapped key is
    /// named right; `fallback` (a command, usually) when no key has it.
    public func keyName(for action: Action, in context: KeyContext? = nil, fallback: String) -> String {
        let binding = bindings.first { $0.action == action && (context.map($0.contexts.contains) ?? true) && !$0.keys.isEmpty }
        return binding?.keys.first?.displayName ?? fallback
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
        KeyBinding([.character("j"), .down], .moveDown, "move down", section: "Move", hint: true, hintLabel: "down"),
        KeyBinding([.character("k"), .up], .moveUp, "move up", section: "Move", hint: true, hintLabel: "up"),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, "page down", section: "Move"),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, "page up", section: "Move"),
        KeyBinding([.character("g"), .home], .top, "first row", section: "Move"),
        KeyBinding([.character("G"), .end], .bottom, "last row", section: "Move"),
        KeyBinding([.enter], .open, "open conference", section: "View", contexts: [.conferences], hint: true, hintLabel: "open"),
        // Before `back`: with a filter on, Esc clears it first; with none, it goes back.
        KeyBinding(
            [.escape], .clearFilter, "clear the filter (then back)", section: "View", contexts: [.conferences, .detail], hint: true,
            hintLabel: "clear filter"),
        KeyBinding([.escape, .left], .back, "back to conferences", section: "View", contexts: [.detail, .eventLog], hint: true, hintLabel: "back"),
        KeyBinding([.character("L")], .eventLog, "event log (the audit trail)", section: "View", contexts: [.conferences, .detail]),
        KeyBinding([.tab], .switchPane, "switch pane", section: "View", contexts: [.detail], hint: true, hintLabel: "pane"),
        KeyBinding(
            [.character("/")], .filter, "filter the table, or the pane in front", section: "View", contexts: [.conferences, .detail],
            hint: true, hintLabel: "filter"),
        KeyBinding([.character("c")], .toggleCompleted, "show/hide completed", section: "View", contexts: [.conferences]),
        KeyBinding([.character(":")], .command, "command line (Tab completes; :q :filter TEXT)", section: "View"),
        KeyBinding(
            // On the participants pane with someone picked, their call's stream; anywhere else the
            // conference's (the footer says which: `stream the call` or `new stream`). Short: the
            // help must fit two columns at 120x40.
            [.character("n")], .newStream, "stream the picked call, else the conference", section: "Streams", contexts: [.conferences, .detail], hint: true, mutating: true, hintLabel: "new stream"),
        KeyBinding(
            [.character("x")], .stopStream, "stop the stream or recording (asks first)", section: "Streams", contexts: [.detail], hint: true,
            mutating: true, hintLabel: "stop stream"),
        KeyBinding([.character("E")], .endConference, "end the conference (asks first)", section: "Conference", contexts: [.conferences, .detail], mutating: true),
        KeyBinding([.character("A")], .announce, "announce to the conference", section: "Conference", contexts: [.conferences, .detail], mutating: true),
        KeyBinding(
            [.character("m")], .toggleMute, "mute/unmute the participant", section: "Participant", contexts: [.detail], hint: true,
            mutating: true, hintLabel: "mute"),
        KeyBinding([.character("h")], .toggleHold, "hold/unhold the participant", section: "Participant", contexts: [.detail], mutating: true),
        KeyBinding([.character("K")], .removeParticipant, "remove the participant (asks first)", section: "Participant", contexts: [.detail], mutating: true),
        KeyBinding(
            [.character("c")], .coach, "coach another participant / stop coaching", section: "Participant",
            contexts: [.detail], mutating: true),
        KeyBinding(
            [.character("a")], .announceParticipant, "announce to the participant alone", section: "Participant", contexts: [.detail],
            mutating: true),
        KeyBinding(
            [.character("R")], .recordCall, "record the call (asks channels and track)", section: "Participant",
            contexts: [.detail], mutating: true),
        KeyBinding(
            [.character("P")], .pauseRecording, "pause (skip or silence) / resume recording", section: "Recordings",
            contexts: [.detail], mutating: true),
        KeyBinding(
            [.character("D")], .deleteRecording, "delete the recording (asks first; for good)", section: "Recordings",
            contexts: [.detail], mutating: true),
        KeyBinding([.character("s")], .sortNext, "sort by the next column", section: "View", contexts: [.conferences]),
        KeyBinding([.character("S")], .sortReverse, "reverse the sort", section: "View", contexts: [.conferences]),
        KeyBinding([.character("y")], .copySid, "copy the sid (OSC 52, works over SSH)", section: "View", contexts: [.conferences, .detail]),
        KeyBinding([.character("r")], .refresh, "refresh now", section: "Polling", hint: true, hintLabel: "refresh"),
        KeyBinding([.character("p")], .togglePause, "pause/resume polling", section: "Polling", hint: true, hintLabel: "pause/resume"),
        KeyBinding([.character("?")], .help, "help", section: "General", hint: true),
        KeyBinding([.character("q")], .quit, "quit", section: "General", hint: true),
    ])
}

/// A key override that cannot be applied, in words for the operator.
public struct KeymapError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Key {
    /// Reads a key as the config file writes it: `X`, `C-x`, `F2`, `Esc`, `Enter`, `Tab`, `Space`.
    public init?(parsing text: String) {
        switch text {
        case "Esc", "Escape": self = .escape
        case "Enter", "Return": self = .enter
        case "Tab": self = .tab
        case "Space": self = .character(" ")
        case "PgUp": self = .pageUp
        case "PgDn": self = .pageDown
        case "Home": self = .home
        case "End": self = .end
        default:
            if text.count == 1, let c = text.first {
                self = .character(c)
            } else if text.count == 3, text.hasPrefix("C-"), let c = text.last, c.isLetter {
                self = .ctrl(Character(c.lowercased()))
            } else if text.hasPrefix("F"), let n = Int(text.dropFirst()), (1...24).contains(n) {
                self = .function(n)
            } else {
                return nil
            }
        }
    }
}
