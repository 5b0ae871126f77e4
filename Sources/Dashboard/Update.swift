import CompatAPI
import Foundation
import Ledger

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
        let wasLive = Set(state.rows.values.filter { $0.conference.status.isLive }.map(\.id))
        apply(snapshot, to: &state, at: at)
        // A conference that completes stops its streams: the ledger marks them ended.
        let ended = snapshot.conferences.filter { wasLive.contains($0.sid) && !$0.status.isLive }.map(\.sid)
        let withOpenStreams = ended.filter { sid in state.streams[sid]?.contains { !$0.status.isTerminal } == true }
        return withOpenStreams.isEmpty ? [] : [.conferencesEnded(withOpenStreams.sorted())]
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
    case .streamsChanged(let records):
        state.streams = Dictionary(grouping: records, by: \.conferenceSid)
        var rows = state.rows
        for (sid, row) in rows {
            rows[sid]?.streamCount = state.streams[row.id]?.filter { !$0.status.isTerminal }.count ?? 0
        }
        state.rows = rows
        return []
    case .streamStarted(let record):
        state.startStreamForm = nil
        var list = state.streams[record.conferenceSid] ?? []
        list.removeAll { $0.sid == record.sid }
        state.streams[record.conferenceSid] = [record] + list
        state.rows[record.conferenceSid]?.streamCount += 1
        showStatus(&state, "started stream \(record.name ?? record.sid): \(record.status)", .success)
        return []
    case .streamStartFailed(let message):
        state.startStreamForm?.submissionFailed(message)
        showStatus(&state, "stream not started: \(message)", .error)
        return []
    case .streamStopFinished(let result):
        let label = result.name.map { "\($0) (\(result.sid))" } ?? result.sid
        switch result.outcome {
        case .stopped: showStatus(&state, "stopped stream \(label)", .success)
        case .alreadyStopped: showStatus(&state, "stream \(label) was already stopped", .info)
        case .notFound: showStatus(&state, "stream \(label) not found by the service", .warning)
        case .refused(let message): showStatus(&state, "stream \(label) not stopped: \(message)", .error)
        }
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
    if state.stopConfirmation != nil { return handleStopConfirmationKey(&state, key) }
    if var form = state.startStreamForm {
        switch form.apply(key) {
        case .none:
            state.startStreamForm = form
            return []
        case .cancel:
            state.startStreamForm = nil
            showStatus(&state, "no stream started", .info)
            return []
        case .submit(let request):
            state.startStreamForm = form
            return [.startStream(conference: form.conferenceSid, conferenceName: form.conferenceName, request)]
        }
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
    case .newStream:
        openStartStreamForm(&state)
    case .stopStream:
        guard state.detailPane == .streams else {
            showStatus(&state, "Tab to the streams pane, pick a stream, then x", .info)
            return []
        }
        let streams = state.openConferenceStreams
        guard let conference = state.openConference, !streams.isEmpty else {
            showStatus(&state, "no stream to stop here", .info)
            return []
        }
        let stream = streams[min(state.detailCursor[.streams] ?? 0, streams.count - 1)]
        if stream.status.isTerminal {
            showStatus(&state, "stream \(stream.name ?? stream.sid) is already \(stream.status)", .info)
            return []
        }
        state.stopConfirmation = StopConfirmation(
            conferenceSid: conference.id, conferenceName: conference.conference.friendlyName, stream: stream.sid,
            streamName: stream.name)
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
        case .streams: count = state.openConferenceStreams.count
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
    case "stream":
        openStartStreamForm(&state)
        return []
    case "stop":
        guard !argument.isEmpty else {
            showStatus(&state, ":stop needs a stream sid or name", .error)
            return []
        }
        guard let conference = state.openConference ?? state.selectedRow else {
            showStatus(&state, "open or select a conference first", .error)
            return []
        }
        let known = (state.streams[conference.id] ?? []).first { $0.sid == argument || $0.name == argument }
        state.stopConfirmation = StopConfirmation(
            conferenceSid: conference.id, conferenceName: conference.conference.friendlyName,
            stream: known?.sid ?? argument, streamName: known?.name)
        return []
    case "track":
        guard !argument.isEmpty, !argument.contains(" ") else {
            showStatus(&state, ":track needs one stream sid", .error)
            return []
        }
        guard let conference = state.openConference ?? state.selectedRow else {
            showStatus(&state, "open or select a conference first", .error)
            return []
        }
        showStatus(&state, "tracking stream \(argument) on \(conference.conference.friendlyName)", .success)
        return [.trackStream(conference: conference.id, sid: argument)]
    default:
        showStatus(
            &state, "unknown command :\(word) (try :q, :refresh, :filter TEXT, :stream, :stop SID, :track SID, :help)",
            .error)
        return []
    }
}

/// Opens the start-stream form on the open conference, or the selected one.
func openStartStreamForm(_ state: inout AppState) {
    guard let row = state.openConference ?? state.selectedRow else {
        showStatus(&state, "no conference selected", .info)
        return
    }
    guard row.conference.status.isLive else {
        showStatus(&state, "\(row.conference.friendlyName) is completed: a stream needs a live conference", .error)
        return
    }
    let openNames = Set((state.streams[row.id] ?? []).filter { !$0.status.isTerminal }.compactMap(\.name))
    state.startStreamForm = StartStreamForm(
        conferenceSid: row.id, conferenceName: row.conference.friendlyName, existingNames: openNames,
        callbackURL: state.callbackURL)
}

/// The stop question: Cancel is focused, so Enter alone stops nothing; Tab or arrows move.
func handleStopConfirmationKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var confirmation = state.stopConfirmation else { return [] }
    switch key {
    case .tab, .backTab, .left, .right, .character("h"), .character("l"):
        confirmation.stopFocused.toggle()
        state.stopConfirmation = confirmation
        return []
    case .enter, .character(" "):
        state.stopConfirmation = nil
        guard confirmation.stopFocused else {
            showStatus(&state, "nothing stopped", .info)
            return []
        }
        showStatus(&state, "stopping \(confirmation.streamName ?? confirmation.stream)…", .info)
        return [.stopStream(conference: confirmation.conferenceSid, stream: confirmation.stream)]
    case .escape, .character("q"), .character("n"):
        state.stopConfirmation = nil
        showStatus(&state, "nothing stopped", .info)
        return []
    default:
        return []
    }
}
