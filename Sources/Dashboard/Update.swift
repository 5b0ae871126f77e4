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
    case .actionFinished(let outcome):
        if let call = outcome.callSid, let previous = state.pendingRollbacks.removeValue(forKey: call), !outcome.ok,
            var row = state.rows[previous.conferenceSid],
            let index = row.participants.firstIndex(where: { $0.callSid == call })
        {
            row.participants[index] = previous
            state.rows[previous.conferenceSid] = row
        }
        showStatus(&state, outcome.summary, outcome.ok ? .success : .error)
        return state.screen == .eventLog ? [.loadAudit] : []
    case .auditLoaded(let entries):
        state.auditEntries = entries
        state.eventLogCursor = min(state.eventLogCursor, max(0, entries.count - 1))
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
    var changedRows: [ConferenceRow] = []
    var added = false
    var seen = Set<String>(minimumCapacity: snapshot.conferences.count)
    for conference in snapshot.conferences where seen.insert(conference.sid).inserted {
        let before = state.rows[conference.sid]
        var row = before ?? ConferenceRow(conference: conference)
        row.conference = conference
        if let participants = snapshot.participants[conference.sid] {
            row.participants = participants
            row.participantsKnown = true
        }
        guard let before else {
            added = true
            changedRows.append(row)
            continue
        }
        if before != row {
            changedRows.append(row)
            if state.lastRefresh != nil {
                state.changedUntil[conference.sid] = at.addingTimeInterval(AppState.highlightLifetime)
            }
        }
    }
    // A refresh that brought no new and no changed row leaves `rows` exactly as it is: the idle
    // dashboard spent a sixth of its CPU re-sorting an unchanged table every two seconds. One
    // that only changed rows already there, with no ended conference to let go of, puts just
    // those in place.
    if !changedRows.isEmpty {
        if !added && state.rows.count - seen.count <= AppState.completedKept {
            state.replace(changedRows)
        } else {
            var next: [String: ConferenceRow] = [:]
            next.reserveCapacity(state.rows.count)
            for row in changedRows { next[row.id] = row }
            for sid in seen where next[sid] == nil { next[sid] = state.rows[sid] }
            next.merge(carriedOver(state, seen: next)) { current, _ in current }
            state.rows = next
        }
    }
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

/// The rows this poll did not list (conferences that ended and dropped off the lists), kept for
/// reference: the most recently updated `AppState.completedKept`, plus the one on screen and the
/// selected one. A dashboard left open for days must not hold every conference that ever ended.
func carriedOver(_ state: AppState, seen: [String: ConferenceRow]) -> [String: ConferenceRow] {
    let carried = state.rows.filter { seen[$0.key] == nil }
    guard carried.count > AppState.completedKept else { return carried }
    var keep = Set(
        carried.values.sorted { ($0.conference.dateUpdated.date ?? .distantPast) > ($1.conference.dateUpdated.date ?? .distantPast) }
            .prefix(AppState.completedKept).map(\.id))
    if let selected = state.selectedSid { keep.insert(selected) }
    if case .conference(let sid) = state.screen { keep.insert(sid) }
    return carried.filter { keep.contains($0.key) }
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
    if state.confirmation != nil { return handleConfirmationKey(&state, key) }
    if state.urlPrompt != nil { return handleURLPromptKey(&state, key) }
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
    guard let binding = state.keymap.binding(for: key, in: state.context) else {
        if case .character(let c) = key, !c.isWhitespace {
            showStatus(&state, "\(c) does nothing here (? for help)", .info)
        }
        return []
    }
    if binding.mutating && state.readOnly {
        showStatus(&state, "the dashboard is read-only: \(binding.summary) is off", .warning)
        return []
    }
    return perform(binding.action, &state)
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
    case .eventLog:
        state.screen = .eventLog
        state.eventLogCursor = 0
        return [.watch(nil), .loadAudit]
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
        if let reason = state.streamsUnavailable {
            showStatus(&state, reason, .warning)
            return []
        }
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
        state.confirmation = stopConfirmation(
            conference: conference, stream: stream.sid, name: stream.name)
    case .endConference:
        guard let row = state.openConference ?? state.selectedRow else {
            showStatus(&state, "no conference selected", .info)
            return []
        }
        guard row.conference.status.isLive else {
            showStatus(&state, "\(row.conference.friendlyName) has already ended", .info)
            return []
        }
        state.confirmation = Confirmation(
            title: "End conference",
            question: "End conference \(row.conference.friendlyName) (\(row.id))? Everyone in it is disconnected.",
            verb: "End", action: .endConference(row.id))
    case .announce:
        guard let row = state.openConference ?? state.selectedRow, row.conference.status.isLive else {
            showStatus(&state, "announcements need a live conference", .info)
            return []
        }
        state.urlPrompt = URLPrompt(.announce, conferenceSid: row.id, conferenceName: row.conference.friendlyName)
    case .toggleMute, .toggleHold, .removeParticipant:
        guard state.detailPane == .participants, let row = state.openConference, !row.participants.isEmpty else {
            showStatus(&state, "pick a participant in the participants pane first", .info)
            return []
        }
        let index = min(state.detailCursor[.participants] ?? 0, row.participants.count - 1)
        let participant = row.participants[index]
        var changed = participant
        switch action {
        case .toggleMute:
            state.pendingRollbacks[participant.callSid] = participant
            changed.muted.toggle()
            state.rows[row.id]?.participants[index] = changed
            showStatus(&state, "\(changed.muted ? "muting" : "unmuting") \(participant.callSid)…", .info)
            return [.setMuted(conference: row.id, callSid: participant.callSid, changed.muted)]
        case .toggleHold where !participant.hold:
            // Holding asks which music to play first (Enter keeps the service's own).
            state.urlPrompt = URLPrompt(
                .hold(callSid: participant.callSid), conferenceSid: row.id, conferenceName: row.conference.friendlyName)
            return []
        case .toggleHold:
            return setHold(&state, conference: row.id, callSid: participant.callSid, false, holdUrl: nil)
        default:
            state.confirmation = Confirmation(
                title: "Remove participant",
                question: "Remove \(participant.callSid) from \(row.conference.friendlyName)? Their call leaves the conference.",
                verb: "Remove", action: .removeParticipant(conference: row.id, callSid: participant.callSid))
        }
    case .sortNext:
        let all = SortColumn.allCases
        state.sortColumn = all[(all.firstIndex(of: state.sortColumn)! + 1) % all.count]
        state.sortDescending = state.sortColumn == .created
        keepSelectionVisible(&state)
        showStatus(&state, "sorted by \(state.sortColumn.rawValue)", .info)
    case .sortReverse:
        state.sortDescending.toggle()
        keepSelectionVisible(&state)
        showStatus(&state, "sorted by \(state.sortColumn.rawValue), \(state.sortDescending ? "descending" : "ascending")", .info)
    case .copySid:
        let sid: String?
        switch (state.screen, state.detailPane) {
        case (.conferences, _): sid = state.selectedRow?.id
        case (.conference, .participants):
            let people = state.openConference?.participants ?? []
            sid = people.isEmpty ? state.openConference?.id : people[min(state.detailCursor[.participants] ?? 0, people.count - 1)].callSid
        case (.eventLog, _): sid = state.auditEntries.isEmpty ? nil : state.auditEntries[state.eventLogCursor].targetSid
        case (.conference, .streams):
            let streams = state.openConferenceStreams
            sid = streams.isEmpty ? state.openConference?.id : streams[min(state.detailCursor[.streams] ?? 0, streams.count - 1)].sid
        }
        guard let sid else { return [] }
        showStatus(&state, "copied \(sid)", .success)
        return [.copyToClipboard(sid)]
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
    case .eventLog:
        let count = state.auditEntries.count
        state.eventLogCursor = count == 0 ? 0 : min(max(0, state.eventLogCursor + delta), count - 1)
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
    if state.readOnly, ["stream", "stop", "track"].contains(word) {
        showStatus(&state, "the dashboard is read-only: :\(word) is off", .warning)
        return []
    }
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
    case "profile", "profiles":
        let others = state.profiles.filter { $0 != state.profile }
        let choices = others.isEmpty ? "no other profiles in the config file" : "others: \(others.joined(separator: ", "))"
        guard !argument.isEmpty else {
            showStatus(&state, "profile \(state.profile ?? "(none: flags and environment)") \u{2014} \(choices)", .info)
            return []
        }
        guard argument != state.profile else {
            showStatus(&state, "already on profile \(argument)", .info)
            return []
        }
        showStatus(&state, "switching to profile \(argument)\u{2026}", .info)
        return [.switchProfile(argument)]
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
        state.confirmation = stopConfirmation(conference: conference, stream: known?.sid ?? argument, name: known?.name)
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
            &state, "unknown command :\(word) (try :q, :refresh, :filter TEXT, :stream, :stop SID, :track SID, :profile NAME, :help)",
            .error)
        return []
    }
}

/// Opens the start-stream form on the open conference, or the selected one.
func openStartStreamForm(_ state: inout AppState) {
    if let reason = state.streamsUnavailable {
        showStatus(&state, reason, .warning)
        return
    }
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

func stopConfirmation(conference: ConferenceRow, stream: String, name: String?) -> Confirmation {
    Confirmation(
        title: "Stop stream",
        question: "Stop stream \(name.map { "\($0) (\(stream))" } ?? stream) on \(conference.conference.friendlyName)?",
        verb: "Stop", action: .stopStream(conference: conference.id, stream: stream))
}

/// A destructive action's question: Cancel is focused, so Enter alone does nothing; Tab or
/// the arrows move to the action's button.
func handleConfirmationKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var confirmation = state.confirmation else { return [] }
    switch key {
    case .tab, .backTab, .left, .right:
        confirmation.confirmFocused.toggle()
        state.confirmation = confirmation
        return []
    case .enter, .character(" "):
        state.confirmation = nil
        guard confirmation.confirmFocused else {
            showStatus(&state, "nothing done", .info)
            return []
        }
        switch confirmation.action {
        case .stopStream(let conference, let stream):
            showStatus(&state, "stopping \(stream)…", .info)
            return [.stopStream(conference: conference, stream: stream)]
        case .endConference(let conference):
            showStatus(&state, "ending \(conference)…", .info)
            return [.endConference(conference)]
        case .removeParticipant(let conference, let callSid):
            showStatus(&state, "removing \(callSid)…", .info)
            return [.removeParticipant(conference: conference, callSid: callSid)]
        }
    case .escape, .character("q"), .character("n"):
        state.confirmation = nil
        showStatus(&state, "nothing done", .info)
        return []
    default:
        return []
    }
}

/// Shows a participant's hold change at once (rolled back if the service refuses it) and asks
/// the service for it.
func setHold(_ state: inout AppState, conference: String, callSid: String, _ hold: Bool, holdUrl: String?) -> [Effect] {
    guard let index = state.rows[conference]?.participants.firstIndex(where: { $0.callSid == callSid }),
        let participant = state.rows[conference]?.participants[index]
    else {
        showStatus(&state, "\(callSid) is no longer in the conference", .warning)
        return []
    }
    state.pendingRollbacks[callSid] = participant
    state.rows[conference]?.participants[index].hold = hold
    showStatus(&state, "\(hold ? "holding" : "unholding") \(callSid)…", .info)
    return [.setHold(conference: conference, callSid: callSid, hold, holdUrl: holdUrl)]
}

/// Whether `text` is an absolute http(s) URL, the only kind the service fetches audio from.
func isAbsoluteHTTPURL(_ text: String) -> Bool {
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else { return false }
    return (scheme == "https" || scheme == "http") && !(components.host ?? "").isEmpty
        && !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) } })
}

/// The URL prompt: type the URL, Tab switches GET/POST (announcements), Enter sends, Esc cancels.
func handleURLPromptKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard var prompt = state.urlPrompt else { return [] }
    switch key {
    case .escape:
        state.urlPrompt = nil
        switch prompt.purpose {
        case .announce: showStatus(&state, "no announcement", .info)
        case .hold(let callSid): showStatus(&state, "\(callSid) not put on hold", .info)
        }
        return []
    case .tab, .backTab:
        if case .announce = prompt.purpose { prompt.method = prompt.method == .post ? .get : .post }
    case .enter:
        let url = prompt.url.text.trimmingCharacters(in: .whitespaces)
        switch prompt.purpose {
        case .announce:
            guard isAbsoluteHTTPURL(url) else {
                showStatus(&state, "the announcement needs an absolute http(s) URL", .error)
                return []
            }
            state.urlPrompt = nil
            showStatus(&state, "announcing to \(prompt.conferenceName)…", .info)
            return [.announce(conference: prompt.conferenceSid, url: url, method: prompt.method)]
        case .hold(let callSid):
            guard url.isEmpty || isAbsoluteHTTPURL(url) else {
                showStatus(&state, "hold music needs an absolute http(s) URL (or none, for the service's own)", .error)
                return []
            }
            state.urlPrompt = nil
            return setHold(&state, conference: prompt.conferenceSid, callSid: callSid, true, holdUrl: url.isEmpty ? nil : url)
        }
    default:
        prompt.url.apply(key)
    }
    state.urlPrompt = prompt
    return []
}
