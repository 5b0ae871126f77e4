import CompatAPI
import Foundation
import Ledger
import OperatorActions
import Profiles

// What each scripting command prints with --json: one shape per resource, with the service's
// own snake_case names, every key written (null when unknown), dates as `Date` so the one
// encoder (`Output.encoder`) writes them as ISO 8601 UTC. The library types keep their own
// Codable (the API's wire format, the ledger's storage); these are the CLI's contract, each
// described by a file in schemas/.

/// A conference, as `conferences list` and `conferences end|announce` print it.
struct ConferenceJSON: Encodable {
    let conference: Conference

    init(_ conference: Conference) { self.conference = conference }

    enum CodingKeys: String, CodingKey {
        case sid, status, region, uri
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case apiVersion = "api_version"
        case subresourceUris = "subresource_uris"
        case reasonConferenceEnded = "reason_conference_ended"
        case callSidEndingConference = "call_sid_ending_conference"
    }

    func encode(to encoder: any Encoder) throws {
        let c = conference
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(c.sid, forKey: .sid)
        try container.encode(c.accountSid, forKey: .accountSid)
        try container.encode(c.friendlyName, forKey: .friendlyName)
        try container.encode(c.status.rawValue, forKey: .status)
        try container.encode(c.region, forKey: .region)
        // A date the service wrote in a form confdash cannot read is null, never a guess.
        try container.encode(c.dateCreated.date, forKey: .dateCreated)
        try container.encode(c.dateUpdated.date, forKey: .dateUpdated)
        try container.encode(c.apiVersion, forKey: .apiVersion)
        try container.encode(c.uri, forKey: .uri)
        try container.encode(c.subresourceUris, forKey: .subresourceUris)
        try container.encode(c.reasonConferenceEnded, forKey: .reasonConferenceEnded)
        try container.encode(c.callSidEndingConference, forKey: .callSidEndingConference)
    }
}

/// A participant, as `participants list` and the participant actions print it.
struct ParticipantJSON: Encodable {
    let participant: Participant

    init(_ participant: Participant) { self.participant = participant }

    enum CodingKeys: String, CodingKey {
        case status, muted, hold, coaching, uri, label
        case callSid = "call_sid"
        case conferenceSid = "conference_sid"
        case accountSid = "account_sid"
        case callSidToCoach = "call_sid_to_coach"
        case startConferenceOnEnter = "start_conference_on_enter"
        case endConferenceOnExit = "end_conference_on_exit"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    func encode(to encoder: any Encoder) throws {
        let p = participant
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(p.callSid, forKey: .callSid)
        try container.encode(p.conferenceSid, forKey: .conferenceSid)
        try container.encode(p.accountSid, forKey: .accountSid)
        try container.encode(p.status.rawValue, forKey: .status)
        try container.encode(p.muted, forKey: .muted)
        try container.encode(p.hold, forKey: .hold)
        try container.encode(p.coaching, forKey: .coaching)
        try container.encode(p.callSidToCoach, forKey: .callSidToCoach)
        try container.encode(p.startConferenceOnEnter, forKey: .startConferenceOnEnter)
        try container.encode(p.endConferenceOnExit, forKey: .endConferenceOnExit)
        try container.encode(p.dateCreated.date, forKey: .dateCreated)
        try container.encode(p.dateUpdated.date, forKey: .dateUpdated)
        try container.encode(p.uri, forKey: .uri)
        try container.encode(p.label, forKey: .label)
    }
}

/// What `participants remove --json` prints: the service answers a removal with no body.
struct ParticipantRemovedJSON: Encodable {
    let conferenceSid: String
    let callSid: String

    enum CodingKeys: String, CodingKey {
        case conferenceSid = "conference_sid"
        case callSid = "call_sid"
        case removed
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conferenceSid, forKey: .conferenceSid)
        try container.encode(callSid, forKey: .callSid)
        try container.encode(true, forKey: .removed)
    }
}

/// A stream as the ledger holds it: `streams start` prints the one it started, `streams list`
/// all of them, `streams stop` the one it stopped.
struct StreamJSON: Encodable {
    let record: StreamRecord

    init(_ record: StreamRecord) { self.record = record }

    enum CodingKeys: String, CodingKey {
        case sid, name, url, track, codec, parameters, status
        case accountSid = "account_sid"
        case conferenceSid = "conference_sid"
        case callSid = "call_sid"
        case conferenceName = "conference_name"
        case realTime = "real_time"
        case statusCallback = "status_callback"
        case statusCallbackMethod = "status_callback_method"
        case startedAt = "started_at"
        case startedFrom = "started_from"
        case startedBy = "started_by"
        case statusReason = "status_reason"
        case updatedAt = "updated_at"
    }

    struct Parameter: Encodable {
        let name: String
        let value: String
    }

    func encode(to encoder: any Encoder) throws {
        let s = record
        var container = encoder.container(keyedBy: CodingKeys.self)
        // A stream kept by name while its sid is not known has no sid to give: null, not the key
        // the ledger keeps it under.
        try container.encode(s.sidKnown ? s.sid : nil, forKey: .sid)
        try container.encode(s.accountSid, forKey: .accountSid)
        try container.encode(s.conferenceSid, forKey: .conferenceSid)
        // The participant's call a call stream runs on; null for a stream on the whole conference.
        try container.encode(s.callSid, forKey: .callSid)
        try container.encode(s.conferenceName, forKey: .conferenceName)
        try container.encode(s.name, forKey: .name)
        try container.encode(s.url, forKey: .url)
        try container.encode(s.track?.rawValue, forKey: .track)
        try container.encode(s.codec?.rawValue, forKey: .codec)
        try container.encode(s.realTime, forKey: .realTime)
        try container.encode(s.statusCallback, forKey: .statusCallback)
        try container.encode(s.statusCallbackMethod?.rawValue, forKey: .statusCallbackMethod)
        try container.encode(s.parameters.map { Parameter(name: $0.name, value: $0.value) }, forKey: .parameters)
        try container.encode(s.startedAt, forKey: .startedAt)
        try container.encode(s.startedFrom.rawValue, forKey: .startedFrom)
        try container.encode(s.startedBy, forKey: .startedBy)
        try container.encode(s.status.rawValue, forKey: .status)
        try container.encode(s.statusReason, forKey: .statusReason)
        try container.encode(s.updatedAt, forKey: .updatedAt)
    }
}

/// What `streams stop --json` prints: what the service did, and the stream as the ledger holds
/// it afterwards (null when the ledger could not record or read it; the exit status is then 8).
struct StreamStopJSON: Encodable {
    let conferenceSid: String
    let stop: StreamStop
    let stream: StreamRecord?

    enum CodingKeys: String, CodingKey {
        case sid, name, outcome, stream
        case conferenceSid = "conference_sid"
    }

    /// `stopped`, or `already-stopped` when the ledger knew it had stopped before this request.
    static func outcome(_ outcome: StopOutcome) -> String {
        switch outcome {
        case .stopped: "stopped"
        case .alreadyStopped: "already-stopped"
        case .notFound: "not-found"
        case .refused: "refused"
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stop.sid, forKey: .sid)
        try container.encode(stop.name, forKey: .name)
        try container.encode(conferenceSid, forKey: .conferenceSid)
        try container.encode(Self.outcome(stop.outcome), forKey: .outcome)
        try container.encode(stream.map(StreamJSON.init), forKey: .stream)
    }
}

/// A row of the audit trail, as `audit --json` prints it. The ledger stores the parameters'
/// names as OperatorActions wrote them (`conferenceName`); they are printed snake_case
/// (`conference_name`), except a custom stream parameter's own name (`parameter.NAME`), which is
/// the operator's and printed as given.
struct AuditJSON: Encodable {
    let entry: AuditEntry

    init(_ entry: AuditEntry) { self.entry = entry }

    enum CodingKeys: String, CodingKey {
        case id, at, profile, action, parameters, outcome, detail, origin, request
        case localUser = "local_user"
        case accountSid = "account_sid"
        case conferenceSid = "conference_sid"
        case targetSid = "target_sid"
    }

    static func parameterName(_ name: String) -> String {
        if name.hasPrefix("parameter.") { return name }
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result += "_" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    func encode(to encoder: any Encoder) throws {
        let e = entry
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(e.id, forKey: .id)
        try container.encode(e.at, forKey: .at)
        try container.encode(e.localUser, forKey: .localUser)
        try container.encode(e.profile, forKey: .profile)
        try container.encode(e.accountSid, forKey: .accountSid)
        try container.encode(e.action.rawValue, forKey: .action)
        try container.encode(e.conferenceSid, forKey: .conferenceSid)
        try container.encode(e.targetSid, forKey: .targetSid)
        let parameters = Dictionary(e.parameters.map { (Self.parameterName($0.key), $0.value) }) { first, _ in first }
        try container.encode(parameters, forKey: .parameters)
        try container.encode(e.outcome.rawValue, forKey: .outcome)
        try container.encode(e.detail, forKey: .detail)
        try container.encode(e.origin.rawValue, forKey: .origin)
        try container.encode(e.request.map(RequestJSON.init), forKey: .request)
    }

    /// The request behind the action: `{"method": "POST", "path": "/api/…", "status": 201, "ms": 84}`.
    struct RequestJSON: Encodable {
        let method: String
        let path: String
        let status: Int?
        let ms: Int

        init(_ request: SentRequest) {
            method = request.method
            path = request.path
            status = request.status
            ms = request.milliseconds
        }

        enum CodingKeys: String, CodingKey { case method, path, status, ms }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(method, forKey: .method)
            try container.encode(path, forKey: .path)
            // null, not absent, when no answer came: every key is always there.
            try container.encode(status, forKey: .status)
            try container.encode(ms, forKey: .ms)
        }
    }
}

/// What `info --json` prints: the settings and where each came from, the paths, the versions.
struct InfoJSON: Encodable {
    let report: ProfileReport

    init(_ report: ProfileReport) { self.report = report }

    enum CodingKeys: String, CodingKey { case settings, paths, versions }
    enum PathKeys: String, CodingKey {
        case ledger
        case configFile = "config_file"
        case configFileExists = "config_file_exists"
        case stateDirectory = "state_directory"
        case logFile = "log_file"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Each row is {setting, value, source, from}: already one word a key.
        try container.encode(report.settings, forKey: .settings)
        var paths = container.nestedContainer(keyedBy: PathKeys.self, forKey: .paths)
        try paths.encode(report.paths.configFile, forKey: .configFile)
        try paths.encode(report.paths.configFileExists, forKey: .configFileExists)
        try paths.encode(report.paths.stateDirectory, forKey: .stateDirectory)
        try paths.encode(report.paths.ledger, forKey: .ledger)
        try paths.encode(report.paths.logFile, forKey: .logFile)
        try container.encode(report.versions, forKey: .versions)
    }
}

/// A recording (of a conference, or of one call), as `recordings list`, `recordings
/// pause|resume|stop` and `participants record` print it: the service's names, `channels` a
/// number (the wire's "1" or "2"), dates in ISO 8601 UTC.
struct RecordingJSON: Encodable {
    let recording: Recording

    init(_ recording: Recording) { self.recording = recording }

    enum CodingKeys: String, CodingKey {
        case sid, status, source, channels, duration, price, trim, uri
        case accountSid = "account_sid"
        case conferenceSid = "conference_sid"
        case callSid = "call_sid"
        case startTime = "start_time"
        case endTime = "end_time"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case errorCode = "error_code"
        case priceUnit = "price_unit"
    }

    func encode(to encoder: any Encoder) throws {
        let r = recording
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(r.sid, forKey: .sid)
        try container.encode(r.accountSid, forKey: .accountSid)
        try container.encode(r.conferenceSid, forKey: .conferenceSid)
        try container.encode(r.callSid, forKey: .callSid)
        try container.encode(r.status.rawValue, forKey: .status)
        try container.encode(r.source.rawValue, forKey: .source)
        try container.encode(r.channels, forKey: .channels)
        try container.encode(r.duration, forKey: .duration)
        // A date the service wrote in a form confdash cannot read is null, never a guess.
        try container.encode(r.startTime?.date, forKey: .startTime)
        try container.encode(r.endTime?.date, forKey: .endTime)
        try container.encode(r.dateCreated.date, forKey: .dateCreated)
        try container.encode(r.dateUpdated.date, forKey: .dateUpdated)
        try container.encode(r.errorCode, forKey: .errorCode)
        try container.encode(r.price, forKey: .price)
        try container.encode(r.priceUnit, forKey: .priceUnit)
        try container.encode(r.trim, forKey: .trim)
        try container.encode(r.uri, forKey: .uri)
    }
}

/// What `recordings delete --json` prints: the service answers a deletion with no body.
struct RecordingDeletedJSON: Encodable {
    let conferenceSid: String
    let sid: String

    enum CodingKeys: String, CodingKey {
        case sid, deleted
        case conferenceSid = "conference_sid"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(conferenceSid, forKey: .conferenceSid)
        try container.encode(true, forKey: .deleted)
    }
}
