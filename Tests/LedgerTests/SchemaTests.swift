import Foundation
import GRDB
import Testing

@testable import Ledger

@Suite struct SchemaTests {
    @Test func migrationsCreateTheSchema() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let (migrations, streamColumns, eventColumns, auditColumns, journal) = try await #require(temp.ledger.sqlitePool).read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
                try db.columns(in: "stream").map(\.name),
                try db.columns(in: "stream_event").map(\.name),
                try db.columns(in: "audit").map(\.name),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(migrations == ["v1 streams and events", "v2 audit", "v3 team view", "v4 call streams", "v5 audit requests"])
        #expect(
            auditColumns == [
                "id", "at", "local_user", "profile", "account_sid", "action", "conference_sid", "target_sid",
                "parameters", "outcome", "detail", "origin", "host", "request_method", "request_path", "request_status",
                "request_ms",
            ])
        #expect(
            streamColumns == [
                "sid", "account_sid", "conference_sid", "conference_name", "name", "url", "track", "codec", "real_time",
                "status_callback", "status_callback_method", "parameters", "started_at", "started_from", "status",
                "status_reason", "updated_at", "started_by", "call_sid",
            ])
        #expect(eventColumns == ["id", "stream_sid", "at", "status", "reason", "source"])
        #expect(journal == "wal")
    }

    @Test func reopeningKeepsTheRecordAndDoesNotMigrateTwice() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        try await Sample.start("MZ1", in: temp.ledger)
        let again = try temp.reopen()
        #expect(try await again.stream(sid: "MZ1")?.url == "wss://media.example.com/listen")
        let migrations = try await #require(again.sqlitePool).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        #expect(migrations == 5)
    }

    @Test func ledgerFileAndDirectoryAreOwnerOnly() throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let manager = FileManager.default
        let fileMode = try manager.attributesOfItem(atPath: temp.path.path)[.posixPermissions] as? Int
        let directoryMode =
            try manager.attributesOfItem(atPath: temp.path.deletingLastPathComponent().path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(directoryMode == 0o700)
    }

    @Test func aLedgerThatCannotBeOpenedSaysWhereAndWhy() throws {
        // A directory where the file should be: SQLite cannot open it.
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let blocked = temp.directory.appendingPathComponent("blocked.sqlite")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: true)
        #expect {
            try StreamLedger(path: blocked)
        } throws: { error in
            guard case .cannotOpen(let path, _) = error as? LedgerError else { return false }
            return path == blocked.path && "\(error)".contains("cannot open the stream ledger at \(blocked.path)")
        }
    }

    @Test func defaultFileLivesInTheStateDirectory() {
        let file = StreamLedger.defaultFile(inStateDirectory: URL(fileURLWithPath: "/home/op/.local/state/confdash"))
        #expect(file.path == "/home/op/.local/state/confdash/ledger.sqlite")
    }
}
