import CompatAPI
import Foundation

/// Writes what a scripting command produced: a table for people, JSON for programs.
enum Output {
    /// What every line confdash writes on stderr starts with.
    static let prefix = "confdash: "

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
    }

    /// `3h12m`, `45s`: how long ago a date was, for tables.
    static func age(_ date: ServiceDate, now: Date = Date()) -> String {
        guard let d = date.date else { return "?" }
        let seconds = max(0, Int(now.timeIntervalSince(d)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h\(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d\(seconds % 86400 / 3600)h"
    }

    static func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
}
