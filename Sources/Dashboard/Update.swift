import CompatAPI
import Foundation

/// After this many failed polls in a row the header says offline instead of retrying.
let offlineAfterAttempts = 3

/// The one place the dashboard's state changes. Pure: no I/O, no clock; effects say what the
/// service layer should do.
public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .key(let key):
        return handleKey(&state, key)
    case .resized(_, let height):
        state.visibleRows = max(1, height - AppState.chromeRows)
        scrollToSelection(&state)
        return []
    case .pollSucceeded(let snapshot, let at):
        state.now = at
        apply(snapshot, to: &state, at: at)
        return []
    case .pollFailed(let reason, let attempt, let retryAt, let at):
        state.now = at
        state.stale = state.lastRefresh != nil
        state.poll =
            attempt >= offlineAfterAttempts
            ? .offline(at: retryAt, attempt: attempt, reason: reason)
            : .retrying(at: retryAt, attempt: attempt, reason: reason)
        return []
    case .pauseChanged(let paused, let at):
        state.now = at
        if paused {
            state.poll = .paused
        } else if state.poll == .paused {
            state.poll = .live
        }
        return []
    case .tick(let now):
        state.now = now
        expire(&state)
        return []
    }
}

/// Replaces what a poll saw; conferences that left the live lists are kept as completed.
func apply(_ snapshot: PollSnapshot, to state: inout AppState, at: Date) {
    var next: [String: ConferenceRow] = [:]
    for conference in snapshot.conferences {
        var row = state.rows[conference.sid] ?? ConferenceRow(conference: conference)
        let before = row
        row.conference = conference
        if let participants = snapshot.participants[conference.sid] {
            row.participants = participants
            row.participantsKnown = true
        }
        if state.rows[conference.sid] != nil, before != row, state.lastRefresh != nil {
            state.changedUntil[conference.sid] = at.addingTimeInterval(AppState.highlightLifetime)
        }
        next[conference.sid] = row
    }
    next.merge(state.rows.filter { next[$0.key] == nil }) { current, _ in current }
    state.rows = next
    state.lastRefresh = at
    state.stale = false
    if state.poll != .paused { state.poll = .live }
    if state.selectedSid == nil || state.rows[state.selectedSid!] == nil {
        state.selectedSid = state.visibleSids.first
    }
    if !snapshot.participantFailures.isEmpty {
        let count = snapshot.participantFailures.count
        let first = snapshot.participantFailures.values.sorted().first ?? ""
        showStatus(&state, "participants of \(count) conference\(count == 1 ? "" : "s") not refreshed: \(first)", .warning)
    }
    expire(&state)
}

func expire(_ state: inout AppState) {
    if let status = state.status, status.expires <= state.now { state.status = nil }
    state.changedUntil = state.changedUntil.filter { $0.value > state.now }
}

func showStatus(_ state: inout AppState, _ text: String, _ severity: StatusMessage.Severity) {
    state.status = StatusMessage(text: text, severity: severity, expires: state.now.addingTimeInterval(AppState.statusLifetime))
}

func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if key == .ctrl("c") {
        state.quitRequested = true
        return [.quit]
    }
    if state.showHelp {
        // Movement keys scroll a help taller than the terminal; any other key closes it.
        switch key {
        case .character("j"), .down: state.helpScroll += 1
        case .character("k"), .up: state.helpScroll = max(0, state.helpScroll - 1)
        case .pageDown: state.helpScroll += state.visibleRows
        case .pageUp: state.helpScroll = max(0, state.helpScroll - state.visibleRows)
        default: state.showHelp = false
        }
        return []
    }
    if state.commandEditor != nil { return handleCommandKey(&state, key) }
    if state.filterEditor != nil {
        handleFilterKey(&state, key)
        return []
    }
    guard let action = state.keymap.action(for: key, in: state.context) else {
        if case .character(let c) = key, !c.isWhitespace {
            showStatus(&state, "\(c) does nothing here (? for help)", .info)
        }
        return []
    }
    return perform(action, &state)
}

func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
    switch action {
    case .moveDown: move(&state, by: 1)
    case .moveUp: move(&state, by: -1)
    case .pageDown: move(&state, by: state.visibleRows)
    case .pageUp: move(&state, by: -state.visibleRows)
    case .top: move(&state, by: Int.min / 2)
    case .bottom: move(&state, by: Int.max / 2)
    case .open:
        guard let row = state.selectedRow else {
            showStatus(&state, "no conference selected", .info)
            return []
        }
        state.screen = .conference(sid: row.id)
        state.detailPane = .participants
        state.detailCursor = [.participants: 0, .streams: 0]
        return [.watch(row.id), .refreshNow]
    case .back:
        state.screen = .conferences
        return [.watch(nil)]
    case .switchPane:
        state.detailPane = state.detailPane == .participants ? .streams : .participants
    case .filter:
        state.filterEditor = LineEditor(state.filter, limit: 256)
    case .command:
        state.commandEditor = LineEditor("", limit: 512)
    case .refresh:
        showStatus(&state, "refreshing…", .info)
        return [.refreshNow]
    case .togglePause:
        let pause = state.poll != .paused
        showStatus(&state, pause ? "polling paused (p resumes)" : "polling resumed", .info)
        return [.setPaused(pause)]
    case .toggleCompleted:
        state.showCompleted.toggle()
        showStatus(&state, state.showCompleted ? "showing completed conferences" : "hiding completed conferences", .info)
        keepSelectionVisible(&state)
    case .help:
        state.showHelp = true
        state.helpScroll = 0
    case .quit:
        state.quitRequested = true
        return [.quit]
    }
    return []
}

func move(_ state: inout AppState, by delta: Int) {
    switch state.screen {
    case .conferences:
        let visible = state.visibleSids
        guard !visible.isEmpty else { return }
        let target = min(max(0, state.selectedIndex + delta), visible.count - 1)
        state.selectedSid = visible[target]
        scrollToSelection(&state)
    case .conference:
        let count: Int
        switch state.detailPane {
        case .participants: count = state.openConference?.participants.count ?? 0
        case .streams: count = state.openConference?.streamCount ?? 0
        }
        let current = state.detailCursor[state.detailPane] ?? 0
        state.detailCursor[state.detailPane] = count == 0 ? 0 : min(max(0, current + delta), count - 1)
    }
}

/// Moves the conferences table's first row as little as needed to show the selection.
func scrollToSelection(_ state: inout AppState) {
    let selected = state.selectedIndex
    let rows = state.visibleRows
    if selected < state.conferenceScroll { state.conferenceScroll = selected }
    if selected >= state.conferenceScroll + rows { state.conferenceScroll = selected - rows + 1 }
    state.conferenceScroll = max(0, min(state.conferenceScroll, state.visibleSids.count - rows))
}

func keepSelectionVisible(_ state: inout AppState) {
    if let sid = state.selectedSid, state.visibleSids.contains(sid) {
        scrollToSelection(&state)
        return
    }
    state.selectedSid = state.visibleSids.first
    scrollToSelection(&state)
}

func handleFilterKey(_ state: inout AppState, _ key: Key) {
    guard var editor = state.filterEditor else { return }
    switch key {
    case .escape:
        // Esc clears the filter and leaves it.
        state.filter = ""
        state.filterEditor = nil
    case .enter:
        state.filterEditor = nil
    default:
        editor.apply(key)
        state.filterEditor = editor
        state.filter = editor.text
    }
    keepSelectionVisible(&state)
}

func handleCommandKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var editor = state.commandEditor else { return [] }
    switch key {
    case .escape:
        state.commandEditor = nil
        return []
    case .enter:
        state.commandEditor = nil
        return runCommand(&state, editor.text)
    default:
        editor.apply(key)
        state.commandEditor = editor
        return []
    }
}

/// `:q`, `:refresh`, `:filter TEXT` and friends.
func runCommand(_ state: inout AppState, _ line: String) -> [Effect] {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let word = trimmed.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
    let argument = trimmed.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
    switch word {
    case "":
        return []
    case "q", "quit", "q!":
        state.quitRequested = true
        return [.quit]
    case "refresh", "r":
        return perform(.refresh, &state)
    case "filter", "f":
        state.filter = argument
        keepSelectionVisible(&state)
        showStatus(&state, argument.isEmpty ? "filter cleared" : "filter: \(argument)", .info)
        return []
    case "pause":
        return state.poll == .paused ? [] : perform(.togglePause, &state)
    case "resume":
        return state.poll == .paused ? perform(.togglePause, &state) : []
    case "completed":
        return perform(.toggleCompleted, &state)
    case "help":
        state.showHelp = true
        return []
    default:
        showStatus(&state, "unknown command :\(word) (try :q, :refresh, :filter TEXT, :pause, :resume, :help)", .error)
        return []
    }
}
