import Foundation

/// The service's rules for a stream start, checked before sending so that bad input gets a
/// clear message and nothing leaves the process.
extension StartStreamRequest {
    /// One message per problem, in field order; empty when the request can be sent.
    public var problems: [String] { problemsByPart.map(\.message) }

    /// The same problems as `problems`, each tagged with the part of the request it is about:
    /// one set of rules serves the CLI, which prints them, and the form, which shows each under its field.
    public var problemsByPart: [StartStreamProblem] {
        var found: [StartStreamProblem] = []
        found += Self.urlProblems(url).map { StartStreamProblem(.url, $0) }
        if let name {
            if name.trimmingCharacters(in: .whitespaces).isEmpty { found.append(.init(.name, "Name must not be blank")) }
            if Self.hasControlCharacters(name) { found.append(.init(.name, "Name must not contain control characters")) }
        }
        if let track, !track.isKnown {
            found.append(.init(.track, "Track must be one of \(StreamTrack.known.map(\.rawValue).joined(separator: ", "))"))
        }
        if let codec, !codec.isKnown {
            found.append(
                .init(.codec, "StreamCodec must be one of \(StreamCodec.known.map(\.rawValue).joined(separator: ", "))"))
        }
        if let statusCallback {
            if let problem = Self.callbackProblem(statusCallback) {
                found.append(.init(.statusCallback, "StatusCallback \(problem)"))
            }
        }
        if let method = statusCallbackMethod, !method.isKnown {
            found.append(.init(.statusCallbackMethod, "StatusCallbackMethod must be GET or POST"))
        }
        if let bearerToken, Self.hasControlCharacters(bearerToken) {
            found.append(.init(.bearerToken, "the bearer token must not contain control characters"))
        }
        if parameters.count > Self.maxParameters {
            found.append(
                .init(.parameters, "at most \(Self.maxParameters) custom parameters (got \(parameters.count))"))
        }
        var seen = Set<String>()
        for (index, parameter) in parameters.enumerated() {
            let label = "parameter \(index + 1)"
            if parameter.name.trimmingCharacters(in: .whitespaces).isEmpty {
                found.append(.init(.parameterName(index), "\(label): the name must not be empty"))
            } else if !seen.insert(parameter.name).inserted {
                found.append(.init(.parameterName(index), "\(label): the name \(parameter.name) is used twice"))
            }
            if Self.hasControlCharacters(parameter.name) {
                found.append(.init(.parameterName(index), "\(label): control characters are not allowed"))
            } else if Self.hasControlCharacters(parameter.value) {
                found.append(.init(.parameterValue(index), "\(label): control characters are not allowed"))
            }
        }
        return found
    }

    /// Url: absolute, `wss://`, a host, no query string.
    public static func urlProblems(_ url: String) -> [String] {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return ["Url is required"] }
        if hasControlCharacters(url) || url.contains(" ") { return ["Url must not contain spaces or control characters"] }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme else {
            return ["Url must be an absolute wss:// URL"]
        }
        var found: [String] = []
        switch scheme.lowercased() {
        case "wss": break
        case "ws": found.append("Url must use wss:// (the service refuses unencrypted ws://)")
        default: found.append("Url must be a wss:// URL (got \(scheme)://)")
        }
        if (components.host ?? "").isEmpty { found.append("Url must name a host") }
        if components.query != nil { found.append("Url must not have a query string (use custom parameters)") }
        return found
    }

    static func callbackProblem(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", !(components.host ?? "").isEmpty
        else { return "must be an absolute http(s) URL" }
        return nil
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// What a stream sid looks like: SignalWire's are UUIDs, Twilio's `MZ` and 32 hex digits.
/// `:track` takes only these, so a typo cannot become a stream in the ledger.
public enum StreamSidShape {
    public static func isValid(_ text: String) -> Bool {
        let hex = Set("0123456789abcdefABCDEF")
        if text.hasPrefix("MZ") {
            let rest = text.dropFirst(2)
            return rest.count == 32 && rest.allSatisfy { hex.contains($0) }
        }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy { hex.contains($0) } }
    }

    /// For messages: what a sid looks like.
    public static let example = "a UUID such as 5ef1a2b3-0000-4000-8000-000000000001, or MZ and 32 hex digits"
}
