import CompatAPI
import Foundation

/// One stream as the ledger remembers it: what it was started with and where it is now.
public struct StreamRecord: Sendable, Hashable, Codable, Identifiable {
    public var sid: String
    public var accountSid: String
    public var conferenceSid: String
    /// The participant's call a call stream (`Calls/{CallSid}/Streams`) runs on; nil for a stream
    /// on the whole conference.
    public var callSid: String?
    /// The conference's friendly name when the stream was recorded, for display only.
    public var conferenceName: String?
    public var name: String?
    /// Nil for a stream confdash did not start: the service never echoes it.
    public var url: String?
    /// Nil means the service's default (both tracks), or unknown for a stream not started here.
    public var track: StreamTrack?
    /// Nil means the service's choice.
    public var codec: StreamCodec?
    public var realTime: Bool
    public var statusCallback: String?
    public var statusCallbackMethod: CallbackMethod?
    public var parameters: [StreamParameter]
    public var startedAt: Date
    public var startedFrom: StreamOrigin
    /// `user@host` of the operator who started (or tracked, or stopped) it; nil for a stream the
    /// application started (learned from a callback) and for rows written before it was kept.
    public var startedBy: String?
    public var status: StreamState
    /// Why it is in its status: the service's StreamError, "conference ended", a stop outcome.
    public var statusReason: String?
    public var updatedAt: Date

    public var id: String { sid }

    /// The key a stream is kept under while its sid is not known: a start whose answer never
    /// came. Names are unique among a conference's open streams at the service, so the
    /// conference and the name pick it out until a callback, a retry or a stop tells the sid.
    public static func provisionalSid(conferenceSid: String, name: String) -> String {
        provisionalPrefix + conferenceSid + "/" + name
    }

    static let provisionalPrefix = "?"

    /// False while the stream is kept under `provisionalSid`: act on it by its name.
    public var sidKnown: Bool { !sid.hasPrefix(Self.provisionalPrefix) }

    /// What to send the service to act on this stream: its sid, or its name while the sid is
    /// not known (the service stops a stream by name as well).
    public var serviceKey: String { sidKnown ? sid : (name ?? sid) }

    /// Where the stream came from, in the operator's words: `alice@ops-1` (from a dashboard),
    /// `CLI bob@ops-2`, `by hand`, or `application` for one nobody here started (learned from its
    /// status callback: the customer's cXML, another tool).
    public var startedByText: String {
        switch startedFrom {
        case .callback: "application"
        case .manual: "by hand" + (startedBy.map { " \($0)" } ?? "")
        case .cli: "CLI" + (startedBy.map { " \($0)" } ?? "")
        case .dashboard: startedBy ?? "dashboard"
        }
    }

    enum CodingKeys: String, CodingKey {
        case sid, accountSid, conferenceSid, callSid, conferenceName, name, url, track, codec, realTime, statusCallback
        case statusCallbackMethod, parameters, startedAt, startedFrom, startedBy, status, statusReason, updatedAt
    }

    // Every key is always written, null when unknown, so scripts reading the JSON see one shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(conferenceSid, forKey: .conferenceSid)
        try c.encode(callSid, forKey: .callSid)
        try c.encode(conferenceName, forKey: .conferenceName)
        try c.encode(name, forKey: .name)
        try c.encode(url, forKey: .url)
        try c.encode(track, forKey: .track)
        try c.encode(codec, forKey: .codec)
        try c.encode(realTime, forKey: .realTime)
        try c.encode(statusCallback, forKey: .statusCallback)
        try c.encode(statusCallbackMethod, forKey: .statusCallbackMethod)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(startedFrom, forKey: .startedFrom)
        try c.encode(startedBy, forKey: .startedBy)
        try c.encode(status, forKey: .status)
        try c.encode(statusReason, forKey: .statusReason)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    public init(
        sid: String, accountSid: String, conferenceSid: String, callSid: String? = nil, conferenceName: String? = nil,
        name: String? = nil,
        url: String? = nil, track: StreamTrack? = nil, codec: StreamCodec? = nil, realTime: Bool = false,
        statusCallback: String? = nil, statusCallbackMethod: CallbackMethod? = nil,
        parameters: [StreamParameter] = [], startedAt: Date, startedFrom: StreamOrigin, startedBy: String? = nil,
        status: StreamState,
        statusReason: String? = nil, updatedAt: Date
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.conferenceSid = conferenceSid
        self.callSid = callSid
        self.conferenceName = conferenceName
        self.name = name
        self.url = url
        self.track = track
        self.codec = codec
        self.realTime = realTime
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.parameters = parameters
        self.startedAt = startedAt
        self.startedFrom = startedFrom
        self.startedBy = startedBy
        self.status = status
        self.statusReason = statusReason
        self.updatedAt = updatedAt
    }
}
