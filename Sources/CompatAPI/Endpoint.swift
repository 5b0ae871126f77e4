import Foundation

/// Where the Compatibility API lives: a SignalWire space, Twilio, or a base URL such as the
/// local emulator's.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// Scheme, host, optional port and the API prefix, with no trailing slash,
    /// e.g. `https://example.signalwire.com/api/laml/2010-04-01`.
    public let baseURL: String
    /// Twilio (and twilio-based SDKs) put `.json` on every path.
    public let usesJSONSuffix: Bool

    public var description: String { baseURL }

    /// Accepts `example`, `example.signalwire.com`, or a full `https://…` base URL. Plain
    /// `http://` is refused except on a loopback host (the emulator).
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw CompatError.invalidRequest("no SignalWire space given (set SIGNALWIRE_SPACE, e.g. example or example.signalwire.com)")
        }
        if trimmed.contains("://") {
            guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
                let host = components.host, !host.isEmpty
            else {
                throw CompatError.invalidRequest("\(trimmed) is not a URL confdash can use as the API base")
            }
            guard scheme == "https" || (scheme == "http" && Endpoint.isLoopback(host)) else {
                throw CompatError.invalidRequest(
                    "\(trimmed): the API must be reached over https (plain http only for a loopback emulator)")
            }
            var path = components.path
            while path.hasSuffix("/") { path.removeLast() }
            if path.isEmpty {
                path = host.hasSuffix("twilio.com") ? "/2010-04-01" : "/api/laml/2010-04-01"
            }
            let port = components.port.map { ":\($0)" } ?? ""
            let hostPart = host.contains(":") ? "[\(host)]" : host
            baseURL = "\(scheme)://\(hostPart)\(port)\(path)"
            usesJSONSuffix = host.hasSuffix("twilio.com")
        } else {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-."))
            guard trimmed.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
                throw CompatError.invalidRequest("\(trimmed) is not a SignalWire space name")
            }
            let host = trimmed.contains(".") ? trimmed.lowercased() : "\(trimmed.lowercased()).signalwire.com"
            baseURL = "https://\(host)/api/laml/2010-04-01"
            usesJSONSuffix = false
        }
    }

    /// The scheme, host and port, for resolving the host-relative `next_page_uri`.
    public var origin: String {
        guard let range = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[range.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        return String(baseURL[..<hostEnd])
    }

    public var host: String {
        URLComponents(string: baseURL)?.host ?? baseURL
    }

    public var isTwilio: Bool { host.hasSuffix("twilio.com") }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}

/// A Project ID and API token. The token never appears in a description, a log or argv.
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    public let projectID: String
    public let apiToken: String

    public init(projectID: String, apiToken: String) {
        self.projectID = projectID
        self.apiToken = apiToken
    }

    public var description: String { "\(projectID):<token redacted>" }

    var basicAuthorization: String {
        "Basic " + Data("\(projectID):\(apiToken)".utf8).base64EncodedString()
    }

    public static let projectIDVariable = "SIGNALWIRE_PROJECT_ID"
    public static let apiTokenVariable = "SIGNALWIRE_API_TOKEN"
    public static let spaceVariable = "SIGNALWIRE_SPACE"

    /// Reads SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN. Never from argv: every user of a
    /// shared host can read another's command line.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Credentials
    {
        let project = env[projectIDVariable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let token = env[apiTokenVariable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var missing: [String] = []
        if project.isEmpty { missing.append(projectIDVariable) }
        if token.isEmpty { missing.append(apiTokenVariable) }
        guard missing.isEmpty else {
            throw CompatError.invalidRequest(
                "missing credentials: set \(missing.joined(separator: " and ")) in the environment")
        }
        return Credentials(projectID: project, apiToken: token)
    }
}
