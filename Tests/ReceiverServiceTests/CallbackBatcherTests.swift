import CompatAPI
import Foundation
import Ledger
import Synchronization
import Testing

@testable import ReceiverService

/// Group commit, driven step by step: a store that holds every write until the test lets it go,
/// so which callbacks share a transaction is decided by the test, not by the machine's timing.
@Suite struct CallbackBatcherTests {
    @Test func callbacksThatArriveWhileTheWritersAreBusyShareTheNextCommit() async throws {
        let store = GatedStore()
        let batcher = CallbackBatcher(store: store, healthTimeout: .seconds(5), writers: 2)
        // One at a time, so that each writer starts with one.
        var first: [Task<CallbackOutcome, any Error>] = []
        for n in 0..<2 {
            first.append(Task { try await batcher.apply(Self.callback("MZ\(n)")) })
            try await store.waitUntil { $0.writesUnderWay == n + 1 }
        }
        let later = (2..<12).map { n in Task { try await batcher.apply(Self.callback("MZ\(n)")) } }
        try await Self.waitUntil { await batcher.waiting == 10 }

        store.openGate()
        for task in first + later { #expect(try await task.value == .learned(.inProgress)) }
        // Each writer took one alone, then the ten that came meanwhile went in one commit: the
        // first writer free took all of them.
        let batches = store.batches
        #expect(batches.map(\.count) == [1, 1, 10])
        #expect(batches.flatMap { $0 }.sorted() == (0..<12).map { "MZ\($0)" }.sorted())
    }

    @Test func aBatchTheStoreRefusesIsWrittenAgainOneByOneAndOnlyTheBadOneFails() async throws {
        let store = GatedStore(refusing: "MZ-bad")
        let batcher = CallbackBatcher(store: store, healthTimeout: .seconds(5), writers: 1)
        let holder = Task { try await batcher.apply(Self.callback("MZ0")) }
        try await store.waitUntil { $0.writesUnderWay == 1 }
        let sids = ["MZ1", "MZ-bad", "MZ2"]
        let later = sids.map { sid in Task { try await batcher.apply(Self.callback(sid)) } }
        try await Self.waitUntil { await batcher.waiting == 3 }

        store.openGate()
        #expect(try await holder.value == .learned(.inProgress))
        #expect(try await later[0].value == .learned(.inProgress))
        await #expect(throws: GatedStore.Refused.self) { try await later[1].value }
        #expect(try await later[2].value == .learned(.inProgress))
        // The batch of three failed whole, then each went alone.
        #expect(store.batches.map(\.count) == [1, 3, 1, 1, 1])
        #expect(store.stored == ["MZ0", "MZ1", "MZ2"])
    }

    @Test func aStoreThatDoesNotAnswerFailsTheWholeBatchAtOnce() async throws {
        let store = GatedStore(refusing: "MZ1", down: true)
        let batcher = CallbackBatcher(store: store, healthTimeout: .seconds(5), writers: 1)
        let holder = Task { try await batcher.apply(Self.callback("MZ0")) }
        try await store.waitUntil { $0.writesUnderWay == 1 }
        let later = ["MZ1", "MZ2"].map { sid in Task { try await batcher.apply(Self.callback(sid)) } }
        try await Self.waitUntil { await batcher.waiting == 2 }

        store.openGate()
        _ = try? await holder.value
        for task in later { await #expect(throws: GatedStore.Refused.self) { try await task.value } }
        // No write one by one once the store is known not to answer.
        #expect(store.batches.map(\.count) == [1, 2])
    }

    static func callback(_ sid: String) -> StreamCallback {
        StreamCallback(
            accountSid: "AC1", conferenceSid: "CF1", streamSid: sid, event: .started, error: nil,
            at: Date(timeIntervalSince1970: 1_800_000_000))
    }

    /// Waits for a condition the code under test reaches on its own; fails after 10 s.
    static func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw WaitedTooLong() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    struct WaitedTooLong: Error {}
}

/// Holds every write until `openGate()`, records each transaction's callbacks, and refuses any
/// transaction that holds the sid it was told to refuse (all of it, as a real store's rollback).
final class GatedStore: CallbackStore {
    struct Refused: Error {}
    struct State {
        var gateOpen = false
        var gateWaiters: [CheckedContinuation<Void, Never>] = []
        var writesUnderWay = 0
        var batches: [[String]] = []
        var stored: [String] = []
    }
    private let state = Mutex(State())
    let refusing: String?
    /// Every write and the health read fail: a store that is not there.
    let down: Bool

    init(refusing: String? = nil, down: Bool = false) {
        self.refusing = refusing
        self.down = down
    }

    var batches: [[String]] { state.withLock { $0.batches } }
    var stored: [String] { state.withLock { $0.stored } }

    func openGate() {
        let waiters = state.withLock { state in
            state.gateOpen = true
            defer { state.gateWaiters = [] }
            return state.gateWaiters
        }
        waiters.forEach { $0.resume() }
    }

    func waitUntil(_ condition: @escaping (State) -> Bool) async throws {
        try await CallbackBatcherTests.waitUntil { self.state.withLock { condition($0) } }
    }

    func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome {
        try await applyCallbacks([callback])[0]
    }

    func applyCallbacks(_ callbacks: [StreamCallback]) async throws -> [CallbackOutcome] {
        let sids = callbacks.map(\.streamSid)
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                state.writesUnderWay += 1
                state.batches.append(sids)
                if !state.gateOpen { state.gateWaiters.append(continuation) }
                return state.gateOpen
            }
            if open { continuation.resume() }
        }
        let refused = down || sids.contains { $0 == refusing }
        state.withLock { state in
            state.writesUnderWay -= 1
            if !refused { state.stored += sids }
        }
        if refused { throw Refused() }
        return callbacks.map { _ in .learned(.inProgress) }
    }

    func recordConferenceEvent(_ event: StoredConferenceEvent) async throws -> Int64 { 1 }

    func checkReachable() async throws {
        if down { throw Refused() }
    }
}
