/// Filters for listing conferences. Dates are `YYYY-MM-DD`, as the service expects.
public struct ConferenceFilter: Sendable, Hashable {
    public var friendlyName: String?
    public var status: ConferenceStatus?
    public var dateCreated: String?
    public var dateCreatedBefore: String?
    public var dateCreatedAfter: String?
    public var dateUpdated: String?
    public var dateUpdatedBefore: String?
    public var dateUpdatedAfter: String?
    /// 1...1000; the service's default is 50.
    public var pageSize: Int?

    public init(
        friendlyName: String? = nil, status: ConferenceStatus? = nil, dateCreated: String? = nil,
        dateCreatedBefore: String? = nil, dateCreatedAfter: String? = nil, dateUpdated: String? = nil,
        dateUpdatedBefore: String? = nil, dateUpdatedAfter: String? = nil, pageSize: Int? = nil
    ) {
        self.friendlyName = friendlyName
        self.status = status
        self.dateCreated = dateCreated
        self.dateCreatedBefore = dateCreatedBefore
        self.dateCreatedAfter = dateCreatedAfter
        self.dateUpdated = dateUpdated
        self.dateUpdatedBefore = dateUpdatedBefore
        self.dateUpdatedAfter = dateUpdatedAfter
        self.pageSize = pageSize
    }

    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { items.append((key, value)) } }
        add("FriendlyName", friendlyName)
        add("Status", status?.rawValue)
        add("DateCreated", dateCreated)
        add("DateCreated<", dateCreatedBefore)
        add("DateCreated>", dateCreatedAfter)
        add("DateUpdated", dateUpdated)
        add("DateUpdated<", dateUpdatedBefore)
        add("DateUpdated>", dateUpdatedAfter)
        add("PageSize", pageSize.map(String.init))
        return items
    }
}

/// Filters for listing a conference's participants.
public struct ParticipantFilter: Sendable, Hashable {
    public var muted: Bool?
    public var hold: Bool?
    public var pageSize: Int?

    public init(muted: Bool? = nil, hold: Bool? = nil, pageSize: Int? = nil) {
        self.muted = muted
        self.hold = hold
        self.pageSize = pageSize
    }

    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let muted { items.append(("Muted", String(muted))) }
        if let hold { items.append(("Hold", String(hold))) }
        if let pageSize { items.append(("PageSize", String(pageSize))) }
        return items
    }
}

/// A change to a conference: end it, or play an announcement to it.
public struct ConferenceUpdate: Sendable, Hashable {
    public var end: Bool
    public var announceUrl: String?
    public var announceMethod: CallbackMethod?

    public init(end: Bool = false, announceUrl: String? = nil, announceMethod: CallbackMethod? = nil) {
        self.end = end
        self.announceUrl = announceUrl
        self.announceMethod = announceMethod
    }

    public static let endConference = ConferenceUpdate(end: true)

    public var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        if end { fields.append(("Status", "completed")) }
        if let announceUrl { fields.append(("AnnounceUrl", announceUrl)) }
        if let announceMethod { fields.append(("AnnounceMethod", announceMethod.rawValue)) }
        return fields
    }
}

/// A change to a participant: mute, hold, announce, coach.
public struct ParticipantUpdate: Sendable, Hashable {
    public var muted: Bool?
    public var hold: Bool?
    public var holdUrl: String?
    public var holdMethod: CallbackMethod?
    public var announceUrl: String?
    public var announceMethod: CallbackMethod?
    public var waitUrl: String?
    public var waitMethod: CallbackMethod?
    public var coaching: Bool?
    public var callSidToCoach: String?

    public init(
        muted: Bool? = nil, hold: Bool? = nil, holdUrl: String? = nil, holdMethod: CallbackMethod? = nil,
        announceUrl: String? = nil, announceMethod: CallbackMethod? = nil, waitUrl: String? = nil,
        waitMethod: CallbackMethod? = nil, coaching: Bool? = nil, callSidToCoach: String? = nil
    ) {
        self.muted = muted
        self.hold = hold
        self.holdUrl = holdUrl
        self.holdMethod = holdMethod
        self.announceUrl = announceUrl
        self.announceMethod = announceMethod
        self.waitUrl = waitUrl
        self.waitMethod = waitMethod
        self.coaching = coaching
        self.callSidToCoach = callSidToCoach
    }

    public var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { fields.append((key, value)) } }
        add("Muted", muted.map { String($0) })
        add("Hold", hold.map { String($0) })
        add("HoldUrl", holdUrl)
        add("HoldMethod", holdMethod?.rawValue)
        add("AnnounceUrl", announceUrl)
        add("AnnounceMethod", announceMethod?.rawValue)
        add("WaitUrl", waitUrl)
        add("WaitMethod", waitMethod?.rawValue)
        add("Coaching", coaching.map { String($0) })
        add("CallSidToCoach", callSidToCoach)
        return fields
    }
}

/// A custom parameter handed to the WebSocket server when a stream starts.
public struct StreamParameter: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Everything a stream start can carry. `bearerToken` is a secret: it is sent, never shown.
public struct StartStreamRequest: Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var name: String?
    public var track: StreamTrack?
    public var codec: StreamCodec?
    public var realTime: Bool?
    public var statusCallback: String?
    public var statusCallbackMethod: CallbackMethod?
    public var bearerToken: String?
    public var parameters: [StreamParameter]

    public static let maxParameters = 99

    public init(
        url: String, name: String? = nil, track: StreamTrack? = nil, codec: StreamCodec? = nil,
        realTime: Bool? = nil, statusCallback: String? = nil, statusCallbackMethod: CallbackMethod? = nil,
        bearerToken: String? = nil, parameters: [StreamParameter] = []
    ) {
        self.url = url
        self.name = name
        self.track = track
        self.codec = codec
        self.realTime = realTime
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.bearerToken = bearerToken
        self.parameters = parameters
    }

    public var formFields: [(String, String)] {
        var fields: [(String, String)] = [("Url", url)]
        func add(_ key: String, _ value: String?) { if let value { fields.append((key, value)) } }
        add("Name", name)
        add("Track", track?.rawValue)
        add("StreamCodec", codec?.rawValue)
        add("StreamRealTime", realTime.map { String($0) })
        add("StatusCallback", statusCallback)
        add("StatusCallbackMethod", statusCallbackMethod?.rawValue)
        add("AuthorizationBearerToken", bearerToken)
        for (index, parameter) in parameters.enumerated() {
            fields.append(("Parameter\(index + 1).Name", parameter.name))
            fields.append(("Parameter\(index + 1).Value", parameter.value))
        }
        return fields
    }

    public var description: String {
        "StartStreamRequest(url: \(url), name: \(name ?? "-"), track: \(track?.rawValue ?? "-"), "
            + "codec: \(codec?.rawValue ?? "-"), bearer token: \(bearerToken == nil ? "none" : "<redacted>"), "
            + "\(parameters.count) parameters)"
    }
}
