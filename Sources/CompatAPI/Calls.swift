import Foundation

/// A call's status (the spec's `CallStatus`).
public struct CallStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let queued: Self = "queued"
    public static let ringing: Self = "ringing"
    public static let inProgress: Self = "in-progress"
    public static let canceled: Self = "canceled"
    public static let completed: Self = "completed"
    public static let busy: Self = "busy"
    public static let failed: Self = "failed"
    public static let noAnswer: Self = "no-answer"
    public static let known: [Self] = [
        .queued, .ringing, .inProgress, .canceled, .completed, .busy, .failed, .noAnswer,
    ]
    /// The call is up or on its way up: recordings and streams can still start on it.
    public var isLive: Bool { self == .queued || self == .ringing || self == .inProgress }
}

/// Which way a call goes. The spec has `inbound` and `outbound`; Twilio also sends
/// `outbound-api` and `outbound-dial`.
public struct CallDirection: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inbound: Self = "inbound"
    public static let outbound: Self = "outbound"
    public static let outboundAPI: Self = "outbound-api"
    public static let outboundDial: Self = "outbound-dial"
    public static let known: [Self] = [.inbound, .outbound, .outboundAPI, .outboundDial]
    public var isInbound: Bool { self == .inbound }
}

/// Links from a call to its sub-resources.
public struct CallSubresourceURIs: Codable, Hashable, Sendable {
    /// Always null on SignalWire.
    public var notifications: String?
    public var recordings: String

    public init(notifications: String? = nil, recordings: String) {
        self.notifications = notifications
        self.recordings = recordings
    }

    enum CodingKeys: String, CodingKey { case notifications, recordings }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        notifications = c.lenientString(.notifications)
        recordings = c.lenientString(.recordings) ?? ""
    }

    // notifications is required by the spec even when null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(notifications, forKey: .notifications)
        try c.encode(recordings, forKey: .recordings)
    }
}

/// A call (a participant's `call_sid` is one): who is on it, for how long, and how it sounds.
public struct Call: Codable, Hashable, Sendable, Identifiable {
    public var sid: String
    public var accountSid: String
    public var dateCreated: ServiceDate
    public var dateUpdated: ServiceDate
    public var parentCallSid: String?
    /// The address called: an E.164 number or a SIP URI.
    public var to: String
    /// `to` as the service formats it for people, e.g. `(310) 567-8901`.
    public var toFormatted: String
    /// The address that called.
    public var from: String
    public var fromFormatted: String
    public var phoneNumberSid: String?
    public var status: CallStatus
    public var startTime: ServiceDate?
    public var endTime: ServiceDate?
    /// Seconds. SignalWire: an integer, growing while the call lasts; Twilio: text, and null
    /// until the call ends.
    public var duration: Int?
    public var price: Double?
    public var priceUnit: String
    public var direction: CallDirection
    public var answeredBy: String?
    public var apiVersion: String
    public var forwardedFrom: String?
    /// CNAM or SIP display name; SignalWire's spec says "always null", so treat it as optional.
    public var callerName: String?
    public var uri: String
    public var subresourceUris: CallSubresourceURIs
    public var annotation: String?
    public var groupSid: String?
    public var sipResultCode: String?
    /// `audio_in_mos`, jitter, RTT and packet loss, with the call's duration.
    public var quality: CallQuality

    public var id: String { sid }

    public init(
        sid: String, accountSid: String, dateCreated: ServiceDate, dateUpdated: ServiceDate,
        parentCallSid: String? = nil, to: String, toFormatted: String, from: String, fromFormatted: String,
        phoneNumberSid: String? = nil, status: CallStatus, startTime: ServiceDate?, endTime: ServiceDate? = nil,
        duration: Int?, price: Double? = nil, priceUnit: String = "USD", direction: CallDirection,
        answeredBy: String? = nil, apiVersion: String = "2010-04-01", forwardedFrom: String? = nil,
        callerName: String? = nil, uri: String, subresourceUris: CallSubresourceURIs, annotation: String? = nil,
        groupSid: String? = nil, sipResultCode: String? = nil, quality: CallQuality = CallQuality()
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.parentCallSid = parentCallSid
        self.to = to
        self.toFormatted = toFormatted
        self.from = from
        self.fromFormatted = fromFormatted
        self.phoneNumberSid = phoneNumberSid
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.duration = duration
        self.price = price
        self.priceUnit = priceUnit
        self.direction = direction
        self.answeredBy = answeredBy
        self.apiVersion = apiVersion
        self.forwardedFrom = forwardedFrom
        self.callerName = callerName
        self.uri = uri
        self.subresourceUris = subresourceUris
        self.annotation = annotation
        self.groupSid = groupSid
        self.sipResultCode = sipResultCode
        var quality = quality
        if quality.seconds == nil { quality.seconds = duration }
        self.quality = quality
    }

    /// MOS under 3.5 or loss over 2% (`CallQuality`'s thresholds).
    public var isPoorQuality: Bool { quality.isPoor }

    enum CodingKeys: String, CodingKey {
        case sid, to, from, status, duration, price, direction, uri, annotation
        case accountSid = "account_sid"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case parentCallSid = "parent_call_sid"
        case formattedTo = "formatted_to"
        case toFormatted = "to_formatted"
        case formattedFrom = "formatted_from"
        case fromFormatted = "from_formatted"
        case phoneNumberSid = "phone_number_sid"
        case startTime = "start_time"
        case endTime = "end_time"
        case priceUnit = "price_unit"
        case answeredBy = "answered_by"
        case apiVersion = "api_version"
        case forwardedFrom = "forwarded_from"
        case callerName = "caller_name"
        case subresourceUris = "subresource_uris"
        case groupSid = "group_sid"
        case sipResultCode = "sip_result_code"
        case audioInMos = "audio_in_mos"
        case audioRttAvg = "audio_rtt_avg"
        case audioRttMin = "audio_rtt_min"
        case audioRttMax = "audio_rtt_max"
        case audioOutJitterMin = "audio_out_jitter_min"
        case audioOutJitterMax = "audio_out_jitter_max"
        case audioOutJitterAvg = "audio_out_jitter_avg"
        case audioOutLost = "audio_out_lost"
    }

    // Lenient: one odd call never fails a page (Twilio writes duration and price as text).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = c.lenientString(.accountSid) ?? ""
        dateCreated = (try? c.decodeIfPresent(ServiceDate.self, forKey: .dateCreated)) ?? ServiceDate(raw: "")
        dateUpdated = (try? c.decodeIfPresent(ServiceDate.self, forKey: .dateUpdated)) ?? ServiceDate(raw: "")
        parentCallSid = c.lenientString(.parentCallSid)
        to = c.lenientString(.to) ?? ""
        from = c.lenientString(.from) ?? ""
        toFormatted = c.lenientString(.toFormatted) ?? c.lenientString(.formattedTo) ?? to
        fromFormatted = c.lenientString(.fromFormatted) ?? c.lenientString(.formattedFrom) ?? from
        phoneNumberSid = c.lenientString(.phoneNumberSid)
        status = (try? c.decodeIfPresent(CallStatus.self, forKey: .status)) ?? ""
        startTime = try? c.decodeIfPresent(ServiceDate.self, forKey: .startTime)
        endTime = try? c.decodeIfPresent(ServiceDate.self, forKey: .endTime)
        duration = c.lenientInt(.duration)
        price = c.lenientDouble(.price)
        priceUnit = c.lenientString(.priceUnit) ?? ""
        direction = (try? c.decodeIfPresent(CallDirection.self, forKey: .direction)) ?? ""
        answeredBy = c.lenientString(.answeredBy)
        apiVersion = c.lenientString(.apiVersion) ?? ""
        forwardedFrom = c.lenientString(.forwardedFrom)
        callerName = c.lenientString(.callerName)
        uri = c.lenientString(.uri) ?? ""
        subresourceUris =
            (try? c.decodeIfPresent(CallSubresourceURIs.self, forKey: .subresourceUris))
            ?? CallSubresourceURIs(recordings: "")
        annotation = c.lenientString(.annotation)
        groupSid = c.lenientString(.groupSid)
        sipResultCode = c.lenientString(.sipResultCode)
        quality = Self.quality(c, seconds: duration)
    }

    // Every field the spec requires, nulls included, in the spec's shape (both spellings of
    // the formatted numbers; duration an integer).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(parentCallSid, forKey: .parentCallSid)
        try c.encode(to, forKey: .to)
        try c.encode(toFormatted, forKey: .formattedTo)
        try c.encode(toFormatted, forKey: .toFormatted)
        try c.encode(from, forKey: .from)
        try c.encode(fromFormatted, forKey: .formattedFrom)
        try c.encode(fromFormatted, forKey: .fromFormatted)
        try c.encode(phoneNumberSid, forKey: .phoneNumberSid)
        try c.encode(status, forKey: .status)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(endTime, forKey: .endTime)
        try c.encode(duration ?? 0, forKey: .duration)
        try c.encode(price, forKey: .price)
        try c.encode(priceUnit, forKey: .priceUnit)
        try c.encode(direction, forKey: .direction)
        try c.encode(answeredBy, forKey: .answeredBy)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(forwardedFrom, forKey: .forwardedFrom)
        try c.encode(callerName, forKey: .callerName)
        try c.encode(uri, forKey: .uri)
        try c.encode(subresourceUris, forKey: .subresourceUris)
        try c.encode(annotation, forKey: .annotation)
        try c.encode(groupSid, forKey: .groupSid)
        try c.encode(sipResultCode, forKey: .sipResultCode)
        try c.encode(quality.mos, forKey: .audioInMos)
        try c.encode(quality.rttAvg, forKey: .audioRttAvg)
        try c.encode(quality.rttMin, forKey: .audioRttMin)
        try c.encode(quality.rttMax, forKey: .audioRttMax)
        try c.encode(quality.jitterMin, forKey: .audioOutJitterMin)
        try c.encode(quality.jitterMax, forKey: .audioOutJitterMax)
        try c.encode(quality.jitterAvg, forKey: .audioOutJitterAvg)
        try c.encode(quality.packetsLost, forKey: .audioOutLost)
    }
}

extension Call: PagedResource { public static let listKey = "calls" }

/// Filters for listing calls (the spec's `Status`, `From`, `To`, `ParentCallSid`, `StartTime`
/// and `EndTime` with their `<` and `>` forms).
public struct CallFilter: Sendable, Hashable {
    public var status: CallStatus?
    /// The calling address exactly as the service stores it (`+15551234567`, `sip:…`).
    public var from: String?
    public var to: String?
    public var parentCallSid: String?
    /// `YYYY-MM-DD`; `<` and `>` include the day itself.
    public var startTime: String?
    public var startTimeBefore: String?
    public var startTimeAfter: String?
    public var endTime: String?
    public var endTimeBefore: String?
    public var endTimeAfter: String?
    /// 1...1000; the service's default is 50.
    public var pageSize: Int?

    public init(
        status: CallStatus? = nil, from: String? = nil, to: String? = nil, parentCallSid: String? = nil,
        startTime: String? = nil, startTimeBefore: String? = nil, startTimeAfter: String? = nil,
        endTime: String? = nil, endTimeBefore: String? = nil, endTimeAfter: String? = nil, pageSize: Int? = nil
    ) {
        self.status = status
        self.from = from
        self.to = to
        self.parentCallSid = parentCallSid
        self.startTime = startTime
        self.startTimeBefore = startTimeBefore
        self.startTimeAfter = startTimeAfter
        self.endTime = endTime
        self.endTimeBefore = endTimeBefore
        self.endTimeAfter = endTimeAfter
        self.pageSize = pageSize
    }

    /// The calls that are up now, as many a page as the service gives: one listing per poll.
    public static let inProgress = CallFilter(status: .inProgress, pageSize: RequestRules.maxPageSize)

    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        func add(_ key: String, _ value: String?) { if let value { items.append((key, value)) } }
        add("Status", status?.rawValue)
        add("From", from)
        add("To", to)
        add("ParentCallSid", parentCallSid)
        add("StartTime", startTime)
        add("StartTime<", startTimeBefore)
        add("StartTime>", startTimeAfter)
        add("EndTime", endTime)
        add("EndTime<", endTimeBefore)
        add("EndTime>", endTimeAfter)
        add("PageSize", pageSize.map(String.init))
        return items
    }

    /// One message per problem; empty when the listing can be asked for.
    public var problems: [String] {
        var found: [String] = []
        if let status, !status.isKnown {
            found.append("Status must be one of \(CallStatus.known.map(\.rawValue).joined(separator: ", "))")
        }
        for (key, value) in [("From", from), ("To", to), ("ParentCallSid", parentCallSid)] {
            if let value { found += RequestRules.addressProblems(key, value) }
        }
        for (key, value) in [
            ("StartTime", startTime), ("StartTime<", startTimeBefore), ("StartTime>", startTimeAfter),
            ("EndTime", endTime), ("EndTime<", endTimeBefore), ("EndTime>", endTimeAfter),
        ] {
            if let value, !RequestRules.isDay(value) { found.append("\(key) must be a date as YYYY-MM-DD (got \(value))") }
        }
        if let pageSize, let problem = RequestRules.pageSizeProblem(pageSize) { found.append(problem) }
        return found
    }
}

/// A call as the dashboard's listing of calls in progress reads it: only the fields a
/// participant's row shows (who, which way, since when, how it sounds), the rest left empty.
/// The listing is the largest answer a poll reads (about 1.2 KB a call, thousands of calls), and
/// decoding every field of it was half of an idle dashboard's CPU at 500 conferences.
public struct ListedCall: PagedResource {
    public static let listKey = Call.listKey
    // Only these fields, not a whole `Call`: the decoded pages stay in the client's read cache
    // (an unchanged page is not decoded again), and a whole Call is over a kilobyte a call.
    public var sid: String
    public var to: String
    public var from: String
    public var toFormatted: String
    public var fromFormatted: String
    public var status: CallStatus
    public var startTime: ServiceDate?
    public var duration: Int?
    public var direction: CallDirection
    public var callerName: String?
    public var quality: CallQuality

    /// The call, with every field no row shows left empty.
    public var call: Call { Call(listed: self) }

    /// The fields of a whole call that a listing reads.
    public init(_ call: Call) {
        sid = call.sid
        to = call.to
        from = call.from
        toFormatted = call.toFormatted
        fromFormatted = call.fromFormatted
        status = call.status
        startTime = call.startTime
        duration = call.duration
        direction = call.direction
        callerName = call.callerName
        quality = call.quality
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Call.CodingKeys.self)
        let strings = decoder.answerStrings
        sid = try c.decode(String.self, forKey: .sid)
        to = c.lenientString(.to).map { strings?.string($0) ?? $0 } ?? ""
        from = c.lenientString(.from).map { strings?.string($0) ?? $0 } ?? ""
        toFormatted = c.lenientString(.toFormatted).map { strings?.string($0) ?? $0 } ?? c.lenientString(.formattedTo) ?? to
        fromFormatted = c.lenientString(.fromFormatted).map { strings?.string($0) ?? $0 } ?? c.lenientString(.formattedFrom) ?? from
        status = (try? c.decodeIfPresent(CallStatus.self, forKey: .status)) ?? ""
        if let strings {
            startTime = c.lenientString(.startTime).map(strings.date)
        } else {
            startTime = try? c.decodeIfPresent(ServiceDate.self, forKey: .startTime)
        }
        duration = c.lenientInt(.duration)
        direction = (try? c.decodeIfPresent(CallDirection.self, forKey: .direction)) ?? ""
        callerName = c.lenientString(.callerName).map { strings?.string($0) ?? $0 }
        quality = Call.quality(c, seconds: duration)
    }

    public func encode(to encoder: any Encoder) throws {
        try call.encode(to: encoder)
    }
}

extension Call {
    /// The Call resource's audio figures, as both readings take them.
    static func quality(_ c: KeyedDecodingContainer<CodingKeys>, seconds: Int?) -> CallQuality {
        CallQuality(
            mos: c.lenientDouble(.audioInMos), jitterAvg: c.lenientInt(.audioOutJitterAvg),
            jitterMin: c.lenientInt(.audioOutJitterMin), jitterMax: c.lenientInt(.audioOutJitterMax),
            rttAvg: c.lenientInt(.audioRttAvg), rttMin: c.lenientInt(.audioRttMin), rttMax: c.lenientInt(.audioRttMax),
            packetsLost: c.lenientInt(.audioOutLost), seconds: seconds)
    }

    /// A listed call as a Call: the fields no row shows left empty.
    init(listed: ListedCall) {
        sid = listed.sid
        accountSid = ""
        dateCreated = ServiceDate(raw: "")
        dateUpdated = ServiceDate(raw: "")
        parentCallSid = nil
        to = listed.to
        from = listed.from
        toFormatted = listed.toFormatted
        fromFormatted = listed.fromFormatted
        phoneNumberSid = nil
        status = listed.status
        startTime = listed.startTime
        endTime = nil
        duration = listed.duration
        price = nil
        priceUnit = ""
        direction = listed.direction
        answeredBy = nil
        apiVersion = ""
        forwardedFrom = nil
        callerName = listed.callerName
        uri = ""
        subresourceUris = CallSubresourceURIs(recordings: "")
        annotation = nil
        groupSid = nil
        sipResultCode = nil
        quality = listed.quality
    }
}
