import CompatAPI
import Foundation
import Ledger

// Keys: a modal, when there is one, takes every key; otherwise the keymap decides.

func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if key == .ctrl("c") {
        state.quitRequested = true
        return [.quit]
    }
    if let modal = state.modal { return handleModalKey(&state, modal, key) }
    guard let binding = state.keymap.binding(for: key, in: state.context) else {
        if case .character(let c) = key, !c.isWhitespace {
            showStatus(&state, "\(c) does nothing here (\(state.keymap.keyName(for: .help, fallback: ":help")) for help)", .info)
        }
        return []
    }
    if binding.mutating && state.readOnlyHere {
        refuseReadOnly(&state, binding)
        return []
    }
    if binding.mutating, refusedOnEndedConference(&state, binding.action) { return [] }
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
        state.selectedCallSid = nil
        state.selectedStreamSid = nil
        state.selectedRecordingSid = nil
        state.detailPosition = [:]
        state.paneFilters = [:]
        state.selectionMoved = nil
        reconcileDetailSelection(&state)
        return [.watch(row.id), .refreshNow]
    case .back:
        state.screen = .conferences
        state.selectionMoved = nil
        return [.watch(nil)]
    case .eventLog:
        state.screen = .eventLog
        state.eventLogCursor = 0
        return [.watch(nil), .loadAudit]
    case .switchPane:
        state.detailPane = state.detailPane.next
    case .filter:
        state.modal = .filter(LineEditor(state.focusedFilter, limit: 256))
    case .clearFilter:
        guard !state.focusedFilter.isEmpty else {
            // Nothing to clear: the key is Esc, which on a conference's screen goes back.
            return state.context == .conferences ? [] : perform(.back, &state)
        }
        state.focusedFilter = ""
        if case .conference = state.screen { keepDetailSelectionShown(&state) } else { keepSelectionVisible(&state) }
        showStatus(&state, "filter cleared", .info)
    case .command:
        let commands = ConsoleCommand.all.filter { !(state.readOnlyHere && $0.mutating) }
        let views = state.layout.views.keys.sorted()
        let columns = focusedTable(state).map(state.layout.available) ?? []
        state.modal = .command(
            CommandPrompt(
                commands: commands, profiles: state.profiles.count > 1 ? state.profiles + [everyProfile] : state.profiles,
                arguments: [
                    "view": views + ["save", "delete"], "columns": ["hide", "show", "reset"] + columns, "mouse": ["on", "off"],
                ]))
    case .refresh:
        showStatus(&state, "refreshing…", .info)
        return [.refreshNow]
    case .togglePause:
        let pause = state.poll != .paused
        let resume = state.keymap.keyName(for: .togglePause, fallback: ":resume")
        showStatus(&state, pause ? "polling paused (\(resume) resumes)" : "polling resumed", .info)
        return [.setPaused(pause)]
    case .toggleCompleted:
        state.showCompleted.toggle()
        showStatus(&state, state.showCompleted ? "showing completed conferences" : "hiding completed conferences", .info)
        keepSelectionVisible(&state)
    case .newStream:
        // On the participants pane, with someone picked, `n` streams that participant's call;
        // anywhere else (and on an empty participants pane) it streams the whole conference.
        if streamsPickedCall(state) {
            openCallStreamForm(&state)
        } else {
            openStartStreamForm(&state)
        }
    case .recordCall:
        return recordCallKey(&state)
    case .stopStream:
        // The key stops what the pane in front holds: a stream, or a recording.
        if state.detailPane == .recordings, case .conference = state.screen { return askToStopSelectedRecording(&state) }
        return askToStopSelectedStream(&state)
    case .pauseRecording:
        return togglePauseOfSelectedRecording(&state)
    case .deleteRecording:
        return askToDeleteSelectedRecording(&state)
    case .coach:
        return coachKey(&state)
    case .announceParticipant:
        return announceToParticipantKey(&state)
    case .endConference:
        guard let row = state.openConference ?? state.selectedRow else {
            showStatus(&state, "no conference selected", .info)
            return []
        }
        if refusedOnEndedConference(&state, .endConference) { return [] }
        state.modal = .confirmation(
            Confirmation(
                title: "End conference",
                question: "End conference \(row.conference.friendlyName) (\(row.id))? Everyone in it is disconnected.",
                verb: "End", action: .endConference(row.id)))
    case .announce:
        guard let row = state.openConference ?? state.selectedRow else {
            showStatus(&state, "no conference selected", .info)
            return []
        }
        if refusedOnEndedConference(&state, .announce) { return [] }
        state.modal = .urlPrompt(URLPrompt(.announce, conferenceSid: row.id, conferenceName: row.conference.friendlyName))
    case .toggleMute, .toggleHold, .removeParticipant:
        return actOnSelectedParticipant(action, &state)
    case .sortNext:
        // By space only when there is more than one.
        let all = SortColumn.allCases.filter { $0 != .space || state.everySpace }
        let column = all[((all.firstIndex(of: state.sortColumn) ?? -1) + 1) % all.count]
        // Newest first; the space's name from a to z.
        state.sort(by: column, descending: column == .created)
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
        case (.conference, .participants): sid = state.selectedParticipant?.callSid ?? state.openConference?.id
        case (.conference, .streams): sid = state.selectedStream?.sid ?? state.openConference?.id
        case (.conference, .recordings): sid = state.selectedRecording?.sid ?? state.openConference?.id
        case (.eventLog, _): sid = state.auditEntries.isEmpty ? nil : state.auditEntries[state.eventLogCursor].targetSid
        }
        guard let sid else { return [] }
        showStatus(&state, "copied \(sid)", .success)
        return [.copyToClipboard(sid)]
    case .help:
        state.modal = .help(scroll: 0)
    case .quit:
        state.quitRequested = true
        return [.quit]
    }
    return []
}

/// When the pick moved by itself (the picked participant or stream left) since the operator
/// last looked, a mutating key says so and acts on nobody; the next press acts on the row now
/// highlighted. True when the key may act.
func selectionConfirmed(_ state: inout AppState, _ action: Action) -> Bool {
    guard let moved = state.selectionMoved else { return true }
    state.selectionMoved = nil
    let key = state.keymap.keyName(for: action, in: state.context, fallback: "the key")
    showStatus(&state, "\(moved): nothing done; press \(key) again to act on the highlighted row", .warning)
    return false
}

/// `m`, `h`, `K` on the participants pane: always the participant highlighted on screen.
func actOnSelectedParticipant(_ action: Action, _ state: inout AppState) -> [Effect] {
    guard state.detailPane == .participants, let row = state.openConference, let index = state.selectedParticipantIndex
    else {
        showStatus(&state, "pick a participant in the participants pane first", .info)
        return []
    }
    guard selectionConfirmed(&state, action) else { return [] }
    let participant = state.shownParticipants[index]
    switch action {
    case .toggleMute:
        state.pendingRollbacks[participant.callSid] = participant
        var changed = participant
        changed.muted.toggle()
        // By call sid: the pane's filter may show fewer rows than the conference holds.
        if let stored = row.participants.firstIndex(where: { $0.callSid == participant.callSid }) {
            state.rows[row.id]?.participants[stored] = changed
        }
        showStatus(&state, "\(changed.muted ? "muting" : "unmuting") \(participant.callSid)…", .info)
        return [.setMuted(conference: row.id, callSid: participant.callSid, changed.muted)]
    case .toggleHold where !participant.hold:
        // Holding asks which music to play first (Enter keeps the service's own).
        state.modal = .urlPrompt(
            URLPrompt(.hold(callSid: participant.callSid), conferenceSid: row.id, conferenceName: row.conference.friendlyName))
        return []
    case .toggleHold:
        return setHold(&state, conference: row.id, callSid: participant.callSid, false, holdUrl: nil)
    default:
        state.modal = .confirmation(
            Confirmation(
                title: "Remove participant",
                question: "Remove \(participant.callSid) from \(row.conference.friendlyName)? Their call leaves the conference.",
                verb: "Remove", action: .removeParticipant(conference: row.id, callSid: participant.callSid)))
        return []
    }
}

/// `x` on the streams pane: asks before stopping the stream highlighted on screen.
func askToStopSelectedStream(_ state: inout AppState) -> [Effect] {
    if let reason = state.streamsUnavailable {
        refuse(&state, "No streams here", "\(reason). Nothing was done.")
        return []
    }
    guard state.detailPane == .streams else {
        let tab = state.keymap.keyName(for: .switchPane, in: .detail, fallback: "Tab")
        let stop = state.keymap.keyName(for: .stopStream, in: .detail, fallback: ":stop SID")
        showStatus(&state, "\(tab) to the streams pane, pick a stream, then \(stop)", .info)
        return []
    }
    guard let conference = state.openConference, let stream = state.selectedStream else {
        showStatus(&state, "no stream to stop here", .info)
        return []
    }
    guard selectionConfirmed(&state, .stopStream) else { return [] }
    if stream.status.isTerminal {
        showStatus(&state, "stream \(stream.name ?? stream.sid) is already \(stream.status)", .info)
        return []
    }
    state.modal = .confirmation(stopConfirmation(conference: conference, stream: stream.sid, name: stream.name))
    return []
}

func move(_ state: inout AppState, by delta: Int) {
    switch state.screen {
    case .conferences:
        let count = state.visibleCount
        guard count > 0 else { return }
        let target = min(max(0, state.selectedIndex + delta), count - 1)
        state.selectedSid = state.visibleSid(at: target)
        scrollToSelection(&state)
    case .eventLog:
        let count = state.auditEntries.count
        state.eventLogCursor = count == 0 ? 0 : min(max(0, state.eventLogCursor + delta), count - 1)
    case .conference:
        // The operator moved the pick: whatever it lands on is what they chose.
        state.selectionMoved = nil
        switch state.detailPane {
        case .participants:
            let calls = state.shownParticipants.map(\.callSid)
            guard let current = state.selectedParticipantIndex else { return }
            let target = min(max(0, current + delta), calls.count - 1)
            state.selectedCallSid = calls[target]
            state.detailPosition[.participants] = target
        case .streams:
            let sids = state.shownStreams.map(\.sid)
            guard let current = state.selectedStreamIndex else { return }
            let target = min(max(0, current + delta), sids.count - 1)
            state.selectedStreamSid = sids[target]
            state.detailPosition[.streams] = target
        case .recordings:
            let sids = state.shownRecordings.map(\.sid)
            guard let current = state.selectedRecordingIndex else { return }
            let target = min(max(0, current + delta), sids.count - 1)
            state.selectedRecordingSid = sids[target]
            state.detailPosition[.recordings] = target
        }
    }
}

/// Moves the conferences table's first row as little as needed to show the selection.
func scrollToSelection(_ state: inout AppState) {
    let selected = state.selectedIndex
    let rows = state.visibleRows
    if selected < state.conferenceScroll { state.conferenceScroll = selected }
    if selected >= state.conferenceScroll + rows { state.conferenceScroll = selected - rows + 1 }
    state.conferenceScroll = max(0, min(state.conferenceScroll, state.visibleCount - rows))
}

func keepSelectionVisible(_ state: inout AppState) {
    if let sid = state.selectedSid, state.visiblePosition(of: sid) != nil {
        scrollToSelection(&state)
        return
    }
    state.selectedSid = state.visibleCount > 0 ? state.visibleSid(at: 0) : nil
    scrollToSelection(&state)
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
