import Foundation
import GRDB

/// One SQLite transaction, as the ledger's rules see it.
struct SQLiteSQL: StoreSQL {
    let db: Database

    var dialect: StoreDialect { StoreDialect(insertionOrder: "rowid") }

    func execute(_ sql: String, _ arguments: StoreArguments) throws {
        try db.execute(sql: sql, arguments: Self.bind(arguments))
    }

    func rows(_ sql: String, _ arguments: StoreArguments) throws -> [any StoreRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.bind(arguments)).map(SQLiteRow.init(row:))
    }

    func insertReturningID(_ sql: String, _ arguments: StoreArguments) throws -> Int64 {
        try execute(sql, arguments)
        return db.lastInsertedRowID
    }

    /// The change log: other processes poll it (SQLite cannot tell them), this one observes it.
    /// It keeps the newest few thousand entries; a reader further behind reads everything again.
    func noteChange(_ kind: ChangeKind, _ key: String) throws {
        try db.execute(sql: "INSERT INTO change_log (kind, key) VALUES (?, ?)", arguments: [kind.rawValue, key])
        let id = db.lastInsertedRowID
        if id % 1000 == 0 {
            try db.execute(sql: "DELETE FROM change_log WHERE id <= ?", arguments: [id - Self.changesKept])
        }
    }

    static let changesKept: Int64 = 10_000

    static func bind(_ arguments: StoreArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: nil
                case .text(let text): text
                case .integer(let number): number
                case .bool(let flag): flag
                case .date(let date): date
                }
            })
    }
}

struct SQLiteRow: StoreRow {
    let row: Row

    func value(_ column: String) -> StoreValue {
        guard let value: DatabaseValue = row[column] else { return .null }
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .integer(Int64(number))
        case .string(let text): return .text(text)
        case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
        }
    }

    func date(_ column: String) throws -> Date {
        if let date: Date = row[column] { return date }
        return try anyDate(column)
    }
}
