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
    /// The service could not be reached (refused, reset, DNS, TLS).
    case unreachable(host: String, reason: String)
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
        case .unreadableResponse(let status, let reason):
            return "the service sent an answer confdash could not read (HTTP \(status)): \(reason)"
        case .invalidRequest(let reason):
            return reason
        }
    }

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
