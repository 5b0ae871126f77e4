import CompatAPI
import Foundation
import GRDB
import Testing

@testable import Ledger

/// The bearer token of a start request is a secret: the ledger has nowhere to put it, and it
/// never reaches the disk.
@Suite struct NoSecretsTests {
    @Test(arguments: Engine.allCases) func schemaHasNoTokenColumn(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let (columns, schemaSQL): ([String], String)
        if let pool = temp.ledger.sqlitePool {
            (columns, schemaSQL) = try await pool.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                let columns = try tables.flatMap { table in try db.columns(in: table).map { "\(table).\($0.name)" } }
                let sql = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
                return (columns, sql.joined(separator: "\n"))
            }
        } else {
            // PostgreSQL: the catalogue of the store's own schema, and the migrations' text.
            columns = try await temp.ledger.read("list columns") { db in
                try db.rows(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'", []
                ).map { "\($0.string("table_name") ?? "").\($0.string("column_name") ?? "")" }
            }
            schemaSQL = LedgerSchema.postgres.map(\.1).joined(separator: "\n")
        }
        #expect(columns.contains("stream.sid"))
        #expect(columns.filter { $0.lowercased().contains("token") } == [])
        #expect(!schemaSQL.lowercased().contains("token"))
        #expect(!schemaSQL.lowercased().contains("bearer"))
    }

    @Test func bearerTokenNeverReachesTheFile() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let token = "bearer-\(UUID().uuidString)-do-not-store"
        try await temp.ledger.recordStarted(
            Sample.stream("MZ-secret", name: "secret-test"),
            request: Sample.request(name: "secret-test", bearerToken: token),
            conferenceName: "Support Bridge", from: .dashboard, at: Sample.at(0))
        try await temp.ledger.applyCallback(Sample.callback("MZ-secret", .started, at: 1))

        // Before the checkpoint the row lives in the -wal file; after it, in the main file.
        let beforeCheckpoint = try rawBytes(of: temp.path)
        try await #require(temp.ledger.sqlitePool).writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let afterCheckpoint = try rawBytes(of: temp.path)

        for bytes in [beforeCheckpoint, afterCheckpoint] {
            // The search can find what was stored, so not finding the token means something.
            #expect(bytes.range(of: Data("wss://media.example.com/listen".utf8)) != nil)
            #expect(bytes.range(of: Data(token.utf8)) == nil)
            #expect(bytes.range(of: Data(String(token.prefix(20)).utf8)) == nil)
        }
    }

    /// The database file and its -wal file, as they are on disk.
    func rawBytes(of path: URL) throws -> Data {
        var bytes = try Data(contentsOf: path)
        let wal = URL(fileURLWithPath: path.path + "-wal")
        if FileManager.default.fileExists(atPath: wal.path) { bytes.append(try Data(contentsOf: wal)) }
        return bytes
    }
}
