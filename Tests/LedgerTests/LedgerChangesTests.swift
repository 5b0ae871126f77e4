import Foundation
import Testing

@testable import Ledger

@Suite struct LedgerChangesTests {
    /// Counts what a `changes()` stream yields, from a task of its own.
    actor Counter {
        private(set) var value = 0
        func bump() { value += 1 }
    }

    func count(_ changes: AsyncStream<LedgerChanges>) -> (Counter, Task<Void, Never>) {
        let counter = Counter()
        let task = Task {
            for await _ in changes { await counter.bump() }
        }
        return (counter, task)
    }

    /// How long a wait may last before the test fails. For failure only, so generous: with the
    /// whole suite on two cores, the stream's first yield once took more than 10 s to be counted.
    static let patience = Duration.seconds(60)

    /// Waits for `counter` to reach `target`, failing after a generous deadline.
    func waitFor(_ counter: Counter, toReach target: Int) async throws {
        let deadline = ContinuousClock.now + Self.patience
        while await counter.value < target {
            guard ContinuousClock.now < deadline else {
                Issue.record("changes() yielded \(await counter.value) times, expected \(target)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func ownWritesAreSeenWithoutWaitingForThePoll() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        // An hour between polls: only the in-process observation can deliver this change.
        let (counter, task) = count(temp.ledger.changes(pollingEvery: .seconds(3600)))
        defer { task.cancel() }
        try await waitFor(counter, toReach: 1)
        try await Sample.start("MZ1", in: temp.ledger)
        try await waitFor(counter, toReach: 2)
    }

    @Test func anotherProcesssWritesAreSeenByThePoll() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        // A second pool on the file stands in for another process: the first pool's
        // observation cannot see its commits, only the poll can.
        let other = try temp.reopen()
        let (counter, task) = count(temp.ledger.changes(pollingEvery: .milliseconds(20)))
        defer { task.cancel() }
        try await waitFor(counter, toReach: 1)
        try await Sample.start("MZ1", in: other)
        try await waitFor(counter, toReach: 2)
        try await other.applyCallback(Sample.callback("MZ1", .started, at: 1))
        try await waitFor(counter, toReach: 3)
        #expect(await counter.value == 3)
    }

    /// Waits until the poll has started its `number`th sleep on `clock`, failing after a generous
    /// deadline. The poll sleeps, reads, yields when the mark moved and sleeps again, so its
    /// (n+1)th sleep means n polls have run to their end.
    func waitFor(_ clock: StepClock, sleep number: Int) async throws {
        let deadline = ContinuousClock.now + Self.patience
        while clock.sleepsStarted < number {
            guard ContinuousClock.now < deadline else {
                Issue.record("the poll slept \(clock.sleepsStarted) times, expected \(number)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func nothingChangedYieldsNothingMore() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let clock = StepClock()
        let (counter, task) = count(temp.ledger.changes(pollingEvery: .seconds(1), clock: clock))
        defer { task.cancel() }
        // The first yield: the poll is still asleep on a clock that has not moved.
        try await waitFor(counter, toReach: 1)
        // Five polls of an unchanged ledger, each run to its end (the poll is asleep again).
        for poll in 1...5 {
            try await waitFor(clock, sleep: poll)
            clock.advance(by: .seconds(1))
        }
        try await waitFor(clock, sleep: 6)
        // Ending the stream hands the consumer whatever was yielded and not yet counted before
        // it ends: the count is final, not a reading taken while a yield may be on its way.
        task.cancel()
        await task.value
        #expect(await counter.value == 1)
    }
}

/// A clock that moves only when a test advances it, and counts the sleeps begun on it, so a test
/// can tell when the code sleeping on it has done everything it does between two sleeps.
final class StepClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Sleeper] = []
    private var started = 0

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    /// How many sleeps have begun on this clock, finished or not.
    var sleepsStarted: Int { lock.withLock { started } }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = lock.withLock {
            started += 1
            return started
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = lock.withLock {
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= current { return .success(()) }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> Sleeper? in
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on and wakes every sleep whose deadline it reached.
    func advance(by duration: Duration) {
        let due = lock.withLock { () -> [Sleeper] in
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
