import Foundation

/// One step in a stream's status history: when, to which status, why, and what caused it.
public struct StreamHistoryEntry: Sendable, Hashable, Codable, Identifiable {
    /// Increases with every entry written, by any process.
    public var id: Int64
    public var streamSid: String
    public var at: Date
    /// The stream's status after this entry.
    public var status: StreamState
    public var reason: String?
    public var source: HistorySource

    public init(id: Int64, streamSid: String, at: Date, status: StreamState, reason: String?, source: HistorySource) {
        self.id = id
        self.streamSid = streamSid
        self.at = at
        self.status = status
        self.reason = reason
        self.source = source
    }
}
