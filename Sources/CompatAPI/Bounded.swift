import Synchronization

/// Runs `work` and waits for it at most `limit`: on the way out, closing a client, a receiver or
/// the emulator's server must not keep an operator's terminal (or a test) waiting on the network.
/// Returns false when the limit came first (the work goes on until the process ends).
public func finish(within limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
    let first = FirstAnswer()
    return await withCheckedContinuation { continuation in
        first.wait(continuation)
        Task {
            await work()
            first.answer(true)
        }
        Task {
            try? await Task.sleep(for: limit)
            first.answer(false)
        }
    }
}

/// Resumes a continuation with the first answer given; later answers are dropped.
private final class FirstAnswer: Sendable {
    private let waiting = Mutex<CheckedContinuation<Bool, Never>?>(nil)
    func wait(_ continuation: CheckedContinuation<Bool, Never>) { waiting.withLock { $0 = continuation } }
    func answer(_ value: Bool) { waiting.withLock { $0.take() }?.resume(returning: value) }
}
