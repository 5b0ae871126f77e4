import Foundation
import GRDB

// The audit trail shares the ledger's file and pool: one file to keep private, to back up and
// to pass with --ledger, and every write already waits politely for other processes.

extension StreamLedger {
    /// Appends one entry to the audit trail (entries are never changed or removed) and returns it
    /// as stored, with its id.
    @discardableResult
    public func recordAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        let parameters = try AuditParameterColumn.encode(entry.parameters)
        return try await write("record the audit of \(entry.action) on \(entry.conferenceSid)") { db in
            try db.execute(
                sql: """
                    INSERT INTO audit (at, local_user, profile, account_sid, action, conference_sid, target_sid,
                        parameters, outcome, detail, origin)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.at, entry.localUser, entry.profile, entry.accountSid, entry.action.rawValue,
                    entry.conferenceSid, entry.targetSid, parameters, entry.outcome.rawValue, entry.detail,
                    entry.origin.rawValue,
                ])
            // Read back, so the caller holds what a later read returns (the file keeps milliseconds).
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM audit WHERE id = ?", arguments: [db.lastInsertedRowID])
            else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "an audit row vanished inside its own transaction")
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
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM audit WHERE conference_sid = ? ORDER BY id DESC LIMIT ?",
                        arguments: [conferenceSid, max(0, limit)])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)])
                }
            return try rows.map(AuditEntry.init(row:))
        }
    }
}

extension AuditEntry {
    init(row: Row) throws {
        self.init(
            id: row["id"], at: row["at"], localUser: row["local_user"], profile: row["profile"],
            accountSid: row["account_sid"], action: AuditAction(rawValue: row["action"]),
            conferenceSid: row["conference_sid"], targetSid: row["target_sid"],
            parameters: try AuditParameterColumn.decode(row["parameters"]),
            outcome: AuditOutcome(rawValue: row["outcome"]), detail: row["detail"],
            origin: AuditOrigin(rawValue: row["origin"]))
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
