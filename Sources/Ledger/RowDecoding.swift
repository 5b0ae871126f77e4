import CompatAPI
import Foundation
import GRDB

// Rows are read by hand rather than through Codable records so that the column names stay the
// schema's own and a value this build does not know (a later confdash wrote it) still reads.

extension StreamRecord {
    init(row: Row) throws {
        self.init(
            sid: row["sid"], accountSid: row["account_sid"], conferenceSid: row["conference_sid"],
            conferenceName: row["conference_name"], name: row["name"], url: row["url"],
            track: (row["track"] as String?).map(StreamTrack.init(rawValue:)),
            codec: (row["codec"] as String?).map(StreamCodec.init(rawValue:)),
            realTime: row["real_time"],
            statusCallback: row["status_callback"],
            statusCallbackMethod: (row["status_callback_method"] as String?).map(CallbackMethod.init(rawValue:)),
            parameters: try ParameterColumn.decode(row["parameters"]),
            startedAt: row["started_at"],
            startedFrom: StreamOrigin(rawValue: row["started_from"]) ?? .manual,
            status: StreamState(stored: row["status"]),
            statusReason: row["status_reason"],
            updatedAt: row["updated_at"])
    }
}

extension StreamHistoryEntry {
    init(row: Row) {
        self.init(
            id: row["id"], streamSid: row["stream_sid"], at: row["at"], status: StreamState(stored: row["status"]),
            reason: row["reason"], source: HistorySource(rawValue: row["source"]) ?? .manual)
    }
}

extension StreamState {
    /// A status written by a later confdash reads as `queued`: still open, replaceable by any
    /// callback this build understands.
    init(stored: String) {
        self = StreamState(rawValue: stored) ?? .queued
    }
}

/// The `parameters` column: the custom parameters as JSON, `[{"name":…,"value":…}]`.
enum ParameterColumn {
    static func encode(_ parameters: [StreamParameter]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(parameters), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [StreamParameter] {
        try JSONDecoder().decode([StreamParameter].self, from: Data(text.utf8))
    }
}
