import CompatAPI
import Foundation

/// A recording, of a conference (started by the application's cXML: no REST call starts one)
/// or of one call (`POST Calls/{CallSid}/Recordings`), with what the service keeps about it.
///
/// Lifecycle: `in-progress` → `paused` ↔ `in-progress` → `stopped` → `completed` once the
/// file is processed (`EmulatorWorld.recordingProcessingDelay` on the injected clock). A pause
/// with `silence` keeps the file growing (the pause is recorded as silence); with `skip` it
/// does not.
struct RecordingRecord: Sendable {
    let sid: String
    /// The call recorded, for a call recording.
    let callSid: String?
    /// The conference recorded, for a conference recording.
    let conferenceSid: String?
    var status: RecordingStatus
    let source: RecordingSource
    let channels: Int
    let track: RecordingTrack?
    let trim: RecordingTrim
    let dateCreated: Date
    var dateUpdated: Date
    var endTime: Date?
    /// Seconds in the file before the current segment.
    var banked: Double = 0
    /// Since when the file has been growing (recording, or a pause filled with silence).
    var segmentStart: Date?
    var pauseBehavior: PauseBehavior?
    let sequence: Int
    let statusCallback: String?
    let statusCallbackMethod: CallbackMethod
    let statusCallbackEvents: [RecordingEvent]

    var cursor: PageCursor { PageCursor(date: dateCreated, sequence: sequence) }

    func duration(at now: Date) -> Int {
        max(0, Int(banked + (segmentStart.map { now.timeIntervalSince($0) } ?? 0)))
    }

    private mutating func bank(at now: Date) {
        if let start = segmentStart { banked += max(0, now.timeIntervalSince(start)) }
        segmentStart = nil
    }

    /// Applies a change the API asked for; the reason it cannot be made otherwise. Stopping a
    /// recording that is already stopped (or completed) changes nothing and is no error, as
    /// stopping a stopped stream is not.
    mutating func apply(_ change: Validation.RecordingChange, at now: Date) -> String? {
        switch change.status {
        case .paused:
            guard status == .inProgress || status == .paused else {
                return "Recording \(sid) is \(status.rawValue) and cannot be paused"
            }
            bank(at: now)
            let behavior = change.pauseBehavior ?? .silence
            if behavior == .silence { segmentStart = now }
            pauseBehavior = behavior
            status = .paused
        case .inProgress:
            guard status == .inProgress || status == .paused else {
                return "Recording \(sid) is \(status.rawValue) and cannot be resumed"
            }
            if status == .paused {
                bank(at: now)
                segmentStart = now
                pauseBehavior = nil
                status = .inProgress
            }
        default:  // stopped: Validation lets nothing else through
            guard status == .inProgress || status == .paused else { return nil }
            stop(at: now)
            return nil
        }
        dateUpdated = now
        return nil
    }

    mutating func stop(at now: Date) {
        bank(at: now)
        pauseBehavior = nil
        status = .stopped
        endTime = now
        dateUpdated = now
    }

    func wire(paths: ResourcePaths, accountSid: String, now: Date) -> Recording {
        let uri: String
        if let conferenceSid {
            uri = paths.conferenceRecordings(conferenceSid) + "/\(sid).json"
        } else {
            uri = paths.recording(sid) + ".json"
        }
        return Recording(
            sid: sid, accountSid: accountSid, callSid: callSid, conferenceSid: conferenceSid, channels: channels,
            dateCreated: ServiceDate(dateCreated), dateUpdated: ServiceDate(dateUpdated),
            startTime: ServiceDate(dateCreated), endTime: endTime.map { ServiceDate($0) }, duration: duration(at: now),
            source: source, status: status, uri: uri, transcriptionsUri: paths.recording(sid) + "/Transcriptions.json",
            trim: trim.rawValue)
    }

    func snapshot(now: Date) -> RecordingSnapshot {
        RecordingSnapshot(
            sid: sid, conferenceSid: conferenceSid, callSid: callSid, status: status.rawValue,
            pauseBehavior: pauseBehavior?.rawValue, duration: duration(at: now), channels: channels,
            track: track?.rawValue, source: source.rawValue, statusCallback: statusCallback)
    }
}

/// A recording as the admin surface and in-process tests see it: what the API shows, plus the
/// pause behaviour and track the API never echoes.
public struct RecordingSnapshot: Codable, Sendable, Hashable {
    public var sid: String
    public var conferenceSid: String?
    public var callSid: String?
    public var status: String
    /// While paused: `skip` or `silence`.
    public var pauseBehavior: String?
    public var duration: Int
    public var channels: Int
    public var track: String?
    public var source: String
    public var statusCallback: String?
}

/// A stream on one call, and the conference the call was in when it started (where its
/// status callbacks say it belongs).
struct CallStreamRecord: Sendable {
    var stream: StreamRecord
    let callSid: String
    let conferenceSid: String
    /// Start order.
    let sequence: Int

    func wire(paths: ResourcePaths, accountSid: String) -> CallStream {
        CallStream(
            sid: stream.sid, accountSid: accountSid, callSid: callSid, name: stream.name ?? stream.sid,
            status: stream.status, dateUpdated: ServiceDate(stream.dateUpdated),
            uri: paths.callStreams(callSid) + "/\(stream.sid).json")
    }

    var snapshot: StreamSnapshot {
        var snapshot = stream.snapshot(conferenceSid: conferenceSid)
        snapshot.callSid = callSid
        return snapshot
    }
}

/// A participant as the admin surface shows it: the API's fields, who coaches it, and the last
/// announcement played to it alone (which the API never echoes).
public struct ParticipantSnapshot: Codable, Sendable, Hashable {
    public var callSid: String
    public var conferenceSid: String
    public var status: String
    public var muted: Bool
    public var hold: Bool
    public var coaching: Bool
    public var callSidToCoach: String?
    /// The participants coaching this one.
    public var coachedBy: [String]
    public var lastAnnouncement: String?
}

extension ResourcePaths {
    var calls: String { "\(Self.prefix)/Accounts/\(accountSid)/Calls" }
    func call(_ sid: String) -> String { "\(calls)/\(sid)" }
    func callStreams(_ callSid: String) -> String { "\(call(callSid))/Streams" }
    func callRecordings(_ callSid: String) -> String { "\(call(callSid))/Recordings" }
    func conferenceRecordings(_ conferenceSid: String) -> String { "\(conference(conferenceSid))/Recordings" }
    /// The account-level recording, where a call recording's `uri` and every transcription live.
    func recording(_ sid: String) -> String { "\(Self.prefix)/Accounts/\(accountSid)/Recordings/\(sid)" }
}
