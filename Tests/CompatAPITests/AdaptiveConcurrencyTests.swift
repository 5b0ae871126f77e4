import CompatAPI
import Emulator
import Foundation
import Synchronization
import Testing

/// How many reads the client keeps in flight: the rules on their own, then the client against
/// the emulator over loopback, where the emulator counts what really arrived at once.
@Suite struct AdaptiveConcurrencyTests {
    static let quick = ConcurrencyLevel.Answer.answered(.milliseconds(20))

    @Test func whileEveryAnswerIsFastItGrowsByOnePerAnswerUpToTheCeiling() {
        var level = ConcurrencyLevel(start: 8, ceiling: 32)
        var changes: [Int] = []
        for _ in 0..<40 {
            if let change = level.record(Self.quick, sentIn: level.generation) { changes.append(change.to) }
        }
        #expect(changes == Array(9...32))
        #expect(level.limit == 32)
    }

    @Test func aThrottleHalvesItOncePerRoundAndEndsTheFastGrowth() {
        var level = ConcurrencyLevel(start: 8, ceiling: 32)
        let round = level.generation
        let cut = level.record(.throttled, sentIn: round)
        #expect(cut == ConcurrencyLevel.Change(from: 8, to: 4, why: "the service asked for fewer"))
        // Answers to requests sent before the cut say nothing new.
        #expect(level.record(.throttled, sentIn: round) == nil)
        #expect(level.limit == 4)
        // Now one step per round of fast answers: four answers at 4 make it 5.
        for _ in 0..<3 { #expect(level.record(Self.quick, sentIn: level.generation) == nil) }
        #expect(level.record(Self.quick, sentIn: level.generation)?.to == 5)
        // A throttle sent after the cut cuts again, and never below one.
        for _ in 0..<5 { _ = level.record(.throttled, sentIn: level.generation) }
        #expect(level.limit == 1)
    }

    @Test func slowAnswersHoldItAndFailuresSayNothing() {
        var level = ConcurrencyLevel(start: 8, ceiling: 32)
        #expect(level.record(.answered(.milliseconds(20)), sentIn: 0)?.to == 9)
        // 20 ms is the fastest: up to 65 ms is fast, beyond it slow.
        #expect(level.record(.answered(.milliseconds(200)), sentIn: 0) == nil)
        #expect(level.limit == 9)
        #expect(!level.probing)
        #expect(level.record(.failed, sentIn: 0) == nil)
        #expect(level.limit == 9)
        // A start above the ceiling starts at the ceiling.
        #expect(ConcurrencyLevel(start: 8, ceiling: 3).limit == 3)
    }

    @Test func aGateLetsInNoMoreThanTheLevelAndCancelledWaitersLeave() async throws {
        let gate = AdaptiveConcurrency(start: 2, ceiling: 2)
        let first = try await gate.acquire()
        let second = try await gate.acquire()
        #expect(gate.inFlight == 2)
        let admitted = Mutex(0)
        let waiting = Task {
            let permit = try await gate.acquire()
            admitted.withLock { $0 += 1 }
            gate.release(permit, Self.quick)
        }
        let cancelled = Task { try await gate.acquire() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { _ = try await cancelled.value }
        #expect(admitted.withLock { $0 } == 0)
        gate.release(first, Self.quick)
        try await waiting.value
        #expect(admitted.withLock { $0 } == 1)
        gate.release(second, Self.quick)
        #expect(gate.inFlight == 0)
    }

    @Test func theClientNeverHasMoreReadsInFlightThanItsCeiling() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 4), maxConcurrency: 12) { server, client in
            await server.setFaults(FaultSettings(latencyMs: 30))
            let conference = try #require(try await client.conferences().first)
            await server.clearPeakInFlight()
            // 64 callers at once, as a poll of a large account offers them.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask { _ = try await client.participants(conference: conference.sid) }
                }
                try await group.waitForAll()
            }
            let peak = await server.requestsInFlight().peak
            #expect(peak <= 12)
            #expect(client.concurrency.level.limit > ConcurrencyLevel.defaultStart)
            #expect(client.concurrency.level.limit <= 12)
            #expect(client.concurrency.inFlight == 0)
        }
    }

    @Test func aServiceThatRefusesConcurrentRequestsIsAskedFewerAtOnce() async throws {
        let clock = RecordingClock()
        try await withEmulator(
            EmulatorConfiguration(conferences: 4), retryPolicy: RetryPolicy(maxAttempts: 50), clock: clock
        ) { server, client in
            let conference = try #require(try await client.conferences().first)
            // A service that works on 4 requests of the account at once and refuses the fifth.
            await server.setFaults(FaultSettings(latencyMs: 30, maxInFlight: 4))
            await server.clearRequests()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<100 {
                    group.addTask { _ = try await client.participants(conference: conference.sid) }
                }
                try await group.waitForAll()
            }
            // Every read got its answer in the end, and the level came down when refused. A
            // client that kept 8 in flight would have half its requests refused, round after
            // round: this one has a few refused each time it probes.
            let statuses = await server.requests().map(\.status)
            #expect(statuses.filter { $0 == 200 }.count == 100)
            let refused = statuses.filter { $0 == 429 }.count
            // (How low it ends depends on how many the machine got to the service at once: on a
            // loaded machine fewer, so the end level is not asserted, only that refusals cut it.)
            #expect(refused < 50, "refused \(refused) of \(statuses.count)")
            if refused > 0 { #expect(client.concurrency.level.generation > 0) }
        }
    }
}
