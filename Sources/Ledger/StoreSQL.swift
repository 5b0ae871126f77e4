import Foundation

// The ledger's rules (what a callback may change, how an unsettled start is adopted, what the
// history keeps) are written once, against this small SQL surface, and run unchanged on SQLite
// and on PostgreSQL. Each engine supplies a transaction that implements it; the statements use
// `?` placeholders and the few spellings that differ come from `StoreDialect`.

/// One value bound to a statement or read from a row.
public enum StoreValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case date(Date)
}

/// Something a statement can bind: the handful of Swift types the ledger writes.
public protocol StoreValueConvertible: Sendable {
    var storeValue: StoreValue { get }
}

extension String: StoreValueConvertible {
    public var storeValue: StoreValue { .text(self) }
}

extension Int64: StoreValueConvertible {
    public var storeValue: StoreValue { .integer(self) }
}

extension Int: StoreValueConvertible {
    public var storeValue: StoreValue { .integer(Int64(self)) }
}

extension Bool: StoreValueConvertible {
    public var storeValue: StoreValue { .bool(self) }
}

extension Date: StoreValueConvertible {
    public var storeValue: StoreValue { .date(self) }
}

/// A statement's arguments, written as an array literal of optionals: `[sid, name, date]`.
public struct StoreArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [StoreValue]

    public init(arrayLiteral elements: (any StoreValueConvertible)?...) {
        values = elements.map { $0?.storeValue ?? .null }
    }

    init(values: [StoreValue]) {
        self.values = values
    }

    static func + (lhs: StoreArguments, rhs: StoreArguments) -> StoreArguments {
        StoreArguments(values: lhs.values + rhs.values)
    }
}

/// One row of a result, read by column name.
public protocol StoreRow {
    func value(_ column: String) -> StoreValue
    /// A date column, in the engine's own spelling of dates.
    func date(_ column: String) throws -> Date
}

extension StoreRow {
    func string(_ column: String) -> String? {
        switch value(column) {
        case .text(let text): text
        case .integer(let number): String(number)
        case .bool(let flag): flag ? "1" : "0"
        case .date, .null: nil
        }
    }

    func requiredString(_ column: String) throws -> String {
        guard let text = string(column) else { throw StoreRowError.missing(column) }
        return text
    }

    func integer(_ column: String) -> Int64? {
        switch value(column) {
        case .integer(let number): number
        case .text(let text): Int64(text)
        case .bool(let flag): flag ? 1 : 0
        case .date, .null: nil
        }
    }

    func bool(_ column: String) -> Bool {
        switch value(column) {
        case .bool(let flag): flag
        case .integer(let number): number != 0
        case .text(let text): text == "1" || text == "t" || text == "true"
        case .date, .null: false
        }
    }

    /// The default reading of a date: the engine's own type, or SQLite's text.
    func anyDate(_ column: String) throws -> Date {
        switch value(column) {
        case .date(let date): return date
        case .text(let text):
            if let date = StoreDates.parse(text) { return date }
        case .integer(let seconds): return Date(timeIntervalSince1970: TimeInterval(seconds))
        case .bool, .null: break
        }
        throw StoreRowError.missing(column)
    }
}

enum StoreRowError: Error, CustomStringConvertible {
    case missing(String)

    var description: String {
        switch self {
        case .missing(let column): "the column \(column) has no value this build can read"
        }
    }
}

/// SQLite keeps dates as text (`2026-12-01 21:44:00.123`, UTC): GRDB's spelling. Only a
/// fallback: each engine's rows read their own dates natively.
enum StoreDates {
    static func parse(_ text: String) -> Date? {
        let formats = ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS"]
        for format in formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// What the stores' change feeds yield: what changed since the last batch, for a reader to
/// re-read only that. Bursts collapse into one batch.
public struct LedgerChanges: Sendable, Hashable {
    /// Read everything again: the first batch, and after the feed lost track (a reconnect, a
    /// reader so far behind that the change log no longer reaches back to it).
    public var resync = false
    /// Streams written or removed (re-read them; a sid that is no longer kept was removed).
    public var streams: Set<String> = []
    /// Audit entries appended, by id.
    public var audit: [Int64] = []
    /// Conference status events stored, by id.
    public var conferenceEvents: [Int64] = []
    /// Set while the store cannot be reached, in words for the operator; nil once it answers.
    public var storeProblem: String?

    public init(
        resync: Bool = false, streams: Set<String> = [], audit: [Int64] = [], conferenceEvents: [Int64] = [],
        storeProblem: String? = nil
    ) {
        self.resync = resync
        self.streams = streams
        self.audit = audit
        self.conferenceEvents = conferenceEvents
        self.storeProblem = storeProblem
    }

    public var isEmpty: Bool {
        !resync && streams.isEmpty && audit.isEmpty && conferenceEvents.isEmpty && storeProblem == nil
    }

    /// Adds one change announced as `kind:key`; an announcement this build does not know is
    /// ignored (a later confdash on the same store).
    mutating func add(_ kind: String, _ key: String) {
        switch ChangeKind(rawValue: kind) {
        case .stream, .streamGone: streams.insert(key)
        case .audit: if let id = Int64(key) { audit.append(id) }
        case .conferenceEvent: if let id = Int64(key) { conferenceEvents.append(id) }
        case nil: break
        }
    }

    mutating func merge(_ other: LedgerChanges) {
        resync = resync || other.resync
        streams.formUnion(other.streams)
        audit += other.audit
        conferenceEvents += other.conferenceEvents
    }
}

/// An engine: where the ledger's rules run. SQLite (`SQLiteStore`) or PostgreSQL (`PostgresStore`).
protocol StoreEngine: Sendable {
    /// Where the store is, for messages: a file path, or a URL without its password.
    var location: String { get }
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any StoreSQL) throws -> T) async throws
        -> T
    func changes<C: Clock<Duration>>(pollingEvery interval: Duration, clock: C) -> AsyncStream<LedgerChanges>
    /// Ends connections and background work; the store is not used after.
    func close() async
}

/// The few places the two engines spell SQL differently.
public struct StoreDialect: Sendable {
    /// The column that orders rows by insertion: SQLite's `rowid`, PostgreSQL's `seq`.
    var insertionOrder: String
}

/// What changed, as a write announces it to every reader of the store.
enum ChangeKind: String, Sendable {
    /// A stream's row was written (inserted or changed): key is its sid.
    case stream
    /// A stream's row was removed (an unsettled start moved to its real sid): key is the old sid.
    case streamGone = "gone"
    /// An audit entry was appended: key is its id.
    case audit
    /// A conference status event was stored: key is its id.
    case conferenceEvent = "event"
}

/// One transaction's view of the store: the only surface the ledger's rules touch.
protocol StoreSQL {
    var dialect: StoreDialect { get }
    func execute(_ sql: String, _ arguments: StoreArguments) throws
    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [any StoreRow]
    /// Runs an INSERT into a table with an integer `id` and returns the new row's id.
    func insertReturningID(_ sql: String, _ arguments: StoreArguments) throws -> Int64
    /// Tells every reader of the store, once this transaction commits, what it changed.
    func noteChange(_ kind: ChangeKind, _ key: String) throws
}

extension StoreSQL {
    func execute(_ sql: String) throws { try execute(sql, []) }

    func row(_ sql: String, _ arguments: StoreArguments = []) throws -> (any StoreRow)? {
        try rows(sql, arguments).first
    }
}
