import Ledger

/// Group commit for stream callbacks: the callbacks that arrive while the store is busy with
/// earlier ones are written together, in one transaction, as soon as a writer is free.
///
/// A store spends most of a callback's time on what every transaction pays (BEGIN, COMMIT and its
/// flush to disk, a NOTIFY, a connection's turn), so under load one commit for many callbacks
/// keeps up where one commit each falls behind. An idle receiver writes each callback at once,
/// alone: nothing waits for a batch to fill. Each callback is still answered only after the
/// commit that holds it, so the promise "2xx only once stored" is unchanged.
///
/// When a batch fails on a store that answers, its callbacks are written again one by one: one
/// callback the store refuses must not cost the others their write (503 only for itself).
actor CallbackBatcher {
    private let store: any CallbackStore
    /// How many transactions may be under way at once: more than one keeps a store on the
    /// network busy while an answer travels; a few is enough, as each carries a batch.
    private let writers: Int
    /// At most this many callbacks per transaction, so one transaction stays short.
    private let largestBatch: Int

    private var pending: [(callback: StreamCallback, answer: CheckedContinuation<CallbackOutcome, any Error>)] = []
    private var writing = 0

    /// How many callbacks wait for a writer (for tests that drive the batching step by step).
    var waiting: Int { pending.count }

    /// How long the store may take to answer the cheap read that follows a failed batch.
    private let healthTimeout: Duration

    init(store: any CallbackStore, healthTimeout: Duration, writers: Int = 2, largestBatch: Int = 64) {
        self.store = store
        self.healthTimeout = healthTimeout
        self.writers = max(1, writers)
        self.largestBatch = max(1, largestBatch)
    }

    /// Applies `callback` in the next transaction a writer starts; returns once it is committed.
    func apply(_ callback: StreamCallback) async throws -> CallbackOutcome {
        try await withCheckedThrowingContinuation { answer in
            pending.append((callback, answer))
            if writing < writers {
                writing += 1
                Task { await self.writeWhilePending() }
            }
        }
    }

    private func writeWhilePending() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(largestBatch))
            pending.removeFirst(batch.count)
            await write(batch)
        }
        writing -= 1
    }

    private func write(_ batch: [(callback: StreamCallback, answer: CheckedContinuation<CallbackOutcome, any Error>)])
        async
    {
        let store = self.store
        if batch.count == 1 {
            let only = batch[0]
            do {
                only.answer.resume(returning: try await store.applyCallback(only.callback))
            } catch {
                only.answer.resume(throwing: error)
            }
            return
        }
        do {
            let outcomes = try await store.applyCallbacks(batch.map(\.callback))
            for (entry, outcome) in zip(batch, outcomes) { entry.answer.resume(returning: outcome) }
        } catch {
            // A store that does not answer at all refuses every one of them: said at once, rather
            // than after a connect timeout per callback.
            let reachable: Void? = try? await ReceiverService.answer(within: healthTimeout) {
                try await store.checkReachable()
            }
            guard reachable != nil else {
                for entry in batch { entry.answer.resume(throwing: error) }
                return
            }
            // None of the batch is stored: each one alone, so only a callback the store refuses is refused.
            for entry in batch {
                do {
                    entry.answer.resume(returning: try await store.applyCallback(entry.callback))
                } catch {
                    entry.answer.resume(throwing: error)
                }
            }
        }
    }
}
