import Foundation

/// The durable record of every stream confdash started or learned of, its status history, the
/// audit trail and the conference events the receiver stored: the store a team shares.
///
/// The service cannot list or fetch a conference's streams, so this is the only place they are
/// known. One interface, two engines: a SQLite file (the embedded default; several processes on
/// one host may share it) or a PostgreSQL database (a team on several hosts). Every rule about
/// what a change may do is written once (Recording.swift, UnsettledStarts.swift) and runs on both.
public final class StreamLedger: Sendable {
    /// The file name inside confdash's state directory.
    public static let fileName = "ledger.sqlite"

    /// How long a write waits for another process's write before it gives up.
    public static let busyTimeout: TimeInterval = 5

    let engine: any StoreEngine

    /// Where the store is, for messages: the file's path, or the PostgreSQL URL without a password.
    public var location: String { engine.location }

    /// The SQLite file (for a PostgreSQL store, its location as a path-like URL: use `location`).
    public var path: URL { (engine as? SQLiteStore)?.path ?? URL(fileURLWithPath: location) }

    /// Which engine holds the store, in the operator's words: "SQLite" or "PostgreSQL".
    public var engineName: String { engine is SQLiteStore ? "SQLite" : "PostgreSQL" }

    /// How many write transactions can usefully run at once: PostgreSQL's connections (each
    /// waits on the network, so more of them keep the server busy); for SQLite two, one writing
    /// while the next gathers its batch (the file takes one writer at a time).
    public var concurrentWriters: Int {
        (engine as? PostgresStore)?.settings.maximumConnections ?? 2
    }

    /// `<state directory>/ledger.sqlite`; the state directory itself lives in Profiles' `StatePaths`.
    public static func defaultFile(inStateDirectory directory: URL) -> URL {
        directory.appendingPathComponent(fileName)
    }

    /// Opens the SQLite ledger at `path`, creating it (directory 0700, file 0600) and bringing
    /// its schema up to date.
    public convenience init(path: URL) throws(LedgerError) {
        self.init(engine: try SQLiteStore(path: path))
    }

    /// A PostgreSQL store. Nothing is connected yet: the first operation connects and brings the
    /// schema up to date, and an unreachable server is an error of that operation (a dashboard
    /// keeps going and says so; it catches up when the server is back).
    public convenience init(postgres settings: PostgresStoreSettings) {
        self.init(engine: PostgresStore(settings: settings))
    }

    /// Opens the store a `StoreLocation` names.
    public convenience init(_ location: StoreLocation) throws(LedgerError) {
        switch location {
        case .file(let path): try self.init(path: path)
        case .postgres(let settings): self.init(postgres: settings)
        }
    }

    init(engine: any StoreEngine) {
        self.engine = engine
    }

    /// Ends the store's connections and background work (PostgreSQL); the ledger is not used after.
    public func close() async {
        await engine.close()
    }

    /// A write in one transaction; its errors come back as `LedgerError`s naming it.
    func write<T: Sendable>(_ operation: String, _ updates: @escaping @Sendable (any StoreSQL) throws -> T)
        async throws -> T
    {
        try await engine.write(operation, updates)
    }

    /// A read of one consistent snapshot.
    func read<T: Sendable>(_ operation: String, _ value: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    {
        try await engine.read(operation, value)
    }
}
