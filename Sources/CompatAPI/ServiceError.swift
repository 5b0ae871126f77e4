import Foundation

/// What the service said when it refused a request: the HTTP status, its error code and
/// message, and for a 422 on streams the list of validation messages.
public struct ServiceError: Error, Hashable, Sendable, Codable {
    public var status: Int
    public var code: Int?
    public var message: String
    public var moreInfo: String?
    /// The `{"errors": [...]}` list of a stream validation failure.
    public var errors: [String]

    public init(status: Int, code: Int?, message: String, moreInfo: String? = nil, errors: [String] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.moreInfo = moreInfo
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case status, code, message, errors
        case moreInfo = "more_info"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(Int.self, forKey: .status) ?? 0
        code = try c.decodeIfPresent(Int.self, forKey: .code)
        errors = try c.decodeIfPresent([String].self, forKey: .errors) ?? []
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? errors.joined(separator: "; ")
        moreInfo = try c.decodeIfPresent(String.self, forKey: .moreInfo)
    }

    /// The standard body, `{"code", "message", "more_info", "status"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if code == nil && !errors.isEmpty {
            try c.encode(errors, forKey: .errors)
            return
        }
        try c.encode(code ?? 0, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encode(moreInfo ?? ServiceError.defaultMoreInfo, forKey: .moreInfo)
        try c.encode(status, forKey: .status)
    }

    public static let defaultMoreInfo = "https://developer.signalwire.com/compatibility-api/reference/error-codes"

    /// Well-known codes from the fact sheet.
    public enum Code {
        public static let invalidArgument = 10000
        public static let invalidConferenceAttributes = 16002
        public static let authenticationFailed = 20003
        public static let notFound = 20404
        public static let tooManyRequests = 20429
    }
}

/// Every way a call to the Compatibility API can fail, each with the words an operator can act on.
public enum CompatError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error status.
    case service(ServiceError, retryAfterSeconds: Double?)
    /// The request did not finish before its deadline.
    case timedOut(operation: String, seconds: Double)
    /// The service could not be reached (refused, DNS, TLS, no connection in time): the request
    /// never left, so nothing happened at the service.
    case unreachable(host: String, reason: String)
    /// The connection broke after the request was sent and before a whole answer came back:
    /// the service may have done it.
    case connectionLost(host: String, reason: String)
    /// The service answered, but not with something confdash can read.
    case unreadableResponse(status: Int, reason: String)
    /// confdash refused to send the request: bad input or configuration.
    case invalidRequest(String)

    public var description: String { operatorMessage }

    /// One line, in words an operator can act on.
    public var operatorMessage: String {
        switch self {
        case .service(let e, let retryAfter):
            var text: String
            switch e.status {
            case 401: text = "authentication failed (check the Project ID and API token)"
            case 403: text = "permission denied (the API token lacks permission: does it have the Voice scope?)"
            case 404: text = "not found"
            case 429:
                text = "rate limited by the service"
                if let retryAfter { text += ", retry in \(Int(retryAfter.rounded(.up))) s" }
            case 500...599: text = "the service is failing (HTTP \(e.status))"
            default: text = "request refused (\(e.status))"
            }
            let said = e.errors.isEmpty ? e.message : e.errors.joined(separator: "; ")
            if !said.isEmpty { text += ": \(said)" }
            if let code = e.code, code != 0 { text += " [code \(code)]" }
            return text
        case .timedOut(let operation, let seconds):
            return "\(operation): no complete answer within \(Self.formatSeconds(seconds)) s (the service is slow or not answering)"
        case .unreachable(let host, let reason):
            return "cannot reach \(host): \(reason)"
        case .connectionLost(let host, let reason):
            return "lost the connection to \(host) before its answer: \(reason)"
        case .unreadableResponse(let status, let reason):
            return "the service sent an answer confdash could not read (HTTP \(status)): \(reason)"
        case .invalidRequest(let reason):
            return reason
        }
    }

    /// True when the request may have reached the service but no answer says what became of
    /// it: a timeout, a connection lost mid-answer, a success whose body was cut off. A change
    /// in this state is "outcome unknown", never "failed": the next read settles it.
    public var outcomeUnknown: Bool {
        switch self {
        case .timedOut, .connectionLost: true
        case .unreadableResponse(let status, _): (200..<300).contains(status)
        case .service, .unreachable, .invalidRequest: false
        }
    }

    /// True for failures another attempt cannot mend soon: nothing listens at that address, or
    /// the name does not resolve. Scripts are told at once instead of after silent retries.
    public var retryCannotFix: Bool {
        guard case .unreachable(_, let reason) = self else { return false }
        return reason == CompatError.connectionRefused || reason.hasPrefix(CompatError.unresolvedPrefix)
    }

    public static let connectionRefused = "connection refused"
    static let unresolvedPrefix = "the host name does not resolve"

    /// The HTTP status when the service answered.
    public var httpStatus: Int? {
        switch self {
        case .service(let e, _): e.status
        case .unreadableResponse(let status, _): status
        default: nil
        }
    }

    /// The service's own error, when it sent one.
    public var serviceError: ServiceError? {
        if case .service(let e, _) = self { return e }
        return nil
    }

    private static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }
}
