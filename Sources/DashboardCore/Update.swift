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
        // A key is the operator's sign of having read the last outcome: it may go when its time is up.
        state.status?.awaitingKey = false
        let effects = handleKey(&state, key)
        expire(&state)
        return effects
    case .mouse(let event):
        state.status?.awaitingKey = false
        return handleMouse(&state, event)
    case .resized(_, let height):
        state.visibleRows = ScreenLayout.tableRows(forHeight: height)
        scrollToSelection(&state)
        return []
    case .pollSucceeded(let snapshot, let at):
        state.now = at
        apply(snapshot, to: &state, at: at)
        // A completed conference takes its streams with it: the ledger marks them ended, whether
        // this poll saw it complete or found it completed (a stream the ledger kept open since).
        let ended = snapshot.conferences.filter { !$0.status.isLive }.map(\.sid)
        let withOpenStreams = ended.filter { sid in state.streams[sid]?.contains { !$0.status.isTerminal } == true }
        var effects = settleAfterPoll(&state, snapshot)
        if !withOpenStreams.isEmpty { effects.append(.conferencesEnded(withOpenStreams.sorted())) }
        return effects
    case .conferencesListed(let snapshot, let at):
        // The rows now; the poll's own result follows with the participants. Until it does the
        // header still says the first refresh is under way, and nothing is settled from it.
        let (lastRefresh, poll) = (state.lastRefresh, state.poll)
        state.now = at
        var rows = snapshot
        // Every space at once: the space listed its conferences; its first poll is not over.
        if let space = rows.answeredBy { state.spacesListing.insert(space) }
        rows.answeredBy = nil
        apply(rows, to: &state, at: at)
        state.lastRefresh = lastRefresh
        state.poll = poll
        return []
    case .pollFailed(let reason, let attempt, let retryAt, let at):
        state.now = at
        state.stale = state.lastRefresh != nil
        state.poll =
            attempt >= offlineAfterAttempts
            ? .offline(at: retryAt, attempt: attempt, reason: reason)
            : .retrying(at: retryAt, attempt: attempt, reason: reason)
        return []
    case .spacesChanged(let spaces, let at):
        state.now = at
        state.spaces = spaces
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
    case .filterIndexBuilt(let built):
        let waited = state.filterWaitsForIndex
        state.take(built)
        if waited, case .conferences = state.screen { keepSelectionVisible(&state) }
        return []
    case .sortRanksBuilt(let built):
        state.take(built)
        return []
    case .streamsChanged(let records):
        state.streams = Dictionary(grouping: records, by: \.conferenceSid)
        state.countOpenStreams()
        reconcileDetailSelection(&state)
        return []
    case .streamsUpdated(let changed, let removed):
        applyStreamChanges(&state, changed: changed, removed: removed)
        return []
    case .auditAppended(let entries):
        appendAudit(&state, entries)
        return []
    case .storeProblem(let problem):
        state.storeProblem = problem
        return []
    case .streamStarted(let record, let notRecorded):
        if let form = state.startStreamForm, form.conferenceSid == record.conferenceSid { state.modal = nil }
        let settling = record.name.flatMap { state.unsettled.removeValue(forKey: startKey(record.conferenceSid, $0)) } != nil
        var list = state.streams[record.conferenceSid] ?? []
        // The row kept while the outcome was unknown is this stream: it is replaced, not added to.
        let isThisStream = { (kept: StreamRecord) in
            kept.sid == record.sid || (!kept.sidKnown && kept.name != nil && kept.name == record.name)
        }
        let wasKept = list.contains(where: isThisStream)
        list.removeAll(where: isThisStream)
        state.streams[record.conferenceSid] = [record] + list
        if !wasKept { state.rows[record.conferenceSid]?.streamCount += 1 }
        let name = record.name ?? record.sid
        if let notRecorded {
            showOutcome(&state, "started stream \(name) at the service, but \(notRecorded)", .warning)
        } else if !record.sidKnown {
            showOutcome(&state, "settled: stream \(name) runs (the first start reached the service; its sid comes with a callback)", .success)
        } else if settling {
            showOutcome(&state, "settled: started stream \(name): \(record.status) (the first start had not reached the service)", .success)
        } else {
            showOutcome(&state, "started stream \(name): \(record.status)", .success)
        }
        return []
    case .streamStartFailed(let conference, let name, let message):
        let settling = name.flatMap { state.unsettled.removeValue(forKey: startKey(conference, $0)) } != nil
        if case .startStreamForm(var form) = state.modal, form.conferenceSid == conference {
            form.submissionFailed(message)
            state.modal = .startStreamForm(form)
        }
        showOutcome(&state, settling ? "settled: \(message)" : "stream not started: \(message)", .error)
        return []
    case .streamStartUnknown(let conference, let conferenceName, let request, let call, let record, let message):
        var change = UnsettledChange(
            kind: .startStream(conference: conference, conferenceName: conferenceName, request: request, call: call),
            since: state.now)
        change.inFlight = false
        state.keepUnsettled(change)
        if let record {
            var list = state.streams[conference] ?? []
            if !list.contains(where: { $0.sid == record.sid }) {
                list.insert(record, at: 0)
                state.streams[conference] = list
            }
        }
        if case .startStreamForm(var form) = state.modal, form.conferenceSid == conference {
            form.submissionUnknown(name: request.name ?? "", message: message)
            state.modal = .startStreamForm(form)
        }
        showOutcome(&state, message, .warning)
        return []
    case .actionFinished(let outcome):
        if outcome.unknown {
            // Not rolled back: it may have happened. The next reads of the conference settle it.
            if let call = outcome.callSid, let conference = outcome.conferenceSid, let change = outcome.change {
                state.pendingRollbacks[call] = nil
                state.keepUnsettled(
                    UnsettledChange(
                        kind: .participant(conference: conference, callSid: call, change: change, reads: 0), since: state.now))
            }
            showOutcome(&state, "outcome unknown: \(outcome.summary); the next refreshes will tell", .warning)
            return state.screen == .eventLog ? [.loadAudit] : []
        }
        if let call = outcome.callSid, let previous = state.pendingRollbacks.removeValue(forKey: call), !outcome.ok,
            var row = state.rows[previous.conferenceSid],
            let index = row.participants.firstIndex(where: { $0.callSid == call })
        {
            row.participants[index] = previous
            state.rows[previous.conferenceSid] = row
        }
        if let notRecorded = outcome.notRecorded {
            showOutcome(&state, "\(outcome.summary), but \(notRecorded)", .warning)
        } else {
            showOutcome(&state, outcome.summary, outcome.ok ? .success : .error)
        }
        return state.screen == .eventLog ? [.loadAudit] : []
    case .exported(let path, let text, let rows, let table, let outcome):
        switch outcome {
        case .written(let full):
            showStatus(&state, "wrote \(TableExport.count(rows, table)) to \(full)", .success)
        case .exists:
            state.modal = .confirmation(
                Confirmation(
                    title: "Overwrite file", question: "\(path) exists. Write the \(TableExport.count(rows, table)) over it?",
                    verb: "Overwrite", action: .overwriteExport(path: path, text: text, rows: rows, table: table)))
        case .failed(let reason):
            showStatus(&state, "export failed: \(reason); nothing written", .error)
        }
        return []
    case .layoutNotSaved(let reason):
        showStatus(&state, "columns and views hold for this run only: \(reason)", .warning)
        return []
    case .profileSwitched(var next):
        next.visibleRows = state.visibleRows
        // The terminal still reports the mouse, or not: the new space's screen says the same.
        next.mouse = state.mouse
        state = next
        showStatus(&state, state.everySpace ? "showing every profile: \(state.spaces.map(\.name).joined(separator: ", "))" : "switched to profile \(state.profile ?? "?")", .success)
        return []
    case .conferenceEvent(let event, let at):
        return receive(event, at: at, into: &state)
    case .recordingsRead(let conference, let list):
        state.recordings[conference] = list
        reconcileDetailSelection(&state)
        return []
    case .callRecordingDeleted(let conference, let sid):
        state.callRecordings[conference]?.removeAll { $0.sid == sid }
        reconcileDetailSelection(&state)
        return []
    case .callRecordingChanged(let conference, let recording):
        state.keepCallRecordings(conference, [recording])
        reconcileDetailSelection(&state)
        return []
    case .auditLoaded(let entries):
        state.auditEntries = entries
        state.eventLogCursor = min(state.eventLogCursor, max(0, entries.count - 1))
        return []
    case .streamStopFinished(let result):
        if let conference = result.conferenceSid, let requested = result.requested {
            let key = "stop \(conference)/\(requested)"
            if result.unknown {
                let label = result.name.map { "\($0) (\(requested))" } ?? requested
                state.keepUnsettled(
                    UnsettledChange(kind: .stopStream(conference: conference, stream: requested, label: label), since: state.now))
                showOutcome(
                    &state, "outcome unknown: stop of stream \(label): \(result.error ?? "no answer"); sending it again once the service answers",
                    .warning)
                return []
            }
            state.unsettled[key] = nil
        }
        // With a warning to fit on the line, the name alone (the sid is in the table beside it).
        let label = result.notRecorded != nil ? result.name ?? result.sid : result.name.map { "\($0) (\(result.sid))" } ?? result.sid
        let (text, severity): (String, StatusMessage.Severity) =
            switch result.outcome {
            case .stopped: ("stopped stream \(label)", .success)
            case .alreadyStopped: ("stream \(label) was already stopped", .info)
            case .notFound: ("stream \(label) not found by the service", .warning)
            case .refused(let message): ("stream \(label) not stopped: \(message)", .error)
            }
        if let notRecorded = result.notRecorded {
            // What the service did stands; what confdash failed to write down is said beside it.
            showOutcome(&state, "\(text) at the service, but \(notRecorded)", severity == .error ? .error : .warning)
        } else {
            showOutcome(&state, text, severity)
        }
        return []
    }
}

/// Replaces what a poll saw; conferences that left the live lists are kept as completed.
func apply(_ snapshot: PollSnapshot, to state: inout AppState, at: Date) {
    // Before the rows move, so the filter (which matches a space's name) sees where they are from.
    if let spaces = snapshot.spaces { state.spaceOf.merge(spaces) { _, new in new } }
    if let space = snapshot.answeredBy { state.spaceAnsweredAt[space] = at }
    let selectedPosition = state.selectedSid.flatMap { state.visiblePosition(of: $0) } ?? 0
    var changedRows: [ConferenceRow] = []
    if snapshot.sameConferences, state.lastRefresh != nil,
        state.conferenceEvents.recent.count < ConferenceEventState.recentLimit
    {
        // The same list as the last poll: only the conferences whose participants were read, and
        // those events changed since (put back to what the service lists), can differ. At 10,000
        // conferences, comparing every row every two seconds was a tenth of the idle CPU.
        let touched = Set(state.conferenceEvents.recent.map(\.event.conferenceSid))
        var listed: [String: Conference] = [:]
        if !touched.isEmpty {
            for conference in snapshot.conferences where touched.contains(conference.sid) { listed[conference.sid] = conference }
        }
        var sameRows: [ConferenceRow] = []
        for sid in Set(snapshot.participants.keys).union(touched) {
            guard let before = state.rows[sid] else { continue }
            var row = before
            if let conference = listed[sid] { row.conference = conference }
            if let participants = snapshot.participants[sid] {
                row.participants = participants
                row.participantsKnown = true
            }
            if before != row {
                changedRows.append(row)
                state.changedUntil[sid] = at.addingTimeInterval(AppState.highlightLifetime)
            } else {
                sameRows.append(row)
            }
        }
        if !changedRows.isEmpty { state.replace(changedRows) }
        state.adopt(sameRows)
        finishApplying(snapshot, to: &state, at: at, selectedPosition: selectedPosition)
        return
    }
    var added = false
    var sameRows: [ConferenceRow] = []
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
        } else {
            sameRows.append(row)
        }
    }
    // A refresh that brought no new and no changed row leaves `rows` exactly as it is: the idle
    // dashboard spent a sixth of its CPU re-sorting an unchanged table every two seconds. One
    // that only changed rows already there, with no ended conference to let go of, puts just
    // those in place.
    if !changedRows.isEmpty {
        if !added && state.rows.count - seen.count <= AppState.completedKept {
            state.replace(changedRows)
            state.adopt(sameRows)
        } else {
            var next = ConferenceRows()
            next.reserveCapacity(state.rows.count)
            for row in changedRows { next[row.id] = row }
            // Every listed conference is in one of the two: changed (or new), or read the same.
            for row in sameRows { next[row.id] = row }
            for row in carriedOver(state, seen: next) where next[row.id] == nil { next[row.id] = row }
            state.rows = next
            forgetWhatLeftTheTable(&state)
        }
    } else {
        state.adopt(sameRows)
    }
    finishApplying(snapshot, to: &state, at: at, selectedPosition: selectedPosition)
}

/// After the table was rebuilt: the streams of conferences that left it, every one ended, and the
/// recordings read of them leave memory. Nothing on screen can show them any more (the ledger keeps
/// the streams), and a dashboard left open for days held every stream ever started.
func forgetWhatLeftTheTable(_ state: inout AppState) {
    let rows = state.rows
    if state.streams.keys.contains(where: { rows[$0] == nil }) {
        state.streams = state.streams.filter { conference, list in
            rows[conference] != nil || list.contains { !$0.status.isTerminal }
        }
    }
    if state.recordings.keys.contains(where: { rows[$0] == nil }) {
        state.recordings = state.recordings.filter { rows[$0.key] != nil }
    }
    if state.callRecordings.keys.contains(where: { rows[$0] == nil }) {
        state.callRecordings = state.callRecordings.filter { rows[$0.key] != nil }
    }
}

/// What every poll's answer does after its rows are in place.
func finishApplying(_ snapshot: PollSnapshot, to state: inout AppState, at: Date, selectedPosition: Int) {
    if snapshot.spaces != nil, state.spaceOf.count > state.rows.count {
        state.spaceOf = state.spaceOf.filter { state.rows[$0.key] != nil }
    }
    for (conference, list) in snapshot.recordings { state.recordings[conference] = list }
    for (conference, list) in snapshot.callRecordings { state.keepCallRecordings(conference, list) }
    if let calls = snapshot.calls, calls != state.calls {
        state.calls = calls
        // The table's filter matches callers' numbers and names, which just changed.
        if !state.filter.isEmpty { state.recomputeVisible() }
    }
    replayConferenceEvents(after: snapshot, &state)
    state.lastRefresh = at
    state.stale = false
    if state.poll != .paused { state.poll = .live }
    if state.selectedSid == nil || state.rows[state.selectedSid!] == nil {
        // The selected conference is gone: the one that took its row is selected instead.
        let count = state.visibleCount
        state.selectedSid = count == 0 ? nil : state.visibleSid(at: min(selectedPosition, count - 1))
    }
    reconcileDetailSelection(&state)
    expire(&state)
    if !snapshot.participantFailures.isEmpty, state.status?.fromPoll ?? true {
        let count = snapshot.participantFailures.count
        let first = snapshot.participantFailures.values.sorted().first ?? ""
        showStatus(&state, "participants of \(count) conference\(count == 1 ? "" : "s") not refreshed: \(first)", .warning)
        state.status?.fromPoll = true
    }
}

/// The rows this poll did not list (conferences that ended and dropped off the lists), kept for
/// reference: the most recently updated `AppState.completedKept`, plus the one on screen and the
/// selected one. A dashboard left open for days must not hold every conference that ever ended.
func carriedOver(_ state: AppState, seen: ConferenceRows) -> [ConferenceRow] {
    let carried = state.rows.values.filter { seen[$0.id] == nil }
    guard carried.count > AppState.completedKept else { return carried }
    let newestFirst = carried.sorted {
        ($0.conference.dateUpdated.date ?? .distantPast) > ($1.conference.dateUpdated.date ?? .distantPast)
    }
    var keep = Set(newestFirst.prefix(AppState.completedKept).map(\.id))
    if let selected = state.selectedSid { keep.insert(selected) }
    if case .conference(let sid) = state.screen { keep.insert(sid) }
    return carried.filter { keep.contains($0.id) }
}

/// After the open conference's participants or streams changed: keeps each pane's pick on the
/// same participant or stream; if it left, the pick moves to the row that took its place, and
/// the next mutating key says so before acting on anyone.
func reconcileDetailSelection(_ state: inout AppState) {
    guard state.openConference != nil else { return }
    // The rows on screen (who is in the call, under each pane's filter): the pick is one of them.
    let calls = state.shownParticipants.map(\.callSid)
    let streams = state.shownStreams.map(\.sid)
    if let moved = repick(&state.selectedCallSid, in: calls, pane: .participants, &state.detailPosition) {
        state.selectionMoved = moved.now.map { "\(moved.before) left; the selection moved to \($0)" } ?? "\(moved.before) left"
    }
    if let moved = repick(&state.selectedStreamSid, in: streams, pane: .streams, &state.detailPosition) {
        state.selectionMoved =
            moved.now.map { "stream \(moved.before) is gone; the selection moved to \($0)" } ?? "stream \(moved.before) is gone"
    }
    let recordings = state.shownRecordings.map(\.sid)
    if let moved = repick(&state.selectedRecordingSid, in: recordings, pane: .recordings, &state.detailPosition) {
        state.selectionMoved =
            moved.now.map { "recording \(moved.before) is gone; the selection moved to \($0)" }
            ?? "recording \(moved.before) is gone"
    }
}

/// Keeps one pane's pick on the same sid, or moves it to the row that took its place (nil for
/// an empty list); returns what it was and what it is now when the pick moved by itself.
func repick(_ picked: inout String?, in sids: [String], pane: DetailPane, _ positions: inout [DetailPane: Int])
    -> (before: String, now: String?)?
{
    let before = picked
    let index = AppState.index(of: picked, in: sids, near: positions[pane])
    picked = index.map { sids[$0] }
    if let index { positions[pane] = index }
    guard let before, before != picked else { return nil }
    return (before, picked)
}

func expire(_ state: inout AppState) {
    if let status = state.status, status.expires <= state.now, !status.awaitingKey { state.status = nil }
    state.changedUntil = state.changedUntil.filter { $0.value > state.now }
}

func showStatus(_ state: inout AppState, _ text: String, _ severity: StatusMessage.Severity) {
    // An error stays until a key is pressed, like an action's outcome: a refused command or a
    // failed action must not be gone before the operator looked.
    state.status = StatusMessage(
        text: text, severity: severity, expires: state.now.addingTimeInterval(AppState.statusLifetime),
        awaitingKey: severity == .error)
}


/// An action's outcome: like `showStatus`, but it stays until a key is pressed as well.
func showOutcome(_ state: inout AppState, _ text: String, _ severity: StatusMessage.Severity) {
    showStatus(&state, text, severity)
    state.status?.awaitingKey = true
}

func startKey(_ conference: String, _ name: String) -> String { "start \(conference)/\(name)" }
