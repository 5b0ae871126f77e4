import CompatAPI
import Foundation

/// `:export PATH`: the conference table as it is on screen (filtered, sorted, every row, not only
/// those in view) as CSV or JSON, chosen by the file's extension. The fields are the table's, in
/// plain form: a sid to join on, counts as numbers, dates in ISO 8601 UTC rather than an age.
public enum TableExport {
    public enum Format: String, Equatable, Sendable {
        case csv, json
    }

    /// What writing the file came to.
    public enum Outcome: Equatable, Sendable {
        /// Written, at this full path.
        case written(String)
        /// A file is there already: nothing was written, the operator is asked first.
        case exists
        /// Nothing written, and why, in the operator's words.
        case failed(String)
    }

    /// The field names, the same in CSV's header and as JSON keys (those of `conferences list --json`).
    public static let fields = ["sid", "friendly_name", "status", "region", "participants", "streams", "date_created", "date_updated"]

    /// The format a path asks for, by its extension; nil for any other.
    public static func format(of path: String) -> Format? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".csv") { return .csv }
        if lowered.hasSuffix(".json") { return .json }
        return nil
    }

    /// The rows of the table on screen, in its order, as the file's text.
    public static func text(of state: AppState, as format: Format) -> String {
        let rows = state.visibleSids.compactMap { state.rows[$0] }
        switch format {
        case .csv:
            return CSV.text(header: fields, rows: rows.map { row in record(row).map { $0.map(\.text) ?? "" } })
        case .json:
            // Written by hand to keep the table's order of rows and the fields' order of keys.
            let objects = rows.map { row in
                "  {" + zip(fields, record(row)).map { "\"\($0)\": \($1.map(\.json) ?? "null")" }.joined(separator: ", ") + "}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
    }

    enum Value {
        case text(String)
        case number(Int)

        var text: String {
            switch self {
            case .text(let s): s
            case .number(let n): String(n)
            }
        }

        var json: String {
            switch self {
            case .number(let n): return String(n)
            case .text(let s):
                let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
                return String(decoding: data, as: UTF8.self)
            }
        }
    }

    static func record(_ row: ConferenceRow) -> [Value?] {
        let c = row.conference
        return [
            .text(c.sid), .text(c.friendlyName), .text(c.status.rawValue), c.region.isEmpty ? nil : .text(c.region),
            row.participantsKnown ? .number(row.participants.count) : nil, .number(row.streamCount),
            c.dateCreated.date.map { .text(timestamp($0)) }, c.dateUpdated.date.map { .text(timestamp($0)) },
        ]
    }

    /// `2026-12-01T18:42:16Z`, as the command line's JSON writes dates.
    static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }
}
