import Foundation
import CompatAPI

// A batch of callbacks touches a handful of rows, but written one statement per change it
// costs two round trips per callback on a store across the network, and a receiver under load
// lives on how few there are. The changes are gathered here while the batch is worked out in
// memory and sent as one statement per kind: the new streams, their moves, their history.

/// The writes a batch of callbacks leaves, gathered in order and sent by `flush`.
struct CallbackWrites {
    /// Rows per statement: keeps the bound values under SQLite's oldest limit (999).
    static let rowsPerStatement = 64

    private var learned: [[StoreValue]] = []
    /// The last move of each stream in this batch (a later one replaces an earlier one, as it
    /// would have one statement at a time), in the order they were first made.
    private var moves: [String: (status: StreamState, reason: String?, at: Date)] = [:]
    private var moved: [String] = []
    /// A call stream first known by name (an unanswered start) learns its call from a callback.
    private var calls: [String: String] = [:]
    private var called: [String] = []
    private var history: [[StoreValue]] = []

    var isEmpty: Bool { learned.isEmpty && moved.isEmpty && called.isEmpty && history.isEmpty }

    /// A stream nobody here started, as `insertLearned` would add it.
    mutating func learn(
        sid: String, accountSid: String, conferenceSid: String, callSid: String?, name: String?,
        track: StreamTrack?, origin: StreamOrigin, state: StreamState, reason: String?, source: HistorySource,
        at date: Date
    ) {
        learned.append([
            .text(sid), .text(accountSid), .text(conferenceSid), Self.value(callSid), Self.value(name),
            Self.value(track?.rawValue), .date(date), .text(origin.rawValue), .null, .text(state.rawValue),
            Self.value(reason), .date(date),
        ])
        appendHistory(sid: sid, at: date, status: state, reason: reason, source: source)
    }

    mutating func move(sid: String, to next: StreamState, reason: String?, source: HistorySource, at date: Date) {
        if moves[sid] == nil { moved.append(sid) }
        moves[sid] = (next, reason, date)
        appendHistory(sid: sid, at: date, status: next, reason: reason, source: source)
    }

    mutating func learnCall(_ call: String, of sid: String) {
        guard calls[sid] == nil else { return }
        calls[sid] = call
        called.append(sid)
    }

    private mutating func appendHistory(
        sid: String, at date: Date, status: StreamState, reason: String?, source: HistorySource
    ) {
        history.append([.text(sid), .date(date), .text(status.rawValue), Self.value(reason), .text(source.rawValue)])
    }

    /// Sends what was gathered, in the order one statement at a time would have: new rows
    /// first (their history points at them), then the moves, then the history, oldest first.
    mutating func flush(_ db: any StoreSQL) throws {
        for chunk in Self.chunks(learned) {
            try db.execute(
                """
                INSERT INTO stream (sid, account_sid, conference_sid, call_sid, name, track, started_at, started_from,
                    started_by, status, status_reason, updated_at)
                VALUES \(Self.placeholders(rows: chunk.count, columns: 12))
                """,
                StoreArguments(values: chunk.flatMap { $0 }))
        }
        let touched = moved + called.filter { moves[$0] == nil }
        for chunk in Self.chunks(touched) {
            try db.execute(updateStatement(Array(chunk)), StoreArguments(values: updateArguments(Array(chunk))))
        }
        for chunk in Self.chunks(history) {
            try db.execute(
                "INSERT INTO stream_event (stream_sid, at, status, reason, source) VALUES "
                    + Self.placeholders(rows: chunk.count, columns: 5),
                StoreArguments(values: chunk.flatMap { $0 }))
        }
        for row in history {
            if case .text(let sid) = row[0] { try db.noteChange(.stream, sid) }
        }
        self = CallbackWrites()
    }

    /// One UPDATE for several streams: each column picks its stream's new value by sid, and
    /// keeps its own where this batch has none. Written with CASE so both engines take it.
    private func updateStatement(_ sids: [String]) -> String {
        let movedHere = sids.filter { moves[$0] != nil }
        let calledHere = sids.filter { calls[$0] != nil }
        var sets: [String] = []
        if !movedHere.isEmpty {
            let cases = String(repeating: " WHEN ? THEN ?", count: movedHere.count)
            sets.append("status = CASE sid\(cases) ELSE status END")
            sets.append("status_reason = CASE sid\(cases) ELSE status_reason END")
            sets.append("updated_at = CASE sid\(cases) ELSE updated_at END")
        }
        if !calledHere.isEmpty {
            let cases = String(repeating: " WHEN ? THEN ?", count: calledHere.count)
            sets.append("call_sid = COALESCE(call_sid, CASE sid\(cases) END)")
        }
        return "UPDATE stream SET " + sets.joined(separator: ", ") + " WHERE sid IN ("
            + Array(repeating: "?", count: sids.count).joined(separator: ", ") + ")"
    }

    private func updateArguments(_ sids: [String]) -> [StoreValue] {
        let movedHere = sids.compactMap { sid in moves[sid].map { (sid, $0) } }
        let calledHere = sids.compactMap { sid in calls[sid].map { (sid, $0) } }
        var values: [StoreValue] = []
        if !movedHere.isEmpty {
            values += movedHere.flatMap { [.text($0.0), .text($0.1.status.rawValue)] }
            values += movedHere.flatMap { [.text($0.0), Self.value($0.1.reason)] }
            values += movedHere.flatMap { [.text($0.0), .date($0.1.at)] }
        }
        values += calledHere.flatMap { [.text($0.0), .text($0.1)] }
        return values + sids.map { .text($0) }
    }

    private static func value(_ text: String?) -> StoreValue { text.map { .text($0) } ?? .null }

    private static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    private static func chunks<T>(_ items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: rowsPerStatement).map {
            items[$0..<min($0 + rowsPerStatement, items.count)]
        }
    }
}
