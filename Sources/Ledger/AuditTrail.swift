import CompatAPI
import Foundation

// The audit trail shares the ledger's file and pool: one file to keep private, to back up and
// to pass with --ledger, and every write already waits politely for other processes.

extension StreamLedger {
    /// Appends one entry to the audit trail (entries are never changed or removed) and returns it
    /// as stored, with its id.
    @discardableResult
    public func recordAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        let parameters = try AuditParameterColumn.encode(entry.parameters)
        return try await write("record the audit of \(entry.action) on \(entry.conferenceSid)") { db in
            let id = try db.insertReturningID(
                """
                INSERT INTO audit (at, local_user, host, profile, account_sid, action, conference_sid, target_sid,
                    parameters, outcome, detail, origin, request_method, request_path, request_status, request_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    entry.at, entry.localUser, entry.host, entry.profile, entry.accountSid, entry.action.rawValue,
                    entry.conferenceSid, entry.targetSid, parameters, entry.outcome.rawValue, entry.detail,
                    entry.origin.rawValue, entry.request?.method, entry.request?.path,
                    entry.request?.status.map(Int64.init), entry.request.map { Int64($0.milliseconds) },
                ])
            try db.noteChange(.audit, String(id))
            // Read back, so the caller holds what a later read returns (the file keeps milliseconds).
            guard let row = try db.row("SELECT * FROM audit WHERE id = ?", [id]) else {
                throw LedgerError.failed(
                    operation: "read back audit \(id)", path: "", reason: "the row vanished inside its own transaction")
            }
            return try AuditEntry(row: row)
        }
    }

    /// The newest `limit` entries, of one conference or of all, newest first.
    public func auditEntries(limit: Int = 500, conferenceSid: String? = nil) async throws -> [AuditEntry] {
        try await read("read the audit trail") { db in
            // id, not `at`: two processes' clocks may disagree, the order of appends cannot.
            let rows =
                if let conferenceSid {
                    try db.rows(
                        "SELECT * FROM audit WHERE conference_sid = ? ORDER BY id DESC LIMIT ?",
                        [conferenceSid, max(0, limit)])
                } else {
                    try db.rows("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [max(0, limit)])
                }
            return try rows.map(AuditEntry.init(row:))
        }
    }

    /// The entries with these ids, oldest first: what a change feed reader appends.
    public func auditEntries(ids: [Int64]) async throws -> [AuditEntry] {
        guard !ids.isEmpty else { return [] }
        return try await read("read \(ids.count) audit entries") { db in
            var entries: [AuditEntry] = []
            for start in stride(from: 0, to: ids.count, by: 200) {
                let slice = Array(ids[start..<min(start + 200, ids.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                entries += try db.rows(
                    "SELECT * FROM audit WHERE id IN (\(marks))", StoreArguments(values: slice.map(\.storeValue))
                ).map(AuditEntry.init(row:))
            }
            return entries.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        }
    }
}

extension AuditEntry {
    init(row: any StoreRow) throws {
        self.init(
            id: row.integer("id"), at: try row.date("at"), localUser: row.string("local_user") ?? "",
            host: row.string("host"), profile: row.string("profile"),
            accountSid: row.string("account_sid") ?? "", action: AuditAction(rawValue: row.string("action") ?? ""),
            conferenceSid: row.string("conference_sid") ?? "", targetSid: row.string("target_sid"),
            parameters: try AuditParameterColumn.decode(row.string("parameters") ?? "{}"),
            outcome: AuditOutcome(rawValue: row.string("outcome") ?? ""), detail: row.string("detail"),
            origin: AuditOrigin(rawValue: row.string("origin") ?? ""),
            request: row.string("request_method").map { method in
                SentRequest(
                    method: method, path: row.string("request_path") ?? "",
                    status: row.integer("request_status").map(Int.init),
                    milliseconds: Int(row.integer("request_ms") ?? 0))
            })
    }
}

/// The `parameters` column: a JSON object of strings, keys sorted so equal settings read alike.
enum AuditParameterColumn {
    static func encode(_ parameters: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(parameters), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
