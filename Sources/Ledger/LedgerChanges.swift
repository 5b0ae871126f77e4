import GRDB

// How the dashboard learns that the ledger changed, whoever changed it.
//
// GRDB's ValueObservation only sees commits made through this same pool, and SQLite has no
// cross-process notification, so `changes` combines two sources: the observation, for this
// process's own writes (the callback receiver, the form) with no delay; and a cheap poll of the
// newest history id on an injected clock, for writes by other processes (a `confdash streams`
// command in another terminal). Every change appends a history entry (see Recording.swift),
// and ids only grow, so one integer says whether anything changed.

extension StreamLedger {
    /// Yields once straight away, then after every change to the ledger: at once for this
    /// process's writes, within `interval` for another process's. Re-read what you show when it
    /// yields; bursts collapse into one. Ends when the consuming task is cancelled.
    public func changes(pollingEvery interval: Duration = .seconds(1)) -> AsyncStream<Void> {
        changes(pollingEvery: interval, clock: ContinuousClock())
    }

    /// `changes(pollingEvery:)` with the poll timed by `clock`.
    public func changes<C: Clock<Duration>>(pollingEvery interval: Duration, clock: C) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let gate = ChangeGate()
        let pool = self.pool
        let observer = Task {
            let observation = ValueObservation.tracking { db in try Self.changeMark(db) }
            do {
                for try await mark in observation.values(in: pool) where await gate.advance(to: mark) {
                    continuation.yield()
                }
            } catch {
                // The observation stopped (cancelled, or the file failed); the poll below goes on.
            }
        }
        let poller = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: interval) } catch { return }
                // A read that fails now (a checkpoint in progress) is simply tried on the next tick.
                guard let mark = try? await pool.read({ db in try Self.changeMark(db) }) else { continue }
                if await gate.advance(to: mark) { continuation.yield() }
            }
        }
        continuation.onTermination = { _ in
            observer.cancel()
            poller.cancel()
        }
        return stream
    }
}

/// Lets a change mark through once, whichever of the two sources sees it first.
actor ChangeGate {
    private var last: Int64?

    func advance(to mark: Int64) -> Bool {
        if let last, mark <= last { return false }
        last = mark
        return true
    }
}
