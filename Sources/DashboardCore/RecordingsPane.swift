import CompatAPI

// The recordings pane of a conference's screen, and the keys that act on a recording or on a
// participant's coaching and announcement. Every one of them goes to the service through the
// effects OperatorActions carries out (read-only refuses them, the audit trail keeps them).

extension AppState {
    /// The recordings pane's rows: the open conference's recordings (newest first, as the
    /// service lists them), narrowed by the pane's filter.
    public var shownRecordings: [Recording] {
        guard let sid = openConference?.id else { return [] }
        // A call's recordings (started here) first: they are the ones the operator just made.
        let all = (callRecordings[sid] ?? []) + (recordings[sid] ?? [])
        let needle = (paneFilters[.recordings] ?? "").lowercased()
        guard !needle.isEmpty else { return all }
        return all.filter { Self.matches($0, needle) }
    }

    /// Whether the open conference's recordings have been read yet.
    public var recordingsKnown: Bool {
        guard let sid = openConference?.id else { return false }
        return recordings[sid] != nil
    }

    public var selectedRecordingIndex: Int? {
        Self.index(of: selectedRecordingSid, in: shownRecordings.map(\.sid), near: detailPosition[.recordings])
    }

    public var selectedRecording: Recording? {
        selectedRecordingIndex.map { shownRecordings[$0] }
    }

    /// A recording matches on its sid, status, source, error code or the call it records.
    static func matches(_ r: Recording, _ needle: String) -> Bool {
        [r.sid, r.status.rawValue, r.source.rawValue, r.errorCode ?? "", r.callSid ?? ""].contains { $0.lowercased().contains(needle) }
    }

    /// Puts a call's recordings, as the service answered them, among those kept for `conference`:
    /// each replaces the one of its sid, the others stay (a poll reads a bounded number of calls).
    mutating func keepCallRecordings(_ conference: String, _ list: [Recording]) {
        var kept = callRecordings[conference] ?? []
        for recording in list {
            if let index = kept.firstIndex(where: { $0.sid == recording.sid }) {
                kept[index] = recording
            } else {
                kept.append(recording)
            }
        }
        callRecordings[conference] = kept.sorted {
            ($0.dateCreated.date ?? .distantPast, $0.sid) > ($1.dateCreated.date ?? .distantPast, $1.sid)
        }
    }
}

/// `P` on the recordings pane: pause a running recording (asks: skip the pause in the file, or
/// keep it as silence) or resume a paused one.
func togglePauseOfSelectedRecording(_ state: inout AppState) -> [Effect] {
    guard let (conference, recording) = pickedRecording(&state, .pauseRecording) else { return [] }
    // A call's recording is changed through its call (`Calls/{CallSid}/Recordings/{Sid}`).
    if let call = recording.callSid {
        switch recording.status {
        case .paused:
            showStatus(&state, "resuming recording \(recording.sid) of call \(call)…", .info)
            return [.updateCallRecording(conference: conference.id, call: call, recording: recording.sid, .resume)]
        case .inProgress, .resumed, .queued:
            state.modal = .picker(
                Picker(
                    title: "Pause recording",
                    question: "Pause \(recording.sid) of call \(callLabel(call, state))? What the file keeps of the pause:",
                    items: [
                        PickerItem(
                            "skip: the pause leaves no gap in the file",
                            .pauseCallRecording(conference: conference.id, call: call, recording: recording.sid, .skip)),
                        PickerItem(
                            "silence: the pause is kept as silence",
                            .pauseCallRecording(conference: conference.id, call: call, recording: recording.sid, .silence)),
                    ]))
            return []
        default:
            showStatus(&state, "recording \(recording.sid) is \(recording.status.rawValue): nothing to pause or resume", .info)
            return []
        }
    }
    switch recording.status {
    case .paused:
        showStatus(&state, "resuming recording \(recording.sid)…", .info)
        return [.resumeRecording(conference: conference.id, recording: recording.sid)]
    case .inProgress, .resumed, .queued:
        state.modal = .picker(
            Picker(
                title: "Pause recording",
                question: "Pause \(recording.sid) of \(conference.conference.friendlyName)? What the file keeps of the pause:",
                items: [
                    PickerItem(
                        "skip: the pause leaves no gap in the file",
                        .pauseRecording(conference: conference.id, recording: recording.sid, .skip)),
                    PickerItem(
                        "silence: the pause is kept as silence",
                        .pauseRecording(conference: conference.id, recording: recording.sid, .silence)),
                ]))
        return []
    default:
        showStatus(&state, "recording \(recording.sid) is \(recording.status.rawValue): nothing to pause or resume", .info)
        return []
    }
}

/// `x` on the recordings pane: stop the recording (asks first: a stopped recording cannot go on).
func askToStopSelectedRecording(_ state: inout AppState) -> [Effect] {
    guard let (conference, recording) = pickedRecording(&state, .stopStream) else { return [] }
    guard recording.status.isActive else {
        showStatus(&state, "recording \(recording.sid) is already \(recording.status.rawValue)", .info)
        return []
    }
    if let call = recording.callSid {
        state.modal = .confirmation(
            Confirmation(
                title: "Stop recording",
                question: "Stop recording \(recording.sid) of call \(callLabel(call, state))? It cannot be resumed afterwards.",
                verb: "Stop", action: .stopCallRecording(conference: conference.id, call: call, recording: recording.sid)))
        return []
    }
    state.modal = .confirmation(
        Confirmation(
            title: "Stop recording",
            question: "Stop recording \(recording.sid) of \(conference.conference.friendlyName)? It cannot be resumed afterwards.",
            verb: "Stop", action: .stopRecording(conference: conference.id, recording: recording.sid)))
    return []
}

/// `D` on the recordings pane: delete the recording (asks first, names it, says it is for good).
func askToDeleteSelectedRecording(_ state: inout AppState) -> [Effect] {
    guard let (conference, recording) = pickedRecording(&state, .deleteRecording) else { return [] }
    let length = recording.duration.map { ", \($0) s" } ?? ""
    let owner = recording.callSid.map { "call \(callLabel($0, state)) in " } ?? ""
    // A call's recording goes by the account-level delete, the only one the spec has for it.
    let action: PendingAction =
        if let call = recording.callSid {
            .deleteCallRecording(conference: conference.id, call: call, recording: recording.sid)
        } else {
            .deleteRecording(conference: conference.id, recording: recording.sid)
        }
    state.modal = .confirmation(
        Confirmation(
            title: "Delete recording",
            question: "Delete recording \(recording.sid) (\(recording.status.rawValue)\(length)) of "
                + "\(owner)\(conference.conference.friendlyName)? This cannot be undone.",
            verb: "Delete", action: action))
    return []
}

/// The recording highlighted on the recordings pane, or why there is none (said on the status line).
func pickedRecording(_ state: inout AppState, _ action: Action) -> (ConferenceRow, Recording)? {
    guard state.detailPane == .recordings else {
        let tab = state.keymap.keyName(for: .switchPane, in: .detail, fallback: "Tab")
        showStatus(&state, "\(tab) to the recordings pane and pick a recording first", .info)
        return nil
    }
    guard let conference = state.openConference, let recording = state.selectedRecording else {
        showStatus(&state, state.recordingsKnown ? "no recording here" : "recordings not read yet", .info)
        return nil
    }
    guard selectionConfirmed(&state, action) else { return nil }
    return (conference, recording)
}

/// `c` on the participants pane: a coach stops coaching; anyone else picks whom to coach from
/// the others in the call (they hear the coach; the coached caller's party does not).
func coachKey(_ state: inout AppState) -> [Effect] {
    guard let (conference, participant) = pickedParticipant(&state, .coach) else { return [] }
    if participant.coaching {
        showStatus(&state, "\(participant.callSid) stops coaching…", .info)
        return [.stopCoaching(conference: conference.id, callSid: participant.callSid)]
    }
    let others = conference.participantsInCall.filter { $0.callSid != participant.callSid }
    guard !others.isEmpty else {
        showStatus(&state, "nobody else is in the call to coach", .info)
        return []
    }
    state.modal = .picker(
        Picker(
            title: "Coach",
            question: "Whom does \(callLabel(participant.callSid, state)) coach? Only that caller hears them.",
            items: others.map { other in
                PickerItem(
                    callLabel(other.callSid, state),
                    .coach(conference: conference.id, coach: participant.callSid, callSidToCoach: other.callSid))
            }))
    return []
}

/// `a` on the participants pane: an announcement only the highlighted participant hears.
func announceToParticipantKey(_ state: inout AppState) -> [Effect] {
    guard let (conference, participant) = pickedParticipant(&state, .announceParticipant) else { return [] }
    state.modal = .urlPrompt(
        URLPrompt(
            .announceParticipant(callSid: participant.callSid), conferenceSid: conference.id,
            conferenceName: conference.conference.friendlyName))
    return []
}

/// `R` on the participants pane: record the highlighted participant's call, after a picker of
/// the channels and track `Calls/{CallSid}/Recordings` takes (`RecordingChannels`,
/// `RecordingTrack`; the service's defaults, mono and both, first).
func recordCallKey(_ state: inout AppState) -> [Effect] {
    guard let (conference, participant) = pickedParticipant(&state, .recordCall) else { return [] }
    let call = participant.callSid
    let choices: [(RecordingChannels, RecordingTrack, String)] = [
        (.mono, .both, "mono, both sides in one channel (the service's default)"),
        (.dual, .both, "dual, each side in its own channel"),
        (.mono, .inbound, "mono, inbound only: what the caller says"),
        (.mono, .outbound, "mono, outbound only: what the caller hears"),
        (.dual, .inbound, "dual, inbound only"),
        (.dual, .outbound, "dual, outbound only"),
    ]
    state.modal = .picker(
        Picker(
            title: "Record call",
            question: "Record call \(callLabel(call, state))? Channels and what to record:",
            items: choices.map { channels, track, label in
                PickerItem(
                    label,
                    .recordCall(conference: conference.id, call: call, StartCallRecordingRequest(channels: channels, track: track)))
            }))
    return []
}

/// The participant highlighted on the participants pane, or why there is none.
func pickedParticipant(_ state: inout AppState, _ action: Action) -> (ConferenceRow, Participant)? {
    guard state.detailPane == .participants, let row = state.openConference, let participant = state.selectedParticipant
    else {
        showStatus(&state, "pick a participant in the participants pane first", .info)
        return nil
    }
    guard selectionConfirmed(&state, action) else { return nil }
    return (row, participant)
}

/// A call as an operator tells it apart: who is on it (from the calls read), and its sid.
func callLabel(_ callSid: String, _ state: AppState) -> String {
    guard let call = state.calls[callSid] else { return callSid }
    return "\(call.who) (\(callSid))"
}
