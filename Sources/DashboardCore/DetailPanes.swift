import CompatAPI
import Ledger

// What each pane of a conference's screen shows: who is in the call now, and the streams.
// Keys, selection and the view all read these, so the row highlighted is the row a key acts on.

extension ConferenceRow {
    /// Who is in the call now: the participants last read while it was live, and nobody once it
    /// has ended (the last list read is not who is there now: everyone left with it).
    public var participantsInCall: [Participant] {
        conference.status.isLive ? participants : []
    }
}

extension AppState {
    /// The participants pane's rows: who is in the open conference's call.
    public var shownParticipants: [Participant] {
        openConference?.participantsInCall ?? []
    }

    /// The streams pane's rows: the open conference's streams.
    public var shownStreams: [StreamRecord] {
        openConferenceStreams
    }
}
