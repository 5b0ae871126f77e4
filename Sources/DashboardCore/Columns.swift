import Foundation

/// The tables whose columns the operator chooses (`:columns`), by the name `:columns` and the
/// saved file use.
public enum TableName: String, CaseIterable, Codable, Sendable {
    case conferences, participants, streams, recordings

    /// Every column the table can show, in its default order: the names the operator types
    /// (`:columns hide region`) and the chooser lists, the headers' words in lower case.
    public var columns: [String] {
        switch self {
        case .conferences: ["space", "name", "sid", "status", "region", "parts", "streams", "created", "age", "updated"]
        case .participants: ["call-sid", "speaking", "status", "flags", "who", "dir", "quality", "lasted"]
        case .streams: ["name", "status", "track", "codec", "stream-sid", "from", "started"]
        case .recordings: ["recording-sid", "status", "source", "ch", "length", "started", "error"]
        }
    }

    /// What shows before the operator chooses: every column but the ones that only some want
    /// (a conference's whole sid, when it last changed).
    public var defaultColumns: [String] {
        switch self {
        case .conferences: columns.filter { $0 != "space" && $0 != "sid" && $0 != "updated" }
        default: columns
        }
    }
}

/// A named way to look at the conferences: the filter, the order, whether completed
/// conferences show, and every table's columns (`:view save NAME`, `:view NAME`).
public struct SavedView: Codable, Equatable, Sendable {
    public var filter: String
    public var sort: String
    public var descending: Bool
    public var showCompleted: Bool
    /// By table name; a table not named shows its default columns.
    public var columns: [String: [String]]

    public init(filter: String, sort: String, descending: Bool, showCompleted: Bool, columns: [String: [String]]) {
        self.filter = filter
        self.sort = sort
        self.descending = descending
        self.showCompleted = showCompleted
        self.columns = columns
    }
}

/// What one profile remembers of how its tables look: the columns chosen now and the saved
/// views. Kept in confdash's state directory, never in the operator's config file.
public struct SavedLayout: Codable, Equatable, Sendable {
    /// By table name; a table not named shows its default columns.
    public var columns: [String: [String]] = [:]
    public var views: [String: SavedView] = [:]
    /// Every space at once: the conferences table shows SPACE first unless told otherwise. Not
    /// kept in the file (the all-profiles layout has a file of its own).
    public var everySpace = false

    enum CodingKeys: String, CodingKey { case columns, views }

    public init(columns: [String: [String]] = [:], views: [String: SavedView] = [:]) {
        self.columns = columns
        self.views = views
    }

    /// The columns `table` can show here: SPACE only when there is more than one space.
    public func available(_ table: TableName) -> [String] {
        everySpace || table != .conferences ? table.columns : table.columns.filter { $0 != "space" }
    }

    /// What `table` shows before the operator chooses.
    public func defaults(_ table: TableName) -> [String] {
        everySpace && table == .conferences ? ["space"] + table.defaultColumns : table.defaultColumns
    }

    /// The columns `table` shows, in order: those chosen that the table still has (a column a
    /// later version dropped is skipped), else the defaults.
    public func shown(_ table: TableName) -> [String] {
        let known = Set(available(table))
        let chosen = (columns[table.rawValue] ?? []).filter { known.contains($0) }
        return chosen.isEmpty ? defaults(table) : chosen
    }
}

/// `:columns` without words: every column of one table, shown ones first in their order, to
/// tick (space), move (J/K) and keep (Enter). Nothing changes until Enter.
public struct ColumnChooser: Equatable, Sendable {
    public var table: TableName
    /// Every column of the table, in the order it would show them.
    public var order: [String]
    public var shown: Set<String>
    public var selected = 0

    public init(table: TableName, shown: [String], available: [String]? = nil) {
        self.table = table
        self.order = shown + (available ?? table.columns).filter { !shown.contains($0) }
        self.shown = Set(shown)
    }

    /// The columns kept, in order.
    public var result: [String] { order.filter { shown.contains($0) } }
}

/// The table `:columns` is about: the conferences, or the pane in front on a conference's
/// screen; none on the event log.
func focusedTable(_ state: AppState) -> TableName? {
    switch state.screen {
    case .conferences: return .conferences
    case .conference:
        switch state.detailPane {
        case .participants: return .participants
        case .streams: return .streams
        case .recordings: return .recordings
        }
    case .eventLog: return nil
    }
}

/// `:columns`, `:columns hide NAME…`, `:columns show NAME…`, `:columns NAME,NAME…` (exactly
/// these, in this order), `:columns reset`.
func runColumnsCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
    guard let table = focusedTable(state) else {
        showStatus(&state, "the event log's columns are fixed: :columns works on the conferences and a conference's panes", .error)
        return []
    }
    let words = argument.split(whereSeparator: { $0 == " " || $0 == "," }).map { String($0).lowercased() }
    guard let verb = words.first else {
        state.modal = .columns(ColumnChooser(table: table, shown: state.layout.shown(table), available: state.layout.available(table)))
        return []
    }
    let current = state.layout.shown(table)
    var chosen: [String]
    var names = Array(words.dropFirst())
    switch verb {
    case "reset":
        guard names.isEmpty else {
            showStatus(&state, ":columns reset takes nothing after it; nothing changed", .error)
            return []
        }
        chosen = state.layout.defaults(table)
    case "hide", "show":
        guard !names.isEmpty else {
            showStatus(&state, ":columns \(verb) needs a column: \(state.layout.available(table).joined(separator: ", "))", .error)
            return []
        }
        if let unknown = unknownColumn(names, table, state.layout.available(table)) {
            showStatus(&state, unknown, .error)
            return []
        }
        chosen = verb == "hide" ? current.filter { !names.contains($0) } : current + names.filter { !current.contains($0) }
    default:
        names = words
        if let unknown = unknownColumn(names, table, state.layout.available(table)) {
            showStatus(&state, unknown, .error)
            return []
        }
        chosen = names.reduce(into: []) { kept, name in if !kept.contains(name) { kept.append(name) } }
    }
    return setColumns(&state, table, chosen)
}

private func unknownColumn(_ names: [String], _ table: TableName, _ available: [String]) -> String? {
    guard let unknown = names.first(where: { !available.contains($0) }) else { return nil }
    return "the \(table.rawValue) table has no column \(unknown) (it has \(available.joined(separator: ", "))); nothing changed"
}

/// Shows `columns` in `table` and saves the choice; refuses to hide every column.
func setColumns(_ state: inout AppState, _ table: TableName, _ columns: [String]) -> [Effect] {
    guard !columns.isEmpty else {
        showStatus(&state, "a table needs at least one column; nothing changed", .error)
        return []
    }
    guard columns != state.layout.shown(table) else {
        showStatus(&state, "\(table.rawValue) columns unchanged: \(columns.joined(separator: ", "))", .info)
        return []
    }
    state.layout.columns[table.rawValue] = columns == state.layout.defaults(table) ? nil : columns
    showStatus(&state, "\(table.rawValue) columns: \(columns.joined(separator: ", "))", .success)
    return [.saveLayout(state.layout)]
}

func handleColumnChooserKey(_ state: inout AppState, _ chooser: ColumnChooser, _ key: Key) -> [Effect] {
    var chooser = chooser
    switch key {
    case .escape, .character("q"):
        state.modal = nil
        showStatus(&state, "columns unchanged", .info)
        return []
    case .enter:
        guard !chooser.result.isEmpty else {
            showStatus(&state, "a table needs at least one column: tick one with space", .error)
            return []
        }
        state.modal = nil
        return setColumns(&state, chooser.table, chooser.result)
    case .character(" "):
        let name = chooser.order[chooser.selected]
        if chooser.shown.contains(name) { chooser.shown.remove(name) } else { chooser.shown.insert(name) }
    case .character("J"), .character("K"):
        // The column under the cursor moves, and the cursor with it.
        let to = key == .character("J") ? chooser.selected + 1 : chooser.selected - 1
        guard chooser.order.indices.contains(to) else { break }
        chooser.order.swapAt(chooser.selected, to)
        chooser.selected = to
    case .character("r"):
        chooser = ColumnChooser(
            table: chooser.table, shown: state.layout.defaults(chooser.table), available: state.layout.available(chooser.table))
    default:
        chooser.selected = listCursor(state, key, chooser.selected, count: chooser.order.count)
    }
    state.modal = .columns(chooser)
    return []
}

/// `:view` (list them to pick one), `:view NAME`, `:view save NAME`, `:view delete NAME`.
func runViewCommand(_ state: inout AppState, _ argument: String) -> [Effect] {
    let words = argument.split(separator: " ").map(String.init)
    let names = state.layout.views.keys.sorted()
    guard let first = words.first else {
        guard !names.isEmpty else {
            showStatus(&state, "no saved views yet: :view save NAME keeps the filter, order and columns as they are", .info)
            return []
        }
        state.modal = .picker(
            Picker(
                title: "Views", question: "Which view? (Enter applies it; Esc changes nothing)",
                items: names.map { PickerItem("\($0): \(viewSummary(state.layout.views[$0]!))", .applyView($0)) }))
        return []
    }
    switch first {
    case "save", "delete":
        guard words.count == 2, let name = words.last, validViewName(name) else {
            showStatus(&state, ":view \(first) needs one name (letters, digits, - and _); nothing changed", .error)
            return []
        }
        if first == "save" {
            let replaced = state.layout.views[name] != nil
            let view = currentView(state)
            state.layout.views[name] = view
            state.view = name
            showStatus(&state, "view \(name) \(replaced ? "replaced" : "saved"): \(viewSummary(view))", .success)
        } else {
            guard state.layout.views.removeValue(forKey: name) != nil else {
                showStatus(&state, noSuchView(name, names), .error)
                return []
            }
            if state.view == name { state.view = nil }
            showStatus(&state, "view \(name) deleted", .success)
        }
        return [.saveLayout(state.layout)]
    default:
        guard words.count == 1 else {
            showStatus(&state, ":view takes one name, or save NAME, or delete NAME", .error)
            return []
        }
        return applyView(&state, first)
    }
}

func validViewName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 40
        && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
}

private func noSuchView(_ name: String, _ names: [String]) -> String {
    "no view \(name) (" + (names.isEmpty ? "none saved yet" : "saved: \(names.joined(separator: ", "))") + "); nothing changed"
}

/// The view as the screen is now.
func currentView(_ state: AppState) -> SavedView {
    var columns: [String: [String]] = [:]
    for table in TableName.allCases { columns[table.rawValue] = state.layout.shown(table) }
    return SavedView(
        filter: state.filter, sort: state.sortColumn.rawValue, descending: state.sortDescending,
        showCompleted: state.showCompleted, columns: columns)
}

extension AppState {
    /// The saved view last put on screen, and whether the screen has moved on from it since (a
    /// filter typed, another order, a column hidden): the header says "view: NAME (changed)".
    public var viewInUse: (name: String, changed: Bool)? {
        guard let view else { return nil }
        guard let saved = layout.views[view] else { return (view, true) }
        return (view, currentView(self) != saved)
    }
}

/// A view in one line: its filter and order.
func viewSummary(_ view: SavedView) -> String {
    var words: [String] = []
    words.append(view.filter.isEmpty ? "no filter" : "filter \"\(view.filter)\"")
    words.append("sorted by \(view.sort) \(view.descending ? "descending" : "ascending")")
    if !view.showCompleted { words.append("live only") }
    return words.joined(separator: ", ")
}

/// Puts view `name` on screen: its filter, order and columns. The columns it names become the
/// columns shown now, and are saved as such.
public func applyView(_ state: inout AppState, _ name: String) -> [Effect] {
    guard let view = state.layout.views[name] else {
        showStatus(&state, noSuchView(name, state.layout.views.keys.sorted()), .error)
        return []
    }
    state.filter = view.filter
    state.sortColumn = SortColumn(rawValue: view.sort) ?? .created
    state.sortDescending = view.descending
    state.showCompleted = view.showCompleted
    let before = state.layout
    for table in TableName.allCases {
        let known = Set(state.layout.available(table))
        let chosen = (view.columns[table.rawValue] ?? []).filter { known.contains($0) }
        state.layout.columns[table.rawValue] = chosen.isEmpty || chosen == state.layout.defaults(table) ? nil : chosen
    }
    state.view = name
    keepSelectionVisible(&state)
    showStatus(&state, "view \(name): \(viewSummary(view))", .success)
    return state.layout == before ? [] : [.saveLayout(state.layout)]
}
