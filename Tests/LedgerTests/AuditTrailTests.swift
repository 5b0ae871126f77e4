import CompatAPI
import Foundation
import GRDB
import Testing

@testable import Ledger

/// The audit trail in the ledger file: appended, read back newest first, and added to ledgers
/// that operators already have by a migration of its own.
@Suite struct AuditTrailTests {
    static func entry(
        _ action: AuditAction, conference: String = Sample.conference, target: String? = nil, at seconds: Int,
        outcome: AuditOutcome = .ok
    ) -> AuditEntry {
        AuditEntry(
            at: Sample.at(seconds), localUser: "ops1", profile: seconds.isMultiple(of: 2) ? "prod" : nil,
            accountSid: Sample.account, action: action, conferenceSid: conference, targetSid: target,
            parameters: ["muted": "true", "url": "wss://media.example.com/ünïcode 会议"], outcome: outcome,
            detail: outcome == .ok ? nil : "request refused (422)", origin: .cli)
    }

    @Test(arguments: Engine.allCases) func entriesReadBackNewestFirstAsRecorded(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let first = try await temp.ledger.recordAudit(Self.entry(.mute, target: "CA1", at: 0))
        let second = try await temp.ledger.recordAudit(Self.entry(.endConference, at: 1, outcome: .refused))
        #expect(first.id != nil && second.id != nil && first.id != second.id)

        let entries = try await temp.ledger.auditEntries()
        #expect(entries == [second, first])
        #expect(entries[1].parameters["url"] == "wss://media.example.com/ünïcode 会议")
        #expect(entries[1].profile == "prod")
        #expect(entries[0].profile == nil)
        #expect(entries[0].detail == "request refused (422)")
    }

    /// The request behind an entry comes back as it was kept: answered, unanswered, or none.
    @Test(arguments: Engine.allCases) func theRequestBehindAnEntryIsKept(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let path = "/api/laml/2010-04-01/Accounts/\(Sample.account)/Conferences/\(Sample.conference)/Streams.json"
        var answered = Self.entry(.startStream, at: 0)
        answered.request = SentRequest(method: "POST", path: path, status: 201, milliseconds: 84)
        var unanswered = Self.entry(.stopStream, at: 1, outcome: .unknown)
        unanswered.request = SentRequest(method: "POST", path: path, status: nil, milliseconds: 5003)
        let none = Self.entry(.mute, at: 2, outcome: .refused)
        for entry in [answered, unanswered, none] { try await temp.ledger.recordAudit(entry) }
        let read = try await temp.reopen().auditEntries()
        #expect(read.map(\.request) == [nil, unanswered.request, answered.request])
    }

    @Test func aLedgerFromBeforeTheRequestsGainsTheirColumns() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await temp.ledger.recordAudit(Self.entry(.hold, at: 0))
        // Back to v4, as a ledger written by the previous release is.
        try await #require(temp.ledger.sqlitePool).write { db in
            for column in ["request_method", "request_path", "request_status", "request_ms"] {
                try db.execute(sql: "ALTER TABLE audit DROP COLUMN \(column)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [LedgerSchema.auditRequests])
        }
        let reopened = try temp.reopen()
        var entry = Self.entry(.unhold, at: 1)
        entry.request = SentRequest(method: "POST", path: "/p", status: 200, milliseconds: 3)
        try await reopened.recordAudit(entry)
        #expect(try await reopened.auditEntries().map(\.request) == [entry.request, nil])
    }

    @Test(arguments: Engine.allCases) func entriesFilterByConferenceAndLimit(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        for second in 0..<5 {
            try await temp.ledger.recordAudit(Self.entry(.hold, conference: second < 3 ? "CF-A" : "CF-B", at: second))
        }
        #expect(try await temp.ledger.auditEntries().count == 5)
        #expect(try await temp.ledger.auditEntries(limit: 2).map(\.at) == [Sample.at(4), Sample.at(3)])
        #expect(try await temp.ledger.auditEntries(conferenceSid: "CF-A").map(\.at) == [2, 1, 0].map(Sample.at))
        #expect(try await temp.ledger.auditEntries(limit: 1, conferenceSid: "CF-B").map(\.at) == [Sample.at(4)])
    }

    @Test(arguments: Engine.allCases) func anotherProcessSeesTheAudit(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        try await temp.ledger.recordAudit(Self.entry(.removeParticipant, target: "CA9", at: 0))
        #expect(try await temp.reopen().auditEntries().map(\.targetSid) == ["CA9"])
    }

    @Test func aLedgerFromBeforeTheAuditGainsItsTableAndKeepsItsStreams() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Sample.start("MZ-old", in: temp.ledger, name: "old")
        // Rewind the file to the first schema, as an operator's ledger from before issue 5 is.
        // (v3 alters the audit table, so it is rewound too.)
        try await #require(temp.ledger.sqlitePool).write { db in
            try db.execute(sql: "DROP TABLE audit")
            try db.execute(sql: "DROP TABLE change_log")
            try db.execute(sql: "DROP TABLE conference_event")
            try db.execute(sql: "ALTER TABLE stream DROP COLUMN started_by")
            try db.execute(
                sql: "DELETE FROM grdb_migrations WHERE identifier IN (?, ?, ?)",
                arguments: [LedgerSchema.audit, LedgerSchema.team, LedgerSchema.auditRequests])
        }
        let reopened = try temp.reopen()
        #expect(try await reopened.stream(sid: "MZ-old")?.name == "old")
        try await reopened.recordAudit(Self.entry(.stopStream, target: "MZ-old", at: 1))
        #expect(try await reopened.auditEntries().map(\.action) == [.stopStream])
        let applied = try await #require(reopened.sqlitePool).read { db in
            try LedgerSchema.sqliteMigrator.appliedMigrations(db)
        }
        #expect(applied == LedgerSchema.identifiers)
    }

    @Test(arguments: Engine.allCases) func aValueFromALaterConfdashStillReads(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        try await temp.ledger.recordAudit(
            AuditEntry(
                at: Sample.at(0), profile: nil, accountSid: Sample.account, action: "transfer-participant",
                conferenceSid: Sample.conference, outcome: "partial", origin: "web"))
        let entry = try #require(try await temp.ledger.auditEntries().first)
        #expect(entry.action.rawValue == "transfer-participant")
        #expect(entry.action.isKnown == false)
        #expect(entry.outcome.rawValue == "partial")
        #expect(entry.localUser == AuditEntry.currentLocalUser())
    }
}
