import CompatAPI
import Ledger
import Foundation

/// `:export PATH`: the table in front as it is on screen (filtered, sorted, every row, not only
/// those in view) as CSV or JSON, chosen by the file's extension: the conferences, or on a
/// conference's screen the participants, streams or recordings pane. The fields are the table's,
/// in plain form and named as the command line's JSON names them: a sid to join on, counts as
/// numbers, dates in ISO 8601 UTC rather than an age.
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

    /// A pane's fields: `participants list --json`'s names, with the call's `who` and
    /// `direction` the pane shows beside them.
    public static let participantFields = [
        "call_sid", "conference_sid", "status", "muted", "hold", "coaching", "call_sid_to_coach", "who", "direction",
        "date_created",
    ]
    /// `streams list --json`'s names.
    public static let streamFields = [
        "sid", "name", "conference_sid", "call_sid", "status", "track", "codec", "url", "started_at", "started_by",
    ]
    /// `recordings list --json`'s names.
    public static let recordingFields = [
        "sid", "conference_sid", "call_sid", "status", "source", "channels", "duration", "start_time", "error_code",
    ]

    /// `3 conferences`, `1 participant`.
    public static func count(_ rows: Int, _ table: TableName) -> String {
        "\(rows) \(rows == 1 ? String(table.rawValue.dropLast()) : table.rawValue)"
    }

    /// The table's rows as they are on screen, as the file's text, and how many there are.
    public static func text(of state: AppState, _ table: TableName, as format: Format) -> (text: String, rows: Int) {
        let (names, records): ([String], [[Value?]])
        switch table {
        case .conferences:
            let rows = state.visibleConferences
            if state.everySpace {
                // Every space at once: which profile each conference belongs to comes first.
                (names, records) = (["space"] + fields, rows.map { [state.spaceOf[$0.id].map(Value.text)] + record($0) })
            } else {
                (names, records) = (fields, rows.map(record))
            }
        case .participants:
            (names, records) = (participantFields, state.shownParticipants.map { record($0, call: state.calls[$0]) })
        case .streams:
            (names, records) = (streamFields, state.shownStreams.map(record))
        case .recordings:
            (names, records) = (recordingFields, state.shownRecordings.map(record))
        }
        return (text(names, records, as: format), records.count)
    }

    /// The format a path asks for, by its extension; nil for any other.
    public static func format(of path: String) -> Format? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".csv") { return .csv }
        if lowered.hasSuffix(".json") { return .json }
        return nil
    }

    /// The conferences table on screen, in its order, as the file's text.
    public static func text(of state: AppState, as format: Format) -> String {
        text(of: state, .conferences, as: format).text
    }

    static func text(_ names: [String], _ records: [[Value?]], as format: Format) -> String {
        switch format {
        case .csv:
            return CSV.text(header: names, rows: records.map { record in record.map { $0.map(\.text) ?? "" } })
        case .json:
            // Written by hand to keep the table's order of rows and the fields' order of keys.
            let objects = records.map { record in
                "  {" + zip(names, record).map { "\"\($0)\": \($1.map(\.json) ?? "null")" }.joined(separator: ", ") + "}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
    }

    enum Value {
        case text(String)
        case number(Int)
        case bool(Bool)

        var text: String {
            switch self {
            case .text(let s): s
            case .number(let n): String(n)
            case .bool(let b): b ? "true" : "false"
            }
        }

        var json: String {
            switch self {
            case .number(let n): return String(n)
            case .bool(let b): return b ? "true" : "false"
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

    static func record(_ p: Participant, call: CallInfo?) -> [Value?] {
        [
            .text(p.callSid), .text(p.conferenceSid), .text(p.status.rawValue), .bool(p.muted), .bool(p.hold),
            .bool(p.coaching), p.callSidToCoach.map(Value.text), call.map { .text($0.who) },
            call.map { .text($0.direction.rawValue) }, p.dateCreated.date.map { .text(timestamp($0)) },
        ]
    }

    static func record(_ s: StreamRecord) -> [Value?] {
        [
            s.sidKnown ? .text(s.sid) : nil, s.name.map(Value.text), .text(s.conferenceSid), s.callSid.map(Value.text),
            .text(s.status.rawValue), s.track.map { .text($0.rawValue) }, s.codec.map { .text($0.rawValue) },
            s.url.map(Value.text), .text(timestamp(s.startedAt)), s.startedBy.map(Value.text),
        ]
    }

    static func record(_ r: Recording) -> [Value?] {
        [
            .text(r.sid), r.conferenceSid.map(Value.text), r.callSid.map(Value.text), .text(r.status.rawValue),
            .text(r.source.rawValue), .number(r.channels), r.duration.map(Value.number),
            r.startTime?.date.map { .text(timestamp($0)) }, r.errorCode.map(Value.text),
        ]
    }

    /// `2026-12-01T18:42:16Z`, as the command line's JSON writes dates.
    static func timestamp(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(.iso8601)
    }
}
