import Foundation

/// A recording's status (the spec's `RecordingStatus`; Twilio also sends `failed`).
public struct RecordingStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let queued: Self = "queued"
    public static let inProgress: Self = "in-progress"
    public static let paused: Self = "paused"
    public static let resumed: Self = "resumed"
    public static let stopped: Self = "stopped"
    public static let completed: Self = "completed"
    public static let absent: Self = "absent"
    public static let failed: Self = "failed"
    public static let known: [Self] = [.queued, .inProgress, .paused, .resumed, .stopped, .completed, .absent, .failed]
    /// Still taking audio (or able to again): it can be paused, resumed or stopped.
    public var isActive: Bool { self == .queued || self == .inProgress || self == .paused || self == .resumed }
}

/// How a recording was made (the spec's `RecordingSource`).
public struct RecordingSource: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let dialVerb: Self = "DialVerb"
    public static let conference: Self = "Conference"
    public static let outboundAPI: Self = "OutBoundApi"
    public static let trunking: Self = "Trunking"
    public static let recordVerb: Self = "RecordVerb"
    public static let startCallRecordingAPI: Self = "StartCallRecordingApi"
    public static let startConferenceRecording: Self = "StartConferenceRecording"
    public static let known: [Self] = [
        .dialVerb, .conference, .outboundAPI, .trunking, .recordVerb, .startCallRecordingAPI,
        .startConferenceRecording,
    ]
}

/// What a paused recording holds for the pause: nothing (`skip`) or silence (`silence`, the
/// service's default).
public struct PauseBehavior: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let skip: Self = "skip"
    public static let silence: Self = "silence"
    public static let known: [Self] = [.skip, .silence]
}

/// `RecordingChannels` of a call recording: both legs in one channel, or one channel each.
public struct RecordingChannels: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let mono: Self = "mono"
    public static let dual: Self = "dual"
    public static let known: [Self] = [.mono, .dual]
}

/// `RecordingTrack` of a call recording: the audio from the party, to the party, or both.
public struct RecordingTrack: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inbound: Self = "inbound"
    public static let outbound: Self = "outbound"
    public static let both: Self = "both"
    public static let known: [Self] = [.both, .inbound, .outbound]
}

/// `Trim`: whether leading and trailing silence is cut.
public struct RecordingTrim: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let trimSilence: Self = "trim-silence"
    public static let doNotTrim: Self = "do-not-trim"
    public static let known: [Self] = [.trimSilence, .doNotTrim]
}

/// The events a call recording's status callback is sent for (`RecordingStatusCallbackEvent`).
public struct RecordingEvent: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inProgress: Self = "in-progress"
    public static let completed: Self = "completed"
    public static let absent: Self = "absent"
    public static let known: [Self] = [.inProgress, .completed, .absent]
}

/// A recording of a conference or of one call: the spec's `ConferenceRecording` and
/// `CallRecordingResponse`, which have the same fields.
public struct Recording: Codable, Hashable, Sendable, Identifiable {
    public var sid: String
    public var accountSid: String
    public var apiVersion: String
    /// Null for a conference recording.
    public var callSid: String?
    /// Null for a call recording.
    public var conferenceSid: String?
    /// 1 (mono) or 2 (dual); the wire has it as the string "1" or "2".
    public var channels: Int
    public var dateCreated: ServiceDate
    public var dateUpdated: ServiceDate
    public var startTime: ServiceDate?
    public var endTime: ServiceDate?
    /// Seconds recorded so far.
    public var duration: Int?
    public var price: String?
    public var priceUnit: String
    public var source: RecordingSource
    public var status: RecordingStatus
    public var errorCode: String?
    public var uri: String
    /// `subresource_uris.transcriptions`.
    public var transcriptionsUri: String
    public var encryptionDetails: String?
    public var trim: String

    public var id: String { sid }

    public init(
        sid: String, accountSid: String, apiVersion: String = "2010-04-01", callSid: String?, conferenceSid: String?,
        channels: Int, dateCreated: ServiceDate, dateUpdated: ServiceDate, startTime: ServiceDate?,
        endTime: ServiceDate?, duration: Int?, price: String? = nil, priceUnit: String = "USD",
        source: RecordingSource, status: RecordingStatus, errorCode: String? = nil, uri: String,
        transcriptionsUri: String, encryptionDetails: String? = nil, trim: String = RecordingTrim.doNotTrim.rawValue
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.apiVersion = apiVersion
        self.callSid = callSid
        self.conferenceSid = conferenceSid
        self.channels = channels
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.startTime = startTime
        self.endTime = endTime
        self.duration = duration
        self.price = price
        self.priceUnit = priceUnit
        self.source = source
        self.status = status
        self.errorCode = errorCode
        self.uri = uri
        self.transcriptionsUri = transcriptionsUri
        self.encryptionDetails = encryptionDetails
        self.trim = trim
    }

    enum CodingKeys: String, CodingKey {
        case sid, channel, channels, duration, price, source, status, uri, trim
        case accountSid = "account_sid"
        case apiVersion = "api_version"
        case callSid = "call_sid"
        case conferenceSid = "conference_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case startTime = "start_time"
        case endTime = "end_time"
        case priceUnit = "price_unit"
        case errorCode = "error_code"
        case subresourceUris = "subresource_uris"
        case encryptionDetails = "encryption_details"
    }

    struct SubresourceURIs: Codable {
        var transcriptions: String?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = c.lenientString(.accountSid) ?? ""
        apiVersion = c.lenientString(.apiVersion) ?? ""
        callSid = c.lenientString(.callSid)
        conferenceSid = c.lenientString(.conferenceSid)
        channels = c.lenientInt(.channels) ?? c.lenientInt(.channel) ?? 1
        dateCreated = (try? c.decodeIfPresent(ServiceDate.self, forKey: .dateCreated)) ?? ServiceDate(raw: "")
        dateUpdated = (try? c.decodeIfPresent(ServiceDate.self, forKey: .dateUpdated)) ?? ServiceDate(raw: "")
        startTime = try? c.decodeIfPresent(ServiceDate.self, forKey: .startTime)
        endTime = try? c.decodeIfPresent(ServiceDate.self, forKey: .endTime)
        duration = c.lenientInt(.duration)
        price = c.lenientString(.price)
        priceUnit = c.lenientString(.priceUnit) ?? ""
        source = (try? c.decodeIfPresent(RecordingSource.self, forKey: .source)) ?? ""
        status = (try? c.decodeIfPresent(RecordingStatus.self, forKey: .status)) ?? ""
        errorCode = c.lenientString(.errorCode)
        uri = c.lenientString(.uri) ?? ""
        transcriptionsUri = (try? c.decodeIfPresent(SubresourceURIs.self, forKey: .subresourceUris))?.transcriptions ?? ""
        encryptionDetails = c.lenientString(.encryptionDetails)
        trim = c.lenientString(.trim) ?? ""
    }

    // The spec's shape: channel and channels as strings, every nullable field written.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(callSid, forKey: .callSid)
        try c.encode(conferenceSid, forKey: .conferenceSid)
        try c.encode(String(channels), forKey: .channel)
        try c.encode(String(channels), forKey: .channels)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(endTime, forKey: .endTime)
        try c.encode(duration ?? 0, forKey: .duration)
        try c.encode(price, forKey: .price)
        try c.encode(priceUnit, forKey: .priceUnit)
        try c.encode(source, forKey: .source)
        try c.encode(status, forKey: .status)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(uri, forKey: .uri)
        try c.encode(SubresourceURIs(transcriptions: transcriptionsUri), forKey: .subresourceUris)
        try c.encode(encryptionDetails, forKey: .encryptionDetails)
        try c.encode(trim, forKey: .trim)
    }
}

extension Recording: PagedResource { public static let listKey = "recordings" }

/// Filters for listing a conference's recordings (`DateCreated`, `<`, `>` as `YYYY-MM-DD`).
public struct RecordingFilter: Sendable, Hashable {
    public var dateCreated: String?
    public var dateCreatedBefore: String?
    public var dateCreatedAfter: String?
    public var pageSize: Int?

    public init(
        dateCreated: String? = nil, dateCreatedBefore: String? = nil, dateCreatedAfter: String? = nil,
        pageSize: Int? = nil
    ) {
        self.dateCreated = dateCreated
        self.dateCreatedBefore = dateCreatedBefore
        self.dateCreatedAfter = dateCreatedAfter
        self.pageSize = pageSize
    }

    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { items.append((key, value)) } }
        add("DateCreated", dateCreated)
        add("DateCreated<", dateCreatedBefore)
        add("DateCreated>", dateCreatedAfter)
        add("PageSize", pageSize.map(String.init))
        return items
    }

    public var problems: [String] {
        var found: [String] = []
        for (key, value) in [
            ("DateCreated", dateCreated), ("DateCreated<", dateCreatedBefore), ("DateCreated>", dateCreatedAfter),
        ] {
            if let value, !RequestRules.isDay(value) { found.append("\(key) must be a date as YYYY-MM-DD (got \(value))") }
        }
        if let pageSize, let problem = RequestRules.pageSizeProblem(pageSize) { found.append(problem) }
        return found
    }
}

/// A change to a recording, conference or call: pause (with what the pause leaves in the
/// file), resume, or stop. The service takes nothing else.
public struct RecordingUpdate: Sendable, Hashable {
    /// The status asked for: `paused`, `in-progress` (resume) or `stopped`.
    public var status: RecordingStatus
    /// Only with `paused`; the service's default is `silence`.
    public var pauseBehavior: PauseBehavior?

    public init(status: RecordingStatus, pauseBehavior: PauseBehavior? = nil) {
        self.status = status
        self.pauseBehavior = pauseBehavior
    }

    public static func pause(_ behavior: PauseBehavior? = nil) -> RecordingUpdate {
        RecordingUpdate(status: .paused, pauseBehavior: behavior)
    }
    public static let resume = RecordingUpdate(status: .inProgress)
    public static let stop = RecordingUpdate(status: .stopped)

    /// The statuses an update may ask for.
    public static let settable: [RecordingStatus] = [.paused, .inProgress, .stopped]

    public var formFields: [(String, String)] {
        var fields = [("Status", status.rawValue)]
        if let pauseBehavior { fields.append(("PauseBehavior", pauseBehavior.rawValue)) }
        return fields
    }

    public var problems: [String] {
        var found: [String] = []
        if !Self.settable.contains(status) {
            found.append("Status must be paused, in-progress or stopped (got \(status.rawValue))")
        }
        if let pauseBehavior {
            if !pauseBehavior.isKnown {
                found.append("PauseBehavior must be skip or silence (got \(pauseBehavior.rawValue))")
            } else if status != .paused {
                found.append("PauseBehavior applies only when pausing (Status=paused)")
            }
        }
        return found
    }
}

/// Starts recording one call (`POST Calls/{CallSid}/Recordings`), with the fields the spec's
/// `CreateCallRecordingRequest` takes.
public struct StartCallRecordingRequest: Sendable, Hashable {
    public var channels: RecordingChannels?
    public var track: RecordingTrack?
    public var trim: RecordingTrim?
    public var statusCallback: String?
    public var statusCallbackMethod: CallbackMethod?
    /// Sent space-separated; the service's default is `completed`.
    public var statusCallbackEvents: [RecordingEvent]

    public init(
        channels: RecordingChannels? = nil, track: RecordingTrack? = nil, trim: RecordingTrim? = nil,
        statusCallback: String? = nil, statusCallbackMethod: CallbackMethod? = nil,
        statusCallbackEvents: [RecordingEvent] = []
    ) {
        self.channels = channels
        self.track = track
        self.trim = trim
        self.statusCallback = statusCallback
        self.statusCallbackMethod = statusCallbackMethod
        self.statusCallbackEvents = statusCallbackEvents
    }

    public var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { fields.append((key, value)) } }
        add("RecordingChannels", channels?.rawValue)
        add("RecordingTrack", track?.rawValue)
        add("Trim", trim?.rawValue)
        add("RecordingStatusCallback", statusCallback)
        add("RecordingStatusCallbackMethod", statusCallbackMethod?.rawValue)
        if !statusCallbackEvents.isEmpty {
            add("RecordingStatusCallbackEvent", statusCallbackEvents.map(\.rawValue).joined(separator: " "))
        }
        return fields
    }

    public var problems: [String] {
        var found: [String] = []
        if let channels, !channels.isKnown { found.append("RecordingChannels must be mono or dual") }
        if let track, !track.isKnown { found.append("RecordingTrack must be inbound, outbound or both") }
        if let trim, !trim.isKnown { found.append("Trim must be trim-silence or do-not-trim") }
        if let statusCallback, let problem = RequestRules.callbackProblem("RecordingStatusCallback", statusCallback) {
            found.append(problem)
        }
        if let method = statusCallbackMethod, !method.isKnown {
            found.append("RecordingStatusCallbackMethod must be GET or POST")
        }
        if let unknown = statusCallbackEvents.first(where: { !$0.isKnown }) {
            found.append("RecordingStatusCallbackEvent must be in-progress, completed or absent (got \(unknown.rawValue))")
        }
        if !statusCallbackEvents.isEmpty, statusCallback == nil {
            found.append("RecordingStatusCallbackEvent needs a RecordingStatusCallback")
        }
        return found
    }
}
