import CompatAPI
import Foundation

/// A conference as the emulator keeps it; the wire `Conference` is derived from it.
struct ConferenceRecord: Sendable {
    let sid: String
    var friendlyName: String
    var status: ConferenceStatus
    let region: String
    let dateCreated: Date
    var dateUpdated: Date
    /// Creation order; breaks ties between equal creation dates so list order is total.
    let sequence: Int
    /// In join order. Participants who leave a live conference are removed, as on the
    /// service; those of a completed conference stay, marked completed.
    var participants: [ParticipantRecord]
    var streams: [StreamRecord]
    var lastAnnouncement: String?
    /// Its recordings, in start order; a deleted one is gone.
    var recordings: [RecordingRecord] = []

    var cursor: PageCursor { PageCursor(date: dateCreated, sequence: sequence) }
}

/// A call in a conference.
struct ParticipantRecord: Sendable {
    let callSid: String
    var status: ParticipantStatus
    var muted: Bool
    var hold: Bool
    var coaching: Bool
    var callSidToCoach: String?
    var startConferenceOnEnter: Bool
    var endConferenceOnExit: Bool
    let dateCreated: Date
    var dateUpdated: Date
    let sequence: Int
    var holdUrl: String?
    var waitUrl: String?
    var lastAnnouncement: String?
    /// Speaking now: only conference status callbacks tell (the REST resource has no field for it).
    var speaking = false

    var cursor: PageCursor { PageCursor(date: dateCreated, sequence: sequence) }
}

/// A stream with everything the service remembers but never echoes.
struct StreamRecord: Sendable {
    let sid: String
    let name: String?
    var status: StreamStatus
    let url: String
    let track: StreamTrack
    let codec: StreamCodec?
    let realTime: Bool?
    let statusCallback: String?
    let statusCallbackMethod: CallbackMethod
    /// A secret: only its presence is ever shown.
    let bearerToken: String?
    let parameters: [StreamParameter]
    var dateUpdated: Date
}

/// Where the wire URIs of one account's resources live: always the documented
/// `/api/laml/2010-04-01` form, whichever prefix the request used.
struct ResourcePaths: Sendable {
    static let prefix = "/api/laml/2010-04-01"
    let accountSid: String

    var conferences: String { "\(Self.prefix)/Accounts/\(accountSid)/Conferences" }
    func conference(_ sid: String) -> String { "\(conferences)/\(sid)" }
    func participants(_ conferenceSid: String) -> String { "\(conference(conferenceSid))/Participants" }
    func streams(_ conferenceSid: String) -> String { "\(conference(conferenceSid))/Streams" }
}

extension ConferenceRecord {
    func wire(paths: ResourcePaths, accountSid: String) -> Conference {
        Conference(
            sid: sid, accountSid: accountSid, friendlyName: friendlyName, status: status, region: region,
            dateCreated: ServiceDate(dateCreated), dateUpdated: ServiceDate(dateUpdated),
            apiVersion: "2010-04-01", uri: paths.conference(sid) + ".json",
            subresourceUris: SubresourceURIs(
                participants: paths.participants(sid) + ".json",
                recordings: paths.conference(sid) + "/Recordings.json"))
    }
}

extension ParticipantRecord {
    func wire(conferenceSid: String, paths: ResourcePaths, accountSid: String) -> Participant {
        Participant(
            callSid: callSid, conferenceSid: conferenceSid, accountSid: accountSid, status: status, muted: muted,
            hold: hold, coaching: coaching, callSidToCoach: callSidToCoach,
            startConferenceOnEnter: startConferenceOnEnter, endConferenceOnExit: endConferenceOnExit,
            dateCreated: ServiceDate(dateCreated), dateUpdated: ServiceDate(dateUpdated),
            uri: paths.participants(conferenceSid) + "/\(callSid).json")
    }
}

extension StreamRecord {
    func wire(conferenceSid: String, paths: ResourcePaths, accountSid: String) -> ConferenceStream {
        ConferenceStream(
            sid: sid, conferenceSid: conferenceSid, accountSid: accountSid, name: name, status: status,
            dateUpdated: ServiceDate(dateUpdated), uri: paths.streams(conferenceSid) + "/\(sid).json")
    }

    func snapshot(conferenceSid: String) -> StreamSnapshot {
        StreamSnapshot(
            sid: sid, conferenceSid: conferenceSid, name: name, status: status.rawValue, url: url,
            track: track.rawValue, codec: codec?.rawValue, realTime: realTime, statusCallback: statusCallback,
            statusCallbackMethod: statusCallbackMethod.rawValue, parameters: parameters,
            hasBearerToken: bearerToken != nil)
    }
}

/// A stream as the admin surface and in-process tests see it: url, track, codec and
/// parameters included, the bearer token reduced to whether one was given.
public struct StreamSnapshot: Codable, Sendable, Hashable {
    public var sid: String
    public var conferenceSid: String
    public var name: String?
    public var status: String
    public var url: String
    public var track: String
    public var codec: String?
    public var realTime: Bool?
    public var statusCallback: String?
    public var statusCallbackMethod: String
    public var parameters: [StreamParameter]
    public var hasBearerToken: Bool
    /// The call, for a stream on one call (`conferenceSid` is then the conference it is in).
    public var callSid: String?
}

/// One conference as the admin surface lists it, with counts the API does not give.
public struct ConferenceSummary: Codable, Sendable, Hashable {
    public var sid: String
    public var friendlyName: String
    public var status: String
    public var region: String
    public var dateCreated: String
    public var participants: Int
    public var activeParticipants: Int
    public var streams: Int
    public var activeStreams: Int
}
