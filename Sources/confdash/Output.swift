import CompatAPI
import Foundation

/// Writes what a scripting command produced: a table or JSON on stdout, for people and
/// programs; counts, hints and warnings on stderr, so a pipe gets only the data.
///
/// Every `--json` goes through `json(_:)`: one encoder, snake_case keys (the shapes in
/// JSONShapes.swift name them, like the service's own resources), every key present (null when
/// unknown), sorted, and dates as ISO 8601 UTC to the second (`2026-12-01T18:42:16Z`).
enum Output {
    /// What every line confdash writes on stderr starts with.
    static let prefix = "confdash: "

    /// The one encoder of the scripting commands' JSON.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    static func json<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(Data((try jsonText(value) + "\n").utf8))
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let text = String(decoding: try encoder().encode(value), as: UTF8.self)
        // Foundation pretty-prints an empty array or object across three lines. A JSON string
        // cannot hold a raw newline, so this never touches a value.
        return text.replacing(/\[\n\s*\n\s*\]/, with: "[]").replacing(/\{\n\s*\n\s*\}/, with: "{}")
    }

    /// `2026-12-01T18:42:16Z`: UTC, whole seconds (the service's own dates have no fraction).
    static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }

    /// Data: a table, a result line.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Not data: a count, a hint, "nothing matched". Said to the operator, kept out of pipes.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A problem or warning, `confdash: …` on stderr.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((prefix + text + "\n").utf8))
    }

    /// `3 conferences`, `1 stream`.
    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
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
