/// A media stream on one call (`Calls/{CallSid}/Streams`), as the service echoes it: the spec's
/// `CallStreamResponse`. Like a conference stream it cannot be listed or fetched afterwards.
public struct CallStream: Codable, Hashable, Sendable, Identifiable {
    public var sid: String
    public var accountSid: String
    public var callSid: String
    /// The spec requires a string here (the name given, or the service's own).
    public var name: String
    public var status: StreamStatus
    public var dateUpdated: ServiceDate
    public var uri: String

    public var id: String { sid }

    public init(
        sid: String, accountSid: String, callSid: String, name: String, status: StreamStatus,
        dateUpdated: ServiceDate, uri: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.callSid = callSid
        self.name = name
        self.status = status
        self.dateUpdated = dateUpdated
        self.uri = uri
    }

    enum CodingKeys: String, CodingKey {
        case sid, name, status, uri
        case accountSid = "account_sid"
        case callSid = "call_sid"
        case dateUpdated = "date_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = c.lenientString(.accountSid) ?? ""
        callSid = c.lenientString(.callSid) ?? ""
        name = c.lenientString(.name) ?? ""
        status = (try? c.decodeIfPresent(StreamStatus.self, forKey: .status)) ?? ""
        dateUpdated = (try? c.decodeIfPresent(ServiceDate.self, forKey: .dateUpdated)) ?? ServiceDate(raw: "")
        uri = c.lenientString(.uri) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(callSid, forKey: .callSid)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(name, forKey: .name)
        try c.encode(sid, forKey: .sid)
        try c.encode(status, forKey: .status)
        try c.encode(uri, forKey: .uri)
    }
}

/// Starts a stream on one call: the spec's `CreateCallStreamRequest`, which is the conference
/// stream's without `StreamCodec` and `StreamRealTime`. `bearerToken` is a secret: sent, never shown.
public struct StartCallStreamRequest: Sendable, Hashable, CustomStringConvertible {
    public var url: String
    /// Unique per call; a stream can be stopped by it.
    public var name: String?
    public var track: StreamTrack?
    public var statusCallback: String?
    public var statusCallbackMethod: CallbackMethod?
    public var bearerToken: String?
    public var parameters: [StreamParameter]

    public init(
        url: String, name: String? = nil, track: StreamTrack? = nil, statusCallback: String? = nil,
        statusCallbackMethod: CallbackMethod? = nil, bearerToken: String? = nil, parameters: [StreamParameter] = []
    ) {
        self.url = url
        self.name = name
        self.track = track
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.bearerToken = bearerToken
        self.parameters = parameters
    }

    /// The call-stream part of a conference stream's form. A codec or real-time choice cannot
    /// travel on a call stream, so one given is a problem (`problemsByPart`), never dropped
    /// silently.
    public init(_ request: StartStreamRequest) {
        self.init(
            url: request.url, name: request.name, track: request.track, statusCallback: request.statusCallback,
            statusCallbackMethod: request.statusCallbackMethod, bearerToken: request.bearerToken,
            parameters: request.parameters)
        droppedCodec = request.codec != nil
        droppedRealTime = request.realTime != nil
    }

    private var droppedCodec = false
    private var droppedRealTime = false

    /// The same request as a conference stream would take it, for the shared rules.
    var asConferenceRequest: StartStreamRequest {
        StartStreamRequest(
            url: url, name: name, track: track, statusCallback: statusCallback,
            statusCallbackMethod: statusCallbackMethod, bearerToken: bearerToken, parameters: parameters)
    }

    public var formFields: [(String, String)] { asConferenceRequest.formFields }

    /// The conference stream's rules (wss Url, track, callback, parameters), plus: no codec.
    public var problemsByPart: [StartStreamProblem] {
        var found = asConferenceRequest.problemsByPart
        if droppedCodec { found.append(.init(.codec, "a call stream takes no StreamCodec (the service picks it)")) }
        if droppedRealTime { found.append(.init(.codec, "a call stream takes no StreamRealTime")) }
        return found
    }

    public var problems: [String] { problemsByPart.map(\.message) }

    public var description: String {
        "StartCallStreamRequest(url: \(url), name: \(name ?? "-"), track: \(track?.rawValue ?? "-"), "
            + "bearer token: \(bearerToken == nil ? "none" : "<redacted>"), \(parameters.count) parameters)"
    }
}
