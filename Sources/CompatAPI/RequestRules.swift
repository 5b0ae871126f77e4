import Foundation

/// Checks shared by the requests of calls, recordings and call streams, so that bad input gets
/// a clear message and nothing is sent (as `StartStreamRequest.problems` does for streams).
public enum RequestRules {
    public static let maxPageSize = 1000

    static func pageSizeProblem(_ size: Int) -> String? {
        (1...maxPageSize).contains(size) ? nil : "PageSize must be from 1 to \(maxPageSize) (got \(size))"
    }

    /// A number, SIP address or sid given as a filter: not blank, no control characters.
    static func addressProblems(_ key: String, _ value: String) -> [String] {
        if value.trimmingCharacters(in: .whitespaces).isEmpty { return ["\(key) must not be blank"] }
        if StartStreamRequest.hasControlCharacters(value) { return ["\(key) must not contain control characters"] }
        return []
    }

    /// A sid that goes into a path: not blank, no control characters (it is percent-encoded, so
    /// a slash cannot reach another resource, but it cannot name one either).
    public static func sidProblem(_ what: String, _ sid: String) -> String? {
        let trimmed = sid.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "\(what) must not be blank" }
        if StartStreamRequest.hasControlCharacters(sid) || sid.contains("/") || trimmed != sid {
            return "\(what) \(sid.debugDescription) is not a sid"
        }
        return nil
    }

    /// An absolute http(s) URL the service fetches (announcements, status callbacks).
    static func callbackProblem(_ key: String, _ url: String) -> String? {
        StartStreamRequest.callbackProblem(url).map { "\(key) \($0)" }
    }

    /// `YYYY-MM-DD` with a real month and day number.
    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// Throws the problems as one `invalidRequest`, so the client sends nothing.
    static func check(_ problems: [String]) throws(CompatError) {
        guard problems.isEmpty else { throw CompatError.invalidRequest(problems.joined(separator: "; ")) }
    }
}
