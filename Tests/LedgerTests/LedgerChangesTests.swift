import Foundation
import Testing

@testable import Ledger

@Suite struct LedgerChangesTests {
    /// Counts what a `changes()` stream yields, from a task of its own.
    actor Counter {
        private(set) var value = 0
        func bump() { value += 1 }
    }

    func count(_ changes: AsyncStream<Void>) -> (Counter, Task<Void, Never>) {
        let counter = Counter()
        let task = Task {
            for await _ in changes { await counter.bump() }
        }
        return (counter, task)
    }

    /// Waits for `counter` to reach `target`, failing after a generous deadline.
    func waitFor(_ counter: Counter, toReach target: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
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

    @Test func nothingChangedYieldsNothingMore() async throws {
        let temp = try TemporaryLedger()
        defer { temp.remove() }
        let (counter, task) = count(temp.ledger.changes(pollingEvery: .milliseconds(10)))
        defer { task.cancel() }
        try await waitFor(counter, toReach: 1)
        try await Task.sleep(for: .milliseconds(100))
        #expect(await counter.value == 1)
    }
}
