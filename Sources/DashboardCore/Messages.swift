import CompatAPI
import Foundation
import Ledger

/// What one successful poll saw.
public struct PollSnapshot: Equatable, Sendable {
    public var conferences: [Conference]
    /// Participants by conference sid, for the conferences whose list came back.
    public var participants: [String: [Participant]]
    /// Conferences whose participants could not be read this time, with why.
    public var participantFailures: [String: String]
    /// The calls of the account in progress, by call sid, with any participant's call the
    /// listing missed fetched alone; nil when the listing could not be read this time (the
    /// calls shown before stay).
    public var calls: CallBook?
    /// Why the calls could not be read, when they could not.
    public var callsFailure: String?
    /// The recordings of the conference open on screen (read on every poll while it is open).
    public var recordings: [String: [Recording]] = [:]
    /// Recordings of single calls started from this dashboard, by the conference the call was
    /// in when it was recorded (read for the conference open on screen).
    public var callRecordings: [String: [Recording]] = [:]
    /// When the poll began: a conference event that came after it may not show in its answer.
    /// Nil: not known, taken as "just now".
    public var startedAt: Date?
    /// The live conferences are exactly those of the poll reported before this one (the service
    /// sent the same list): only the conferences in `participants` can have changed.
    public var sameConferences = false
    /// Every space at once: the space (profile name) of each conference listed, when the lists
    /// changed. Nil: one space, or the same lists as before.
    public var spaces: [String: String]?
    /// Every space at once: the space whose poll this answer is (nil: one space, or the rows of
    /// a first poll still reading participants).
    public var answeredBy: String?

    public init(
        conferences: [Conference], participants: [String: [Participant]], participantFailures: [String: String] = [:],
        calls: CallBook? = nil, callsFailure: String? = nil, startedAt: Date? = nil
    ) {
        self.conferences = conferences
        self.participants = participants
        self.participantFailures = participantFailures
        self.calls = calls
        self.callsFailure = callsFailure
        self.startedAt = startedAt
    }
}

/// Everything that can happen to the dashboard: keys, the terminal, the service layer, time.
public enum Msg: Sendable {
    case key(Key)
    /// A click or a turn of the wheel (only after `:mouse on`).
    case mouse(MouseEvent)
    case resized(width: Int, height: Int)
    case pollSucceeded(PollSnapshot, at: Date)
    /// A large account's first poll, its live conferences listed and their participants not read
    /// yet: at thousands of conferences the rows show while the participants come in.
    case conferencesListed(PollSnapshot, at: Date)
    case pollFailed(reason: String, attempt: Int, retryAt: Date, at: Date)
    /// Every space at once: how each space's polls are going (one failing keeps the others live).
    case spacesChanged([SpaceHealth], at: Date)
    case pauseChanged(Bool, at: Date)
    /// Time passed with nothing else happening (a status message or highlight may end).
    case tick(Date)
    /// The filter's text of every row, built off the main loop (`AppState.filterIndexJob`).
    case filterIndexBuilt(FilterIndexBuilt)
    /// Every row's rank under the columns of text, worked out off the loop (`SortRanksJob`).
    case sortRanksBuilt(SortRanksBuilt)
    /// The ledger's streams, re-read after any change to it (ours, a callback, another process).
    case streamsChanged([StreamRecord])
    /// What the store's change feed named: these streams were written (by anyone, on any host),
    /// these sids are no longer kept (an unsettled start that found its sid). Only these change.
    case streamsUpdated(changed: [StreamRecord], removed: Set<String>)
    /// Audit entries appended to the shared store (any operator's), newest last.
    case auditAppended([AuditEntry])
    /// The store cannot be reached (its words), or nil once it answers again.
    case storeProblem(String?)
    /// The service started the stream; `notRecorded` says why the ledger or the audit trail
    /// did not record it, when they did not.
    case streamStarted(StreamRecord, notRecorded: String?)
    /// The start was refused or did not go out; `name` is the stream's name as sent, when it was.
    case streamStartFailed(conference: String, name: String?, message: String)
    /// The start's answer never came: the stream may have started. `request` is what was sent,
    /// with its name, so sending it again cannot make a second stream. `record` is the ledger's
    /// row for it (status unknown), when it could write one. `call` is the participant's call a
    /// call stream was started on (nil: the conference), so the start sent again goes there too.
    case streamStartUnknown(
        conference: String, conferenceName: String, request: StartStreamRequest, call: String? = nil, record: StreamRecord?,
        message: String)
    case streamStopFinished(StreamStopReport)
    /// A conference or participant action came back: `ok` false means it did not happen, and
    /// an optimistic change on screen is rolled back.
    case actionFinished(ActionOutcome)
    case auditLoaded([AuditEntry])
    /// A conference's recordings, read again after a recording action.
    case recordingsRead(conference: String, [Recording])
    /// A recording of one participant's call in `conference`, as the service answered its start,
    /// pause, resume or stop: shown in the recordings pane at once, before the next poll.
    case callRecordingChanged(conference: String, Recording)
    /// A call's recording was deleted: it leaves the recordings pane.
    case callRecordingDeleted(conference: String, sid: String)
    /// A conference status callback the receiver verified (`at`: when it reached the dashboard):
    /// applied at once, without waiting for a poll.
    case conferenceEvent(ConferenceStatusEvent, at: Date)
    /// `:profile NAME` connected: the screen starts over on the new space, in this state.
    indirect case profileSwitched(AppState)
    /// What writing an export came to (`text` again, should the operator say to overwrite).
    case exported(path: String, text: String, rows: Int, table: TableName = .conferences, TableExport.Outcome)
    /// The columns and views could not be kept in the state directory (why, in words): they
    /// hold for this run only.
    case layoutNotSaved(String)
}

/// What `update` asks the outside world to do.
public enum Effect: Equatable, Sendable {
    case refreshNow
    case setPaused(Bool)
    /// The conference now on screen (nil: back to the list), read in full on every poll.
    case watch(String?)
    /// A conference event named this conference: its participants are read on the next poll.
    case conferenceChanged(String)
    case startStream(conference: String, conferenceName: String, StartStreamRequest)
    /// A stream on one participant's call (`Calls/{CallSid}/Streams`), kept with its conference.
    case startCallStream(conference: String, conferenceName: String, call: String, StartCallStreamRequest)
    case stopStream(conference: String, stream: String)
    /// `:track SID`: a stream started elsewhere, added to the ledger by hand.
    case trackStream(conference: String, sid: String)
    /// These conferences were seen completed: their open streams ended with them.
    case conferencesEnded([String])
    /// A participant change whose outcome was unknown has been settled by a read: the audit
    /// trail gets a row saying whether it happened.
    case recordSettlement(conference: String, callSid: String, change: ParticipantChange, happened: Bool)
    case endConference(String)
    case announce(conference: String, url: String, method: CallbackMethod)
    case setMuted(conference: String, callSid: String, Bool)
    case setHold(conference: String, callSid: String, Bool, holdUrl: String?)
    case removeParticipant(conference: String, callSid: String)
    case pauseRecording(conference: String, recording: String, PauseBehavior)
    case resumeRecording(conference: String, recording: String)
    case stopRecording(conference: String, recording: String)
    case deleteRecording(conference: String, recording: String)
    /// Record one participant's call (`Calls/{CallSid}/Recordings`).
    case recordCall(conference: String, call: String, StartCallRecordingRequest)
    /// Pause, resume or stop a call's recording, through the call's endpoint.
    case updateCallRecording(conference: String, call: String, recording: String, RecordingUpdate)
    /// Delete a call's recording: the spec's account-level `DELETE …/Recordings/{Sid}`.
    case deleteCallRecording(conference: String, call: String, recording: String)
    case coach(conference: String, coach: String, callSidToCoach: String)
    case stopCoaching(conference: String, callSid: String)
    case announceToParticipant(conference: String, callSid: String, url: String, method: CallbackMethod)
    /// Put text on the operator's clipboard (OSC 52: works over SSH and inside tmux).
    case copyToClipboard(String)
    /// `:mouse on|off`: the terminal reports the mouse to the dashboard, or keeps it for its own
    /// text selection.
    case setMouse(Bool)
    /// Read the audit trail for the event log pane.
    case loadAudit
    /// `:profile NAME`: reconnect under another profile of the config file.
    case switchProfile(String)
    /// `:export PATH`: write `text` (the table, `rows` of it) to the file; one already there only
    /// with `overwrite`.
    case exportTable(path: String, text: String, rows: Int, table: TableName = .conferences, overwrite: Bool)
    /// Keep the profile's columns and views (`:columns`, `:view save`) in the state directory.
    case saveLayout(SavedLayout)
    case quit
}

/// How a conference or participant action ended, for the status line and for rolling back.
public struct ActionOutcome: Equatable, Sendable {
    public var summary: String
    public var ok: Bool
    /// The call the action was about, so an optimistic change to it can be rolled back.
    public var callSid: String?
    /// What the audit trail failed to record, shown beside the service's outcome.
    public var notRecorded: String?
    /// The answer never came: the change may have happened. Nothing is rolled back; the next
    /// reads settle it (`change` says what to look for).
    public var unknown: Bool
    public var change: ParticipantChange?
    public var conferenceSid: String?

    public init(
        summary: String, ok: Bool, callSid: String? = nil, notRecorded: String? = nil, unknown: Bool = false,
        change: ParticipantChange? = nil, conferenceSid: String? = nil
    ) {
        self.summary = summary
        self.ok = ok
        self.callSid = callSid
        self.notRecorded = notRecorded
        self.unknown = unknown
        self.change = change
        self.conferenceSid = conferenceSid
    }
}

/// What a stop came to at the service, and what confdash failed to record of it.
public struct StreamStopReport: Equatable, Sendable {
    public var sid: String
    public var name: String?
    public var outcome: StopOutcome
    /// The service's refusal or the transport failure, when there was one.
    public var error: String?
    /// Why the ledger or the audit trail did not record the stop, when they did not.
    public var notRecorded: String?
    /// The stop's answer never came: it may have stopped. The conference and what was sent,
    /// so it can be sent again.
    public var unknown: Bool
    public var conferenceSid: String?
    public var requested: String?

    public init(
        sid: String, name: String?, outcome: StopOutcome, error: String? = nil, notRecorded: String? = nil,
        unknown: Bool = false, conferenceSid: String? = nil, requested: String? = nil
    ) {
        self.sid = sid
        self.name = name
        self.outcome = outcome
        self.error = error
        self.notRecorded = notRecorded
        self.unknown = unknown
        self.conferenceSid = conferenceSid
        self.requested = requested
    }
}
