import CompatAPI
import Ledger

// What each pane of a conference's screen shows: who is in the call now, and the streams,
// each narrowed by the pane's own `/` filter. Keys, selection and the view all read these, so
// the row highlighted is the row a key acts on.

extension ConferenceRow {
    /// Who is in the call now: the participants last read while it was live, and nobody once it
    /// has ended (the last list read is not who is there now: everyone left with it).
    public var participantsInCall: [Participant] {
        conference.status.isLive ? participants : []
    }
}

extension AppState {
    /// The participants pane's rows: who is in the open conference's call, narrowed by its filter.
    public var shownParticipants: [Participant] {
        let all = openConference?.participantsInCall ?? []
        let needle = (paneFilters[.participants] ?? "").lowercased()
        guard !needle.isEmpty else { return all }
        let callNeedle = CallNeedle(needle)
        return all.filter {
            Self.matches($0, needle) || calls.call(of: $0, matches: callNeedle)
                || (isSpeaking($0.callSid) && "speaking".contains(needle))
        }
    }

    /// The streams pane's rows: the open conference's streams, narrowed by its filter.
    public var shownStreams: [StreamRecord] {
        let all = openConferenceStreams
        let needle = (paneFilters[.streams] ?? "").lowercased()
        guard !needle.isEmpty else { return all }
        return all.filter { Self.matches($0, needle) }
    }

    /// The filter `/` edits where the operator is: the conferences table's, or on a
    /// conference's screen the pane in front's.
    public var focusedFilter: String {
        get {
            guard case .conference = screen else { return filter }
            return paneFilters[detailPane] ?? ""
        }
        set {
            guard case .conference = screen else {
                filter = newValue
                return
            }
            paneFilters[detailPane] = newValue.isEmpty ? nil : newValue
        }
    }

    /// A participant matches on its call sid, status or label, or on the words its flags show
    /// as (`muted`, `hold`, `coaching`); its call's numbers and caller name, and `speaking`,
    /// are matched by the pane, which knows them.
    static func matches(_ p: Participant, _ needle: String) -> Bool {
        var words = [p.callSid, p.status.rawValue, p.label ?? ""]
        if p.muted { words.append("muted") }
        if p.hold { words.append("hold") }
        if p.coaching { words.append("coaching") }
        return words.contains { $0.lowercased().contains(needle) }
    }

    /// A stream matches on its name, sid, status (and why), track or codec.
    static func matches(_ s: StreamRecord, _ needle: String) -> Bool {
        [s.name ?? "", s.sid, s.status.rawValue, s.statusReason ?? "", s.track?.rawValue ?? "", s.codec?.rawValue ?? ""]
            .contains { $0.lowercased().contains(needle) }
    }
}

/// After the filter of the pane in front changed: the pick stays on the same row when it is
/// still shown, and goes to the first row shown when it is not. The operator moved it, so no
/// mutating key needs to warn about it.
func keepDetailSelectionShown(_ state: inout AppState) {
    switch state.detailPane {
    case .participants:
        let calls = state.shownParticipants.map(\.callSid)
        if let sid = state.selectedCallSid, calls.contains(sid) { break }
        state.selectedCallSid = calls.first
        state.detailPosition[.participants] = 0
    case .streams:
        let sids = state.shownStreams.map(\.sid)
        if let sid = state.selectedStreamSid, sids.contains(sid) { break }
        state.selectedStreamSid = sids.first
        state.detailPosition[.streams] = 0
    case .recordings:
        let sids = state.shownRecordings.map(\.sid)
        if let sid = state.selectedRecordingSid, sids.contains(sid) { break }
        state.selectedRecordingSid = sids.first
        state.detailPosition[.recordings] = 0
    }
    state.selectionMoved = nil
}
