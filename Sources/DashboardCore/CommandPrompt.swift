/// One `:` command as the command line runs, lists and completes it.
public struct ConsoleCommand: Equatable, Sendable {
    public var name: String
    /// Other words that run it (`q` for `quit`); never listed, never completed to.
    public var aliases: [String]
    /// What it takes after the name, as the list writes it (`TEXT`, `SID`); nil for nothing.
    public var argument: String?
    public var summary: String
    /// Changes something on the service: left out of the list and refused in read-only mode.
    public var mutating: Bool

    public init(_ name: String, aliases: [String] = [], argument: String? = nil, _ summary: String, mutating: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.argument = argument
        self.summary = summary
        self.mutating = mutating
    }

    /// `filter TEXT`: the name and what it takes.
    public var usage: String { argument.map { "\(name) \($0)" } ?? name }

    /// Every command, in the order the list shows them.
    public static let all: [ConsoleCommand] = [
        ConsoleCommand("quit", aliases: ["q", "q!"], "leave confdash"),
        ConsoleCommand("refresh", aliases: ["r"], "read the service now"),
        ConsoleCommand("filter", aliases: ["f"], argument: "TEXT", "filter the table or the pane in front (none clears)"),
        ConsoleCommand("pause", "pause polling"),
        ConsoleCommand("resume", "resume polling"),
        ConsoleCommand("completed", "show/hide completed conferences"),
        ConsoleCommand("profile", aliases: ["profiles"], argument: "NAME|*", "switch profile (*: every one; none: list them)"),
        ConsoleCommand("export", argument: "PATH", "write the table or pane in front, every row, as .csv or .json"),
        ConsoleCommand("columns", aliases: ["cols"], argument: "[hide|show NAME]", "choose this table's columns (none: a chooser)"),
        ConsoleCommand("mouse", argument: "on|off", "clicks select, the wheel scrolls (off: the terminal selects text)"),
        ConsoleCommand("view", aliases: ["views"], argument: "[save|delete] NAME", "a saved filter, order and columns (none: list them)"),
        ConsoleCommand("stream", "start a stream on this conference", mutating: true),
        ConsoleCommand("stop", argument: "SID|NAME", "stop a stream (asks first)", mutating: true),
        ConsoleCommand("track", argument: "SID", "record a stream started elsewhere", mutating: true),
        ConsoleCommand("help", "the keys"),
    ]

    /// The command `word` runs (its name or an alias), if any.
    public static func named(_ word: String) -> ConsoleCommand? {
        all.first { $0.name == word || $0.aliases.contains(word) }
    }
}

/// The `:` command line: the text typed, and Tab completion of command names (and of profile
/// names after `profile`). Tab on one match completes it; on several it puts the first on the
/// line and each further Tab the next (S-Tab the one before), vim-style; the menu above the
/// line lists what matches, all the commands while the line is empty.
public struct CommandPrompt: Equatable, Sendable {
    /// What a key did to the command line.
    public enum Outcome: Equatable, Sendable {
        case none
        /// Run this line; the prompt closes.
        case run(String)
        /// Close without running anything.
        case cancel
    }

    /// What the menu above the line shows: a command (or profile) name and what it does.
    public struct MenuItem: Equatable, Sendable {
        public var text: String
        public var summary: String
    }

    /// The menu: what it lists (or, with no items, why not), its items, and the one on the
    /// line while Tab cycles.
    public struct Menu: Equatable, Sendable {
        public var title: String
        public var items: [MenuItem]
        public var highlighted: Int?
    }

    /// Tab going round several matches: the text before the completed word, the matches and
    /// the one on the line.
    struct Cycle: Equatable, Sendable {
        var stem: String
        var candidates: [String]
        var index: Int
    }

    public private(set) var editor: LineEditor
    /// The commands on offer (without the mutating ones in read-only mode).
    public let commands: [ConsoleCommand]
    /// The words each command's argument completes to, by command name: profile names after
    /// `profile`, view names after `view`, the table's columns after `columns`.
    public let arguments: [String: [String]]
    private var cycle: Cycle?

    public init(
        _ text: String = "", commands: [ConsoleCommand] = ConsoleCommand.all, profiles: [String] = [],
        arguments: [String: [String]] = [:]
    ) {
        editor = LineEditor(text, limit: 512)
        self.commands = commands
        self.arguments = arguments.merging(["profile": profiles]) { own, _ in own }
    }

    /// The command a line's first word names, and the words its argument completes to.
    private func argumentWords(_ stem: String) -> (ConsoleCommand, [String])? {
        let name = stem.split(separator: " ").first.map(String.init) ?? ""
        guard let command = commands.first(where: { $0.name == name || $0.aliases.contains(name) }) else { return nil }
        return (command, arguments[command.name] ?? [])
    }

    /// What the menu calls a command's argument words.
    private static func plural(_ command: String) -> String {
        switch command {
        case "profile": "profiles"
        case "view": "views"
        case "columns": "columns"
        default: "choices"
        }
    }

    public var text: String { editor.text }

    public mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .escape:
            return .cancel
        case .enter:
            return .run(editor.text)
        case .tab:
            complete(step: 1)
        case .backTab:
            complete(step: -1)
        default:
            cycle = nil
            editor.apply(key)
        }
        return .none
    }

    /// What the menu lists for the line as it is.
    public var menu: Menu {
        if let cycle {
            let items = cycle.candidates.map { item(for: $0, after: cycle.stem) }
            let title = cycle.stem.isEmpty ? "commands" : argumentWords(cycle.stem).map { Self.plural($0.0.name) } ?? "choices"
            return Menu(title: title, items: items, highlighted: cycle.index)
        }
        let (stem, word) = Self.split(editor.text)
        guard stem.isEmpty else {
            // Past the command's name: its usage, or the words it completes to (the profiles
            // `profile` switches to, the views, the columns).
            guard let (command, words) = argumentWords(stem) else {
                let name = stem.trimmingCharacters(in: .whitespaces)
                return Menu(title: "unknown command \(name)", items: [], highlighted: nil)
            }
            if !words.isEmpty || command.name == "profile" {
                let matches = words.filter { $0.hasPrefix(word) }
                let plural = Self.plural(command.name)
                return Menu(
                    title: matches.isEmpty ? "no \(plural.dropLast()) starts with \(word)" : plural,
                    items: matches.map { MenuItem(text: $0, summary: "") }, highlighted: nil)
            }
            return Menu(title: ":\(command.usage)", items: [MenuItem(text: command.usage, summary: command.summary)], highlighted: nil)
        }
        let matches = commands.filter { $0.name.hasPrefix(word) || $0.aliases.contains(word) }
        return Menu(
            title: matches.isEmpty ? "no command starts with \(word)" : word.isEmpty ? "commands" : "commands starting with \(word)",
            items: matches.map { MenuItem(text: $0.usage, summary: $0.summary) }, highlighted: nil)
    }

    private func item(for candidate: String, after stem: String) -> MenuItem {
        guard stem.isEmpty, let command = commands.first(where: { $0.name == candidate }) else {
            return MenuItem(text: candidate, summary: "")
        }
        return MenuItem(text: command.usage, summary: command.summary)
    }

    /// The line split where completion works: everything up to the last space (the command and
    /// a space, or nothing), and the word being typed.
    static func split(_ text: String) -> (stem: String, word: String) {
        guard let space = text.lastIndex(of: " ") else { return ("", text) }
        return (String(text[...space]), String(text[text.index(after: space)...]))
    }

    private mutating func complete(step: Int) {
        if var cycle {
            cycle.index = (cycle.index + step + cycle.candidates.count) % cycle.candidates.count
            editor = LineEditor(cycle.stem + cycle.candidates[cycle.index], limit: editor.limit)
            self.cycle = cycle
            return
        }
        let (stem, word) = Self.split(editor.text)
        let candidates: [String]
        var takesArgument = false
        if stem.isEmpty {
            let matches = commands.filter { $0.name.hasPrefix(word) }
            candidates = matches.map(\.name)
            takesArgument = matches.count == 1 && matches[0].argument != nil
        } else if let (_, words) = argumentWords(stem) {
            candidates = words.filter { $0.hasPrefix(word) }
        } else {
            candidates = []
        }
        switch candidates.count {
        case 0:
            return
        case 1:
            editor = LineEditor(stem + candidates[0] + (takesArgument ? " " : ""), limit: editor.limit)
        default:
            let index = step > 0 ? 0 : candidates.count - 1
            cycle = Cycle(stem: stem, candidates: candidates, index: index)
            editor = LineEditor(stem + candidates[index], limit: editor.limit)
        }
    }
}
