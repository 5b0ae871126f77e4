import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The ledger on a PostgreSQL server, for a team on several hosts.
///
/// The ledger's rules are synchronous (they run inside SQLite's transaction closures too), so a
/// PostgreSQL transaction runs them on a thread of its own (NIOThreadPool, made for blocking
/// work), each statement waiting for the server's answer on a leased connection. A transaction
/// that loses a race with another writer (a unique key taken a moment ago, a serialization
/// failure, a deadlock) is run again from the start, as PostgreSQL advises.
final class PostgresStore: StoreEngine {
    let settings: PostgresStoreSettings
    let connections: PostgresConnections
    let threads: NIOThreadPool
    let logger: Logger

    var location: String { settings.location }

    /// How many times a transaction that lost a race is run again before its error is reported.
    static let attempts = 4

    /// The NOTIFY channel every write announces its changes on.
    static let channel = "confdash_changes"

    init(settings: PostgresStoreSettings, logger: Logger = Logger(label: "confdash.store")) {
        self.settings = settings
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: max(1, settings.maximumConnections))
        threads.start()
        connections = PostgresConnections(settings: settings, logger: logger)
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    {
        try await transaction(operation, begin: "BEGIN", body)
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    {
        try await transaction(operation, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<T: Sendable>(
        _ operation: String, begin: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let connection: PostgresConnection
            do {
                connection = try await connections.lease()
            } catch {
                throw LedgerError.failed(operation: operation, path: location, reason: Self.reason(error))
            }
            do {
                let value = try await threads.runIfActive {
                    try PostgresSQL.run(on: connection, begin: begin, body)
                }
                await connections.release(connection)
                return value
            } catch {
                // One that did not answer is being closed: never back in the pool.
                if error is PostgresNoAnswer {
                    await connections.discard(connection)
                } else {
                    await connections.release(connection)
                }
                if attempt < Self.attempts, Self.isRace(error) {
                    continue
                }
                if let error = error as? LedgerError { throw error.at(location) }
                throw LedgerError.failed(operation: operation, path: location, reason: Self.reason(error))
            }
        }
    }

    func close() async {
        await connections.closeAll()
        try? await threads.shutdownGracefully()
    }

    /// A unique key taken by a concurrent transaction, a serialization failure or a deadlock:
    /// running the transaction again from the start is the cure.
    static func isRace(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state == "23505" || state == "40001" || state == "40P01"
    }

    /// The server's SQLSTATE, from either of PostgresNIO's error types: the async API throws
    /// `PSQLError`, the EventLoopFuture API the ledger's statements use (`query(_:_:).wait()`)
    /// throws the older `PostgresError.server`. Reading only the first missed every race.
    static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if case .server(let response)? = error as? PostgresError { return response.fields[.sqlState] }
        return nil
    }

    /// The error in the operator's words, never the password (PostgresNIO's own description is a
    /// placeholder on purpose, and its debug description may name the query's values).
    static func reason(_ error: any Error) -> String {
        if case .server(let response)? = error as? PostgresError, let message = response.fields[.message] {
            return message + (response.fields[.sqlState].map { " (\($0))" } ?? "")
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (\($0))" } ?? ""
                return message + state
            }
            if let underlying = error.underlying { return reason(underlying) }
            switch error.code {
            case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
            case .connectionError: return "cannot connect"
            case .sslUnsupported: return "the server does not offer TLS (sslmode=require)"
            case .authMechanismRequiresPassword:
                return "the server asks for a password: set store_password_env or store_password_command"
            default: return "\(error.code)"
            }
        }
        if let error = error as? LedgerError {
            switch error {
            case .cannotOpen(_, let reason), .failed(_, _, let reason): return reason
            }
        }
        if let error = error as? IOError { return error.description }
        if error is NIOConnectionError || "\(type(of: error))".contains("Connect") {
            return "cannot connect (is the server running, and is the address right?)"
        }
        return "\(error)"
    }
}

/// A statement's answer did not come within `PostgresSQL.answerLimit`.
struct PostgresNoAnswer: Error, CustomStringConvertible {
    var description: String { "the server did not answer within \(PostgresSQL.answerLimit.nanoseconds / 1_000_000_000) s" }
}

/// The store's connections: up to `maximumConnections`, opened when needed, dropped when broken.
/// The first one brings the schema up to date.
actor PostgresConnections {
    let settings: PostgresStoreSettings
    let logger: Logger
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var migrated = false
    private var nextID = 0

    init(settings: PostgresStoreSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    func lease() async throws -> PostgresConnection {
        while true {
            while let connection = idle.popLast() {
                if !connection.isClosed { return connection }
                open -= 1
            }
            if open < settings.maximumConnections {
                open += 1
                do {
                    let connection = try await connect()
                    if !migrated {
                        do {
                            try await PostgresMigrations.migrate(connection)
                        } catch {
                            try? await connection.close()
                            throw error
                        }
                        migrated = true
                    }
                    return connection
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    func release(_ connection: PostgresConnection) {
        if connection.isClosed {
            open -= 1
        } else {
            idle.append(connection)
        }
        wakeOne()
    }

    /// Forgets a connection being closed (one that did not answer), making room for a new one.
    func discard(_ connection: PostgresConnection) {
        open -= 1
        wakeOne()
    }

    func closeAll() async {
        let all = idle
        idle = []
        for connection in all { try? await connection.close() }
    }

    /// A store dropped without `close()` (a CLI command's ledger going out of scope) still closes
    /// its connections: the task holds each one until it is closed.
    deinit {
        let all = idle
        guard !all.isEmpty else { return }
        Task {
            for connection in all { try? await connection.close() }
        }
    }

    private func wakeOne() {
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }

    func connect() async throws -> PostgresConnection {
        nextID += 1
        return try await PostgresConnection.connect(
            configuration: try Self.configuration(settings), id: nextID, logger: logger)
    }

    static func configuration(_ settings: PostgresStoreSettings) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch settings.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: tls)
        // A store that does not answer is reported within seconds, not after TCP's minutes.
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// The versioned schema on PostgreSQL: `confdash_migrations` lists what was applied, and an
/// advisory lock makes two processes that start at once take turns.
enum PostgresMigrations {
    static func migrate(_ connection: PostgresConnection) async throws {
        let logger = Logger(label: "confdash.store")
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(4242001)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS confdash_migrations (
                    identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<String> = []
            for try await (identifier) in try await connection.query(
                "SELECT identifier FROM confdash_migrations", logger: logger
            ).decode(String.self) {
                applied.insert(identifier)
            }
            for (identifier, sql) in LedgerSchema.postgres where !applied.contains(identifier) {
                // One statement at a time (the extended protocol takes one); no statement of the
                // schema has a semicolon inside it.
                for statement in sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    _ = try await connection.query(String(statement), []).get()
                }
                try await connection.query(
                    "INSERT INTO confdash_migrations (identifier) VALUES (\(identifier))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

/// One PostgreSQL transaction, as the ledger's rules see it: run on a thread that may block.
///
/// Statements are pipelined: BEGIN, every write, the NOTIFY and the COMMIT go out without
/// waiting for the one before, and the thread waits only where the rules need an answer (a
/// read) and at the end. A store across the network then costs a round trip per read rather
/// than per statement. Nothing is lost by not waiting: the server runs them in order, the first
/// that fails aborts the transaction (every later one fails, and COMMIT rolls back), and that
/// first error is the one thrown, before the body's value is returned.
final class PostgresSQL: StoreSQL {
    let connection: PostgresConnection
    private var announcements: [String] = []
    /// Sent and not yet answered, oldest first.
    private var pending: [EventLoopFuture<Void>] = []

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    var dialect: StoreDialect { StoreDialect(insertionOrder: "seq") }

    static func run<T>(on connection: PostgresConnection, begin: String, _ body: (any StoreSQL) throws -> T) throws
        -> T
    {
        let sql = PostgresSQL(connection: connection)
        sql.send(connection.simpleQuery(begin))
        do {
            let value = try body(sql)
            sql.announce()
            sql.send(connection.simpleQuery("COMMIT"))
            try sql.settle()
            return value
        } catch {
            // Whatever was sent must be answered before the connection goes back to the pool.
            try? sql.settle()
            if !connection.isClosed { _ = try? sql.answer(connection.simpleQuery("ROLLBACK")) }
            throw error
        }
    }

    private func send<Value>(_ future: EventLoopFuture<Value>) {
        pending.append(future.map { _ in })
    }

    /// How long a statement's answer is waited for before the connection is given up.
    static let answerLimit: TimeAmount = .seconds(30)

    /// The answer to a statement sent, waited for at most `answerLimit`. A connection the
    /// server left while a transaction was starting on it was seen never to answer nor fail (a
    /// test stopping its server: the thread waited as long as the run went on, over ten minutes,
    /// and held the whole test run): past the limit the wait fails and the connection is
    /// closed, which fails whatever else it holds.
    func answer<Value: Sendable>(_ future: EventLoopFuture<Value>) throws -> Value {
        let promise = future.eventLoop.makePromise(of: Value.self)
        future.cascade(to: promise)
        let connection = self.connection
        let limit = future.eventLoop.scheduleTask(in: Self.answerLimit) {
            promise.fail(PostgresNoAnswer())
            let _: EventLoopFuture<Void> = connection.close()
        }
        defer { limit.cancel() }
        return try promise.futureResult.wait()
    }

    /// Waits for everything sent, in order; throws the first failure (the one that aborted the
    /// transaction: the rest only say it was aborted) after all have been answered.
    private func settle() throws {
        var first: (any Error)?
        for future in pending {
            do { try answer(future) } catch { if first == nil { first = error } }
        }
        pending.removeAll()
        if let first { throw first }
    }

    func execute(_ sql: String, _ arguments: StoreArguments) throws {
        send(connection.query(Self.numbered(sql), Self.bind(arguments)))
    }

    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [any StoreRow] {
        let result = connection.query(Self.numbered(sql), Self.bind(arguments))
        try settle()
        return try answer(result).rows.map(PostgresStoreRow.init(row:))
    }

    func insertReturningID(_ sql: String, _ arguments: StoreArguments) throws -> Int64 {
        let rows = try rows(sql + " RETURNING id", arguments)
        guard let id = rows.first?.integer("id") else {
            throw LedgerError.failed(operation: "insert", path: "", reason: "the server returned no id")
        }
        return id
    }

    func noteChange(_ kind: ChangeKind, _ key: String) throws {
        announcements.append("\(kind.rawValue):\(key)")
    }

    /// One NOTIFY per transaction (more when the payload would pass PostgreSQL's 8000 bytes),
    /// sent with the commit: listeners hear of it only once it is durable.
    private func announce() {
        var unique: [String] = []
        var seen: Set<String> = []
        for line in announcements where seen.insert(line).inserted { unique.append(line) }
        var payload = ""
        for line in unique {
            if payload.utf8.count + line.utf8.count + 1 > 7_000 {
                notify(payload)
                payload = ""
            }
            payload += payload.isEmpty ? line : "\n" + line
        }
        if !payload.isEmpty { notify(payload) }
    }

    private func notify(_ payload: String) {
        send(
            connection.query(
                "SELECT pg_notify($1, $2)",
                [PostgresData(string: PostgresStore.channel), PostgresData(string: payload)]))
    }

    /// `?` placeholders as PostgreSQL's `$1, $2, …`, leaving quoted text alone.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                n += 1
                out += "$\(n)"
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func bind(_ arguments: StoreArguments) -> [PostgresData] {
        arguments.values.map { value in
            switch value {
            case .null: PostgresData.null
            case .text(let text): PostgresData(string: text)
            case .integer(let number): PostgresData(int64: number)
            case .bool(let flag): PostgresData(bool: flag)
            case .date(let date): PostgresData(date: date)
            }
        }
    }
}

struct PostgresStoreRow: StoreRow {
    let values: [String: StoreValue]

    init(row: PostgresRow) {
        var values: [String: StoreValue] = [:]
        for cell in row {
            values[cell.columnName] = Self.value(cell)
        }
        self.values = values
    }

    static func value(_ cell: PostgresCell) -> StoreValue {
        guard let bytes = cell.bytes else { return .null }
        let data = PostgresData(type: cell.dataType, formatCode: cell.format, value: bytes)
        switch cell.dataType {
        case .bool: return data.bool.map(StoreValue.bool) ?? .null
        case .int2, .int4, .int8: return data.int64.map(StoreValue.integer) ?? .null
        case .timestamptz, .timestamp: return data.date.map(StoreValue.date) ?? .null
        default: return data.string.map(StoreValue.text) ?? .null
        }
    }

    func value(_ column: String) -> StoreValue { values[column] ?? .null }

    func date(_ column: String) throws -> Date { try anyDate(column) }
}
