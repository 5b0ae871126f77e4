import GRDB

// How a reader learns that the store changed, whoever changed it, and what changed, so that it
// re-reads only that (never the whole ledger on each change).
//
// SQLite has no cross-process notification, so every write appends to `change_log` in its own
// transaction (see SQLiteSQL.noteChange) and readers ask for the entries after the last id they
// saw. GRDB's ValueObservation sees this process's own commits at once; a cheap poll on an
// injected clock sees other processes' within `interval`. SQLite commits one writer at a time,
// so ids appear in order and "after the last id" misses nothing. PostgreSQL's feed is LISTEN/
// NOTIFY (PostgresStore).

extension StreamLedger {
    /// Yields `resync` straight away (read everything once), then what changed after every
    /// change: at once for this process's writes, within `interval` for another process's on
    /// SQLite, within a moment on PostgreSQL. Ends when the consuming task is cancelled.
    public func changes(pollingEvery interval: Duration = .milliseconds(500)) -> AsyncStream<LedgerChanges> {
        changes(pollingEvery: interval, clock: ContinuousClock())
    }

    /// `changes(pollingEvery:)` with the poll timed by `clock`.
    public func changes<C: Clock<Duration>>(pollingEvery interval: Duration, clock: C) -> AsyncStream<LedgerChanges> {
        engine.changes(pollingEvery: interval, clock: clock)
    }
}

extension SQLiteStore {
    func changes<C: Clock<Duration>>(pollingEvery interval: Duration, clock: C) -> AsyncStream<LedgerChanges> {
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChanges.self)
        let reader = ChangeLogReader(pool: pool)
        let pool = self.pool
        let feed = Task {
            // Bearings first, then `resync`: whatever the reader's full read misses came after
            // the mark, so the next batch brings it.
            _ = await reader.next()
            continuation.yield(LedgerChanges(resync: true))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    let observation = ValueObservation.tracking { db in try Self.changeMark(db) }
                    do {
                        for try await _ in observation.values(in: pool) {
                            if let batch = await reader.next() { continuation.yield(batch) }
                        }
                    } catch {
                        // The observation stopped (cancelled, or the file failed); the poll goes on.
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await clock.sleep(for: interval) } catch { return }
                        if let batch = await reader.next() { continuation.yield(batch) }
                    }
                }
            }
        }
        continuation.onTermination = { _ in feed.cancel() }
        return stream
    }

    /// The newest change's id: it grows with every change, whichever process made it.
    static func changeMark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM change_log") ?? 0
    }
}

/// Reads the change log after the last id it saw, one reader at a time, whichever of the two
/// sources woke it.
actor ChangeLogReader {
    private let pool: DatabasePool
    private var last: Int64?
    /// A read is under way; the actor is reentrant across its await, so a second wake-up only
    /// asks that one to look again rather than reading (and yielding) the same entries twice.
    private var reading = false
    private var again = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// What changed since the last call, or nil when nothing did. A read that fails now (a
    /// checkpoint in progress) is simply tried on the next tick.
    func next() async -> LedgerChanges? {
        if reading {
            again = true
            return nil
        }
        reading = true
        defer { reading = false }
        var merged: LedgerChanges?
        repeat {
            again = false
            if let batch = await readOnce() {
                if merged == nil { merged = batch } else { merged?.merge(batch) }
            }
        } while again
        return merged
    }

    private func readOnce() async -> LedgerChanges? {
        let last = self.last
        let read: ([ChangeLine], Int64, Int64)
        do {
            read = try await pool.read { db -> ([ChangeLine], Int64, Int64) in
                let newest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM change_log") ?? 0
                let oldest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MIN(id), 0) FROM change_log") ?? 0
                guard let last, newest > last else { return ([], oldest, newest) }
                // Far behind: the entries it would need were pruned, or there are too many to
                // be worth reading one by one. Either way, reading everything is cheaper.
                if oldest > last + 1 || newest - last > 5_000 { return ([], oldest, newest) }
                let rows = try Row.fetchAll(
                    db, sql: "SELECT kind, key FROM change_log WHERE id > ? ORDER BY id", arguments: [last]
                ).map { ChangeLine(kind: $0["kind"], key: $0["key"]) }
                return (rows, oldest, newest)
            }
        } catch {
            return nil
        }
        let (rows, oldest, newest) = read
        self.last = max(newest, last ?? 0)
        guard let last else { return nil }  // the first call only takes its bearings
        if newest <= last { return nil }
        if rows.isEmpty { return LedgerChanges(resync: true) }
        _ = oldest
        var batch = LedgerChanges()
        for row in rows {
            batch.add(row.kind, row.key)
        }
        return batch
    }
}

struct ChangeLine: Sendable {
    var kind: String
    var key: String
}
