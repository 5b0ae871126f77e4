import CompatAPI
import Foundation

// Rows are read by hand rather than through Codable records so that the column names stay the
// schema's own and a value this build does not know (a later confdash wrote it) still reads.

extension StreamRecord {
    init(row: any StoreRow) throws {
        self.init(
            sid: try row.requiredString("sid"), accountSid: try row.requiredString("account_sid"),
            conferenceSid: try row.requiredString("conference_sid"), callSid: row.string("call_sid"),
            conferenceName: row.string("conference_name"), name: row.string("name"), url: row.string("url"),
            track: row.string("track").map(StreamTrack.init(rawValue:)),
            codec: row.string("codec").map(StreamCodec.init(rawValue:)),
            realTime: row.bool("real_time"),
            statusCallback: row.string("status_callback"),
            statusCallbackMethod: row.string("status_callback_method").map(CallbackMethod.init(rawValue:)),
            parameters: try ParameterColumn.decode(row.string("parameters") ?? "[]"),
            startedAt: try row.date("started_at"),
            startedFrom: StreamOrigin(rawValue: row.string("started_from") ?? "") ?? .manual,
            startedBy: row.string("started_by"),
            status: StreamState(stored: row.string("status") ?? ""),
            statusReason: row.string("status_reason"),
            updatedAt: try row.date("updated_at"))
    }
}

extension StreamHistoryEntry {
    init(row: any StoreRow) throws {
        self.init(
            id: row.integer("id") ?? 0, streamSid: try row.requiredString("stream_sid"), at: try row.date("at"),
            status: StreamState(stored: row.string("status") ?? ""),
            reason: row.string("reason"), source: HistorySource(rawValue: row.string("source") ?? "") ?? .manual)
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
