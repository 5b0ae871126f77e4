import Foundation
import PostgresNIO

// PostgreSQL's change feed: every write transaction announces what it changed with NOTIFY (see
// PostgresSQL.announce), delivered to listeners only when it commits. A dashboard listens on a
// connection of its own. A notification lost while that connection was down cannot be asked
// for again, so after any reconnect the reader is told to read everything once (`resync`).

extension PostgresStore {
    func changes<C: Clock<Duration>>(pollingEvery interval: Duration, clock: C) -> AsyncStream<LedgerChanges> {
        let (stream, continuation) = AsyncStream.makeStream(of: LedgerChanges.self)
        let connections = self.connections
        let location = self.location
        let logger = self.logger
        let batcher = ChangeBatcher(continuation: continuation)
        let task = Task {
            // Reconnects wait at least a second between tries, so a server that is down costs
            // one attempt a second, not a busy loop.
            let retry = max(interval, .seconds(1))
            var reported: String?
            while !Task.isCancelled {
                do {
                    // A lease first: the schema must exist before anyone reads it.
                    let lease = try await connections.lease()
                    await connections.release(lease)
                    let connection = try await connections.connect()
                    defer { Task { try? await connection.close() } }
                    try await connection.listen(on: PostgresStore.channel) { notifications in
                        // Listening now: whatever is read from here on is not missed.
                        reported = nil
                        continuation.yield(LedgerChanges(resync: true))
                        for try await notification in notifications {
                            await batcher.add(notification.payload)
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    let problem = "cannot reach the store at \(location): \(PostgresStore.reason(error))"
                    if problem != reported {
                        logger.warning("store change feed lost", metadata: ["store": "\(location)"])
                        reported = problem
                    }
                    continuation.yield(LedgerChanges(storeProblem: problem))
                    do { try await clock.sleep(for: retry) } catch { break }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// Collects notifications that arrive together (a burst of callbacks) into one batch, so a
/// reader re-reads each changed stream once per burst rather than once per notification.
actor ChangeBatcher {
    private let continuation: AsyncStream<LedgerChanges>.Continuation
    private var pending = LedgerChanges()
    private var scheduled = false

    init(continuation: AsyncStream<LedgerChanges>.Continuation) {
        self.continuation = continuation
    }

    func add(_ payload: String) {
        for line in payload.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            pending.add(String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        guard !scheduled else { return }
        scheduled = true
        Task {
            // A few milliseconds: long enough to gather a burst, far under the one second a
            // change may take to reach every screen.
            try? await Task.sleep(for: .milliseconds(15))
            self.flush()
        }
    }

    private func flush() {
        scheduled = false
        guard !pending.isEmpty else { return }
        continuation.yield(pending)
        pending = LedgerChanges()
    }
}
