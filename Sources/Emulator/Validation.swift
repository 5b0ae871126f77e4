import CompatAPI
import Foundation

/// The service's rules for what a request may carry, checked here rather than trusted to the
/// client, so that the emulator never agrees by accident with a client bug.
///
/// Status codes: malformed list queries are 400 code 10000; rejected conference and
/// participant updates are 422 code 10000; stream start and stop failures are 422 with
/// `{"errors": [...]}` naming every problem at once.
enum Validation {
    // MARK: Errors

    static func badQuery(_ message: String) -> ServiceError {
        ServiceError(status: 400, code: ServiceError.Code.invalidArgument, message: message)
    }

    static func invalid(_ messages: [String]) -> ServiceError {
        ServiceError(status: 422, code: ServiceError.Code.invalidArgument, message: messages.joined(separator: "; "))
    }

    static func streamInvalid(_ messages: [String]) -> ServiceError {
        ServiceError(status: 422, code: nil, message: messages.joined(separator: "; "), errors: messages)
    }

    /// Coaching a call that is not in the conference (or the coach itself): code 16002,
    /// "invalid conference attributes", in the standard error shape.
    static func coachingRefused(_ message: String) -> ServiceError {
        ServiceError(status: 422, code: ServiceError.Code.invalidConferenceAttributes, message: message)
    }

    static func notFound(_ what: String) -> ServiceError {
        ServiceError(
            status: 404, code: ServiceError.Code.notFound,
            message: "The requested resource \(what) was not found")
    }

    // MARK: Lists

    /// The conference list's filters, already checked.
    struct ConferenceQuery: Sendable {
        var friendlyName: String?
        var status: ConferenceStatus?
        var created = DayFilter()
        var updated = DayFilter()
        var page = PageRequest()
        /// The filters as given, to carry on every page link.
        var linkFilters: [(String, String)] = []
    }

    /// `Date…=`, `Date…<` and `Date…>` on one date field, compared as UTC days. `<` and `>`
    /// include the day itself: Twilio documents them as `DateCreated<=YYYY-MM-DD`, where
    /// the `=` is the query's own separator.
    struct DayFilter: Sendable {
        var on: String?
        var onOrBefore: String?
        var onOrAfter: String?

        var isSet: Bool { on != nil || onOrBefore != nil || onOrAfter != nil }

        func matches(_ date: Date) -> Bool {
            let day = Validation.day(of: date)
            if let on, day != on { return false }
            if let onOrBefore, day > onOrBefore { return false }
            if let onOrAfter, day < onOrAfter { return false }
            return true
        }
    }

    static func conferenceQuery(_ query: RequestParameters) throws(ServiceError) -> ConferenceQuery {
        var result = ConferenceQuery()
        if let name = query["FriendlyName"] {
            guard name.count <= 64 else { throw badQuery("FriendlyName must be at most 64 characters") }
            result.friendlyName = name
            result.linkFilters.append(("FriendlyName", name))
        }
        if let status = query["Status"] {
            guard ConferenceStatus.known.contains(where: { $0.rawValue == status }) else {
                throw badQuery("Status must be one of init, in-progress, completed (got \(status))")
            }
            result.status = ConferenceStatus(rawValue: status)
            result.linkFilters.append(("Status", status))
        }
        for (field, keyPath) in [("DateCreated", \ConferenceQuery.created), ("DateUpdated", \ConferenceQuery.updated)] {
            for (suffix, dayPath) in [("", \DayFilter.on), ("<", \DayFilter.onOrBefore), (">", \DayFilter.onOrAfter)] {
                let key = field + suffix
                guard let value = query[key] else { continue }
                guard isDay(value) else { throw badQuery("\(key) must be a date as YYYY-MM-DD (got \(value))") }
                result[keyPath: keyPath][keyPath: dayPath] = value
                result.linkFilters.append((key, value))
            }
        }
        result.page = try pageRequest(query)
        return result
    }

    /// The participant list's filters, already checked.
    struct ParticipantQuery: Sendable {
        var muted: Bool?
        var hold: Bool?
        var page = PageRequest()
        var linkFilters: [(String, String)] = []
    }

    static func participantQuery(_ query: RequestParameters) throws(ServiceError) -> ParticipantQuery {
        var result = ParticipantQuery()
        for key in ["Muted", "Hold"] {
            guard let text = query[key] else { continue }
            guard let value = RequestParameters.bool(text) else {
                throw badQuery("\(key) must be true or false (got \(text))")
            }
            if key == "Muted" { result.muted = value } else { result.hold = value }
            result.linkFilters.append((key, text))
        }
        result.page = try pageRequest(query)
        return result
    }

    static func pageRequest(_ query: RequestParameters) throws(ServiceError) -> PageRequest {
        var request = PageRequest()
        if let text = query["PageSize"] {
            guard let size = Int(text), PageRequest.sizeRange.contains(size) else {
                throw badQuery("PageSize must be an integer from 1 to 1000 (got \(text))")
            }
            request.pageSize = size
        }
        if let text = query["Page"] {
            guard let page = Int(text), page >= 0 else {
                throw badQuery("Page must be an integer of 0 or more (got \(text))")
            }
            request.page = page
        }
        if let text = query["PageToken"] {
            guard let token = PageToken(parsing: text) else { throw badQuery("PageToken \(text) is not valid") }
            request.token = token
        }
        return request
    }

    // MARK: Updates

    /// A checked conference update.
    struct ConferenceChange: Sendable {
        var end = false
        var announceUrl: String?
        var announceMethod: CallbackMethod?
    }

    static func conferenceChange(_ body: RequestParameters) throws(ServiceError) -> ConferenceChange {
        var problems = unknownKeys(body, allowed: ["Status", "AnnounceUrl", "AnnounceMethod"])
        var change = ConferenceChange()
        if let status = body["Status"] {
            if status == ConferenceStatus.completed.rawValue {
                change.end = true
            } else {
                problems.append("Status can only be completed (got \(status))")
            }
        }
        change.announceUrl = checkCallbackURL(body, "AnnounceUrl", into: &problems)
        change.announceMethod = checkMethod(body, "AnnounceMethod", into: &problems)
        guard problems.isEmpty else { throw invalid(problems) }
        return change
    }

    /// A checked participant update; nil fields are left as they are.
    struct ParticipantChange: Sendable {
        var muted: Bool?
        var hold: Bool?
        var holdUrl: String?
        var holdMethod: CallbackMethod?
        var announceUrl: String?
        var announceMethod: CallbackMethod?
        var waitUrl: String?
        var waitMethod: CallbackMethod?
        var coaching: Bool?
        var callSidToCoach: String?
    }

    static func participantChange(_ body: RequestParameters) throws(ServiceError) -> ParticipantChange {
        var problems = unknownKeys(
            body,
            allowed: [
                "Muted", "Hold", "HoldUrl", "HoldMethod", "AnnounceUrl", "AnnounceMethod", "WaitUrl", "WaitMethod",
                "Coaching", "CallSidToCoach",
            ])
        var change = ParticipantChange()
        change.muted = checkBool(body, "Muted", into: &problems)
        change.hold = checkBool(body, "Hold", into: &problems)
        change.coaching = checkBool(body, "Coaching", into: &problems)
        change.holdUrl = checkCallbackURL(body, "HoldUrl", into: &problems)
        change.announceUrl = checkCallbackURL(body, "AnnounceUrl", into: &problems)
        change.waitUrl = checkCallbackURL(body, "WaitUrl", into: &problems)
        change.holdMethod = checkMethod(body, "HoldMethod", into: &problems)
        change.announceMethod = checkMethod(body, "AnnounceMethod", into: &problems)
        change.waitMethod = checkMethod(body, "WaitMethod", into: &problems)
        if let target = body["CallSidToCoach"] {
            if target.isEmpty {
                problems.append("CallSidToCoach must not be empty")
            } else {
                change.callSidToCoach = target
            }
        }
        guard problems.isEmpty else { throw invalid(problems) }
        return change
    }

    // MARK: Streams

    /// A checked stream start, before the conference-dependent checks (live, unique name).
    struct StreamStart: Sendable {
        var url: String
        var name: String?
        var track: StreamTrack
        var codec: StreamCodec?
        var realTime: Bool?
        var statusCallback: String?
        var statusCallbackMethod: CallbackMethod
        var bearerToken: String?
        var parameters: [StreamParameter]
    }

    static let streamStartKeys: Set<String> = [
        "Url", "Name", "Track", "StreamCodec", "StreamRealTime", "StatusCallback", "StatusCallbackMethod",
        "AuthorizationBearerToken",
    ]

    /// Every problem with a stream start, so the caller hears about all of them at once.
    static func streamStart(_ body: RequestParameters, allowed: Set<String> = streamStartKeys) -> (StreamStart?, [String]) {
        var problems: [String] = []
        var parameterNames: [Int: String] = [:]
        var parameterValues: [Int: String] = [:]
        var unknown: [String] = []
        for (key, value) in body.pairs where !allowed.contains(key) {
            if let (index, isName) = parameterKey(key) {
                if isName { parameterNames[index] = value } else { parameterValues[index] = value }
            } else {
                unknown.append(key)
            }
        }
        problems += unknown.map { "Unknown parameter \($0)" }

        var url = ""
        if let text = body["Url"], !text.isEmpty {
            url = text
            problems += streamURLProblems(text)
        } else {
            problems.append("Url is required")
        }
        var name: String?
        if let text = body["Name"] {
            if text.isEmpty { problems.append("Name must not be empty") } else { name = text }
        }
        var track = StreamTrack.both
        if let text = body["Track"] {
            if let known = StreamTrack.known.first(where: { $0.rawValue == text }) {
                track = known
            } else {
                problems.append("Track must be one of inbound_track, outbound_track, both_tracks (got \(text))")
            }
        }
        var codec: StreamCodec?
        if let text = body["StreamCodec"] {
            if let known = StreamCodec.known.first(where: { $0.rawValue == text }) {
                codec = known
            } else {
                problems.append("StreamCodec must be one of PCMU, PCMA, L16, L16@16000h, L16@24000h (got \(text))")
            }
        }
        let realTime = checkBool(body, "StreamRealTime", into: &problems)
        let statusCallback = checkCallbackURL(body, "StatusCallback", into: &problems)
        let method = checkMethod(body, "StatusCallbackMethod", into: &problems) ?? .post

        let indices = Set(parameterNames.keys).union(parameterValues.keys).sorted()
        if let outOfRange = indices.first(where: { !(1...StartStreamRequest.maxParameters).contains($0) }) {
            problems.append(
                "Custom parameters are numbered 1 to \(StartStreamRequest.maxParameters) (got Parameter\(outOfRange))")
        }
        var parameters: [StreamParameter] = []
        for index in indices {
            guard let parameterName = parameterNames[index], !parameterName.isEmpty else {
                problems.append("Parameter\(index).Value needs a Parameter\(index).Name")
                continue
            }
            parameters.append(StreamParameter(name: parameterName, value: parameterValues[index] ?? ""))
        }
        guard problems.isEmpty else { return (nil, problems) }
        let start = StreamStart(
            url: url, name: name, track: track, codec: codec, realTime: realTime, statusCallback: statusCallback,
            statusCallbackMethod: method, bearerToken: body["AuthorizationBearerToken"], parameters: parameters)
        return (start, [])
    }

    /// `Status=stopped` is the only change a stream takes.
    static func streamStopProblems(_ body: RequestParameters) -> [String] {
        var problems = unknownKeys(body, allowed: ["Status"])
        switch body["Status"] {
        case nil: problems.append("Status is required")
        case StreamStatus.stopped.rawValue?: break
        case let other?: problems.append("Status can only be stopped (got \(other))")
        }
        return problems
    }

    /// The service connects to the WebSocket itself: only absolute `wss://` URLs, and no query
    /// string (custom parameters travel as `ParameterN` instead).
    static func streamURLProblems(_ text: String) -> [String] {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return ["Url must be an absolute wss:// URL (got \(text))"]
        }
        var problems: [String] = []
        if scheme == "ws" {
            problems.append("Url must use wss://; ws:// is not supported for security reasons")
        } else if scheme != "wss" {
            problems.append("Url must be an absolute wss:// URL (got \(text))")
        }
        if (components.host ?? "").isEmpty { problems.append("Url must name a host (got \(text))") }
        if components.percentEncodedQuery != nil { problems.append("Url must not contain a query string") }
        return problems
    }

    // MARK: Pieces

    private static func parameterKey(_ key: String) -> (Int, Bool)? {
        guard key.hasPrefix("Parameter") else { return nil }
        let rest = key.dropFirst("Parameter".count)
        guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { return nil }
        switch rest[rest.index(after: dot)...] {
        case "Name": return (index, true)
        case "Value": return (index, false)
        default: return nil
        }
    }

    static func unknownKeys(_ body: RequestParameters, allowed: Set<String>) -> [String] {
        var seen = Set<String>()
        return body.keys.filter { !allowed.contains($0) && seen.insert($0).inserted }.map { "Unknown parameter \($0)" }
    }

    private static func checkBool(_ body: RequestParameters, _ key: String, into problems: inout [String]) -> Bool? {
        guard let text = body[key] else { return nil }
        guard let value = RequestParameters.bool(text) else {
            problems.append("\(key) must be true or false (got \(text))")
            return nil
        }
        return value
    }

    static func checkMethod(
        _ body: RequestParameters, _ key: String, into problems: inout [String]
    ) -> CallbackMethod? {
        guard let text = body[key] else { return nil }
        guard let method = CallbackMethod.known.first(where: { $0.rawValue == text }) else {
            problems.append("\(key) must be GET or POST (got \(text))")
            return nil
        }
        return method
    }

    static func checkCallbackURL(
        _ body: RequestParameters, _ key: String, into problems: inout [String]
    ) -> String? {
        guard let text = body[key] else { return nil }
        guard isHTTPURL(text) else {
            problems.append("\(key) must be an absolute http(s) URL (got \(text))")
            return nil
        }
        return text
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// `YYYY-MM-DD` of a date in UTC; these strings order like the dates they name.
    static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))"
    }
}

// MARK: Calls and recordings

extension Validation {
    /// The call list's filters, already checked.
    struct CallQuery: Sendable {
        var status: CallStatus?
        var from: String?
        var to: String?
        var parentCallSid: String?
        var started = DayFilter()
        var ended = DayFilter()
        var page = PageRequest()
        var linkFilters: [(String, String)] = []
    }

    /// `Status` (the spec's enum), `From` and `To` (exact addresses), `ParentCallSid`, and
    /// `StartTime`/`EndTime` with `<` and `>`: a day as `YYYY-MM-DD` or an RFC 2822 date (the
    /// spec's words), compared as UTC days like the conference list's dates.
    static func callQuery(_ query: RequestParameters) throws(ServiceError) -> CallQuery {
        var result = CallQuery()
        if let status = query["Status"] {
            guard CallStatus.known.contains(where: { $0.rawValue == status }) else {
                throw badQuery(
                    "Status must be one of \(CallStatus.known.map(\.rawValue).joined(separator: ", ")) (got \(status))")
            }
            result.status = CallStatus(rawValue: status)
            result.linkFilters.append(("Status", status))
        }
        for key in ["From", "To", "ParentCallSid"] {
            guard let value = query[key] else { continue }
            guard !value.isEmpty else { throw badQuery("\(key) must not be empty") }
            switch key {
            case "From": result.from = value
            case "To": result.to = value
            default: result.parentCallSid = value
            }
            result.linkFilters.append((key, value))
        }
        for (field, keyPath) in [("StartTime", \CallQuery.started), ("EndTime", \CallQuery.ended)] {
            for (suffix, dayPath) in [("", \DayFilter.on), ("<", \DayFilter.onOrBefore), (">", \DayFilter.onOrAfter)] {
                let key = field + suffix
                guard let value = query[key] else { continue }
                let day: String
                if isDay(value) {
                    day = value
                } else if let date = ServiceDate.parse(value) {
                    day = self.day(of: date)
                } else {
                    throw badQuery("\(key) must be a date as YYYY-MM-DD or in RFC 2822 form (got \(value))")
                }
                result[keyPath: keyPath][keyPath: dayPath] = day
                result.linkFilters.append((key, value))
            }
        }
        result.page = try pageRequest(query)
        return result
    }

    /// A conference's recording list: `DateCreated`, `<`, `>` and paging.
    struct RecordingQuery: Sendable {
        var created = DayFilter()
        var page = PageRequest()
        var linkFilters: [(String, String)] = []
    }

    static func recordingQuery(_ query: RequestParameters) throws(ServiceError) -> RecordingQuery {
        var result = RecordingQuery()
        for (suffix, dayPath) in [("", \DayFilter.on), ("<", \DayFilter.onOrBefore), (">", \DayFilter.onOrAfter)] {
            let key = "DateCreated" + suffix
            guard let value = query[key] else { continue }
            guard isDay(value) else { throw badQuery("\(key) must be a date as YYYY-MM-DD (got \(value))") }
            result.created[keyPath: dayPath] = value
            result.linkFilters.append((key, value))
        }
        result.page = try pageRequest(query)
        return result
    }

    /// A checked recording update: the status asked for and, for a pause, what fills it.
    struct RecordingChange: Sendable {
        var status: RecordingStatus
        var pauseBehavior: PauseBehavior?
    }

    /// `Status` (paused, in-progress, stopped) is required; `PauseBehavior` is skip or silence
    /// and, as the service documents, applies only to a pause (it is ignored otherwise).
    static func recordingChange(_ body: RequestParameters) -> (RecordingChange?, [String]) {
        var problems = unknownKeys(body, allowed: ["Status", "PauseBehavior"])
        var status: RecordingStatus?
        switch body["Status"] {
        case nil: problems.append("Status is required")
        case let text?:
            if let known = RecordingUpdate.settable.first(where: { $0.rawValue == text }) {
                status = known
            } else {
                problems.append("Status must be one of paused, in-progress, stopped (got \(text))")
            }
        }
        var behavior: PauseBehavior?
        if let text = body["PauseBehavior"] {
            if let known = PauseBehavior.known.first(where: { $0.rawValue == text }) {
                behavior = known
            } else {
                problems.append("PauseBehavior must be skip or silence (got \(text))")
            }
        }
        guard problems.isEmpty, let status else { return (nil, problems) }
        return (RecordingChange(status: status, pauseBehavior: status == .paused ? behavior : nil), [])
    }

    /// A checked call recording start (the spec's `CreateCallRecordingRequest`).
    struct CallRecordingStart: Sendable {
        var channels: RecordingChannels = .mono
        var track: RecordingTrack = .both
        var trim: RecordingTrim = .doNotTrim
        var statusCallback: String?
        var statusCallbackMethod: CallbackMethod = .post
        var events: [RecordingEvent] = [.completed]
    }

    static func callRecordingStart(_ body: RequestParameters) -> (CallRecordingStart?, [String]) {
        var problems = unknownKeys(
            body,
            allowed: [
                "RecordingChannels", "RecordingStatusCallback", "RecordingStatusCallbackEvent",
                "RecordingStatusCallbackMethod", "RecordingTrack", "Trim",
            ])
        var start = CallRecordingStart()
        func pick<T: OpenEnum>(_ key: String, _ type: T.Type) -> T? {
            guard let text = body[key] else { return nil }
            guard let known = T.known.first(where: { $0.rawValue == text }) else {
                problems.append("\(key) must be one of \(T.known.map(\.rawValue).joined(separator: ", ")) (got \(text))")
                return nil
            }
            return known
        }
        if let channels = pick("RecordingChannels", RecordingChannels.self) { start.channels = channels }
        if let track = pick("RecordingTrack", RecordingTrack.self) { start.track = track }
        if let trim = pick("Trim", RecordingTrim.self) { start.trim = trim }
        start.statusCallback = checkCallbackURL(body, "RecordingStatusCallback", into: &problems)
        if let method = checkMethod(body, "RecordingStatusCallbackMethod", into: &problems) {
            start.statusCallbackMethod = method
        }
        if let text = body["RecordingStatusCallbackEvent"] {
            var events: [RecordingEvent] = []
            for word in text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) {
                if let known = RecordingEvent.known.first(where: { $0.rawValue == word }) {
                    events.append(known)
                } else {
                    problems.append("RecordingStatusCallbackEvent must list in-progress, completed or absent (got \(word))")
                }
            }
            start.events = events
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (start, [])
    }
}
