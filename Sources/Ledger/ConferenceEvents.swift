import Foundation

/// A conference status callback as the receiver stored it: the service's form parameters as
/// they came (the dashboard parses them as the in-process receiver does), with where and when.
public struct StoredConferenceEvent: Sendable, Hashable {
    public var id: Int64
    /// When the service says it happened (its Timestamp), else when it was received.
    public var at: Date
    public var receivedAt: Date
    public var accountSid: String
    public var conferenceSid: String
    /// `participant-join`, `participant-speech-start`, … as the service names it.
    public var event: String
    public var callSid: String?
    /// The service's SequenceNumber, when it sent one.
    public var sequence: Int64?
    public var parameters: [String: String]

    public init(
        id: Int64 = 0, at: Date, receivedAt: Date, accountSid: String, conferenceSid: String, event: String,
        callSid: String?, sequence: Int64?, parameters: [String: String]
    ) {
        self.id = id
        self.at = at
        self.receivedAt = receivedAt
        self.accountSid = accountSid
        self.conferenceSid = conferenceSid
        self.event = event
        self.callSid = callSid
        self.sequence = sequence
        self.parameters = parameters
    }
}

extension StreamLedger {
    /// Stores a conference status event and announces it to every reader of the store; returns
    /// its id. The receiver answers the service 2xx only after this returns.
    @discardableResult
    public func recordConferenceEvent(_ event: StoredConferenceEvent) async throws -> Int64 {
        let parameters = try AuditParameterColumn.encode(event.parameters)
        return try await write("store the \(event.event) event of \(event.conferenceSid)") { db in
            let id = try db.insertReturningID(
                """
                INSERT INTO conference_event (at, received_at, account_sid, conference_sid, event, call_sid, sequence,
                    parameters)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    event.at, event.receivedAt, event.accountSid, event.conferenceSid, event.event, event.callSid,
                    event.sequence, parameters,
                ])
            try db.noteChange(.conferenceEvent, String(id))
            return id
        }
    }

    /// The events with these ids, in the order they were stored.
    public func conferenceEvents(ids: [Int64]) async throws -> [StoredConferenceEvent] {
        guard !ids.isEmpty else { return [] }
        return try await read("read \(ids.count) conference events") { db in
            var events: [StoredConferenceEvent] = []
            for start in stride(from: 0, to: ids.count, by: 200) {
                let slice = Array(ids[start..<min(start + 200, ids.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                events += try db.rows(
                    "SELECT * FROM conference_event WHERE id IN (\(marks))",
                    StoreArguments(values: slice.map(\.storeValue))
                ).map(StoredConferenceEvent.init(row:))
            }
            return events.sorted { $0.id < $1.id }
        }
    }
}

extension StoredConferenceEvent {
    init(row: any StoreRow) throws {
        self.init(
            id: row.integer("id") ?? 0, at: try row.date("at"), receivedAt: try row.date("received_at"),
            accountSid: row.string("account_sid") ?? "", conferenceSid: row.string("conference_sid") ?? "",
            event: row.string("event") ?? "", callSid: row.string("call_sid"), sequence: row.integer("sequence"),
            parameters: try AuditParameterColumn.decode(row.string("parameters") ?? "{}"))
    }
}
