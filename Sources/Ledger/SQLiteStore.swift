import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ledger in one SQLite file that the dashboard, the CLI and the receiver share: the
/// embedded default, for one operator or for several on one host (a group-writable file).
///
/// Several processes may hold it open at once: writes are IMMEDIATE transactions (GRDB's
/// default for a pool) that wait up to `busyTimeout` for each other instead of failing.
final class SQLiteStore: StoreEngine {
    /// How long a write waits for another process's write before it gives up.
    static let busyTimeout: TimeInterval = StreamLedger.busyTimeout

    let path: URL
    let pool: DatabasePool
    var location: String { path.path }

    /// Opens the file at `path`, creating it (directory 0700, file 0600) when missing and
    /// bringing its schema up to date. An existing file keeps its mode: a team's shared file is
    /// made group-writable by whoever sets it up (see the README).
    init(path: URL) throws(LedgerError) {
        self.path = path
        do {
            try Self.createPrivately(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(Self.busyTimeout)
            configuration.label = "ledger"
            // A write is durable when it returns: the receiver answers the service 2xx only then,
            // so a commit must survive a power loss, not only a crash (WAL's NORMAL would not).
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            pool = try Self.openPool(path, configuration)
            try Self.migrate(pool)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .cannotOpen(path: path.path, reason: Self.reason(error))
        }
    }

    /// The directory and the file readable by their owner only: the ledger names conferences,
    /// stream URLs and custom parameters. SQLite gives its -wal and -shm files the same mode.
    static func createPrivately(_ path: URL) throws {
        try makeDirectory(path.deletingLastPathComponent(), for: path)
        // O_EXCL: another process may be creating the same ledger right now, and it must not be
        // truncated under it. An existing file is left as it is.
        let fd = open(path.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = Glibc.close(fd)
        } else if errno != EEXIST {
            throw LedgerError.cannotOpen(path: path.path, reason: String(cString: strerror(errno)))
        }
    }

    /// `mkdir -p` with mode 0700 for each directory it makes, failing in the system's words.
    static func makeDirectory(_ directory: URL, for path: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw LedgerError.cannotOpen(path: path.path, reason: "\(directory.path) is not a directory")
            }
            return
        }
        try makeDirectory(directory.deletingLastPathComponent(), for: path)
        if mkdir(directory.path, 0o700) != 0 && errno != EEXIST {
            throw LedgerError.cannotOpen(
                path: path.path, reason: "cannot create \(directory.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Switching a brand-new file to WAL needs a moment alone with it, and SQLite answers a
    /// process that races another one there with SQLITE_BUSY at once, without its busy handler.
    /// The switch happens once in a ledger's life, so retrying for the busy timeout is enough.
    static func openPool(_ path: URL, _ configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path.path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(useconds_t.random(in: 5_000...25_000))
            }
        }
    }

    /// Two processes opening a new ledger at once both find it unmigrated; the slower one's
    /// migration fails on tables that now exist and rolls back. It then finds the work done (or
    /// continues with what is left), so a race is not an error.
    static func migrate(_ pool: DatabasePool) throws {
        let migrator = LedgerSchema.sqliteMigrator
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                attempt += 1
                if try pool.read(migrator.hasCompletedMigrations) { return }
                if attempt >= 3 { throw error }
            }
        }
    }

    /// A write in one IMMEDIATE transaction; its errors come back as `LedgerError`s naming it.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    {
        do {
            return try await pool.write { db in try body(SQLiteSQL(db: db)) }
        } catch let error as CancellationError {
            throw error
        } catch let error as LedgerError {
            throw error.at(location)
        } catch {
            throw LedgerError.failed(operation: operation, path: path.path, reason: Self.reason(error))
        }
    }

    /// A read of one consistent snapshot, which never waits for writers.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    {
        do {
            return try await pool.read { db in try body(SQLiteSQL(db: db)) }
        } catch let error as CancellationError {
            throw error
        } catch {
            throw LedgerError.failed(operation: operation, path: path.path, reason: Self.reason(error))
        }
    }

    func close() async {
        try? pool.close()
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "\(error)" }
        if let error = error as? LedgerError {
            switch error {
            case .cannotOpen(_, let reason), .failed(_, _, let reason): return reason
            }
        }
        return "\(error)"
    }
}

extension StreamLedger {
    /// The SQLite pool, for tests that look at the file itself; nil on PostgreSQL.
    var sqlitePool: DatabasePool? { (engine as? SQLiteStore)?.pool }
}
