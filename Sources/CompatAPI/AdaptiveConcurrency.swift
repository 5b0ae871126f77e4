import Synchronization

// An account with thousands of live conferences needs many reads in flight to poll them in
// time, and a service that is busy or rate-limits the account needs fewer. Neither number is
// known in advance, so the client finds it as it goes, the way TCP finds a window: more while
// answers come back fast, half as many at once when the service says it is too many.

/// How many reads may be in flight, worked out from how the service answers them:
/// - it starts at `start` and, while every answer is fast, grows by one per answer (doubling
///   each round) until an answer is slow or refused: a first poll of hundreds reaches its level
///   within its first few dozen answers;
/// - after that it grows by one per round of fast answers (one per `limit` of them), so it
///   keeps probing gently;
/// - a 429, or any answer carrying Retry-After, halves it, once per round: the answers to
///   requests sent before the cut say nothing new and do not cut it again;
/// - it never goes past `ceiling` (the profile's `max_concurrency`) nor below 1.
/// An answer is fast when it takes at most twice the fastest answer seen plus 25 ms (so a
/// loopback service at 1 ms does not count 3 ms as slow). Slow answers hold the level.
public struct ConcurrencyLevel: Sendable, Equatable {
    public static let defaultStart = 8
    public static let defaultCeiling = 32

    public let ceiling: Int
    public private(set) var limit: Int
    /// Until the first slow or refused answer: grow by one per fast answer.
    public private(set) var probing = true
    /// Fast answers since the last step up (after probing).
    var credit = 0
    /// Bumped on every cut: an answer to a request sent before it cannot cut again.
    public private(set) var generation = 0
    /// The quickest answer so far: what fast is measured against.
    public private(set) var fastest: Duration?

    public init(start: Int = defaultStart, ceiling: Int = defaultCeiling) {
        self.ceiling = max(1, ceiling)
        limit = min(max(1, start), self.ceiling)
    }

    /// How one request went.
    public enum Answer: Sendable, Equatable {
        /// Answered (any status but a refusal to serve), in this long.
        case answered(Duration)
        /// 429, or an answer with Retry-After: the service asks for fewer.
        case throttled
        /// No answer (network, timeout) or a server error: says nothing about the level.
        case failed
    }

    /// A change of level, for the log.
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public let from: Int
        public let to: Int
        public let why: String
        public var description: String { "requests in flight \(from) → \(to) (\(why))" }

        public init(from: Int, to: Int, why: String) {
            self.from = from
            self.to = to
            self.why = why
        }
    }

    static let slack: Duration = .milliseconds(25)

    func isFast(_ latency: Duration) -> Bool {
        guard let fastest else { return true }
        return latency <= fastest * 2 + Self.slack
    }

    /// Takes one answer to a request sent in `generation`; returns the change it made, if any.
    public mutating func record(_ answer: Answer, sentIn sentGeneration: Int) -> Change? {
        switch answer {
        case .failed:
            return nil
        case .throttled:
            probing = false
            credit = 0
            guard sentGeneration == generation else { return nil }
            generation += 1
            let old = limit
            limit = max(1, limit / 2)
            return old == limit ? nil : Change(from: old, to: limit, why: "the service asked for fewer")
        case .answered(let latency):
            let fast = isFast(latency)
            fastest = min(fastest ?? latency, latency)
            guard fast else {
                // Held, not cut: a slow answer may be the network, not the service's limit.
                probing = false
                return nil
            }
            guard limit < ceiling else { return nil }
            if !probing {
                credit += 1
                guard credit >= limit else { return nil }
            }
            credit = 0
            let old = limit
            limit += 1
            return Change(from: old, to: limit, why: "answers come back fast")
        }
    }
}

/// The gate every read of the client passes: at most `ConcurrencyLevel.limit` in flight, the
/// rest waiting in order. Writes (an operator's mute, a stream start) do not wait behind a
/// poll's reads; their answers still teach the level.
public final class AdaptiveConcurrency: Sendable {
    /// A place in flight, and the round it was taken in.
    public struct Permit: Sendable {
        let generation: Int
        let counted: Bool
    }

    private struct State {
        var level: ConcurrencyLevel
        var inFlight = 0 {
            didSet { peak = max(peak, inFlight) }
        }
        var peak = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
    }

    private let state: Mutex<State>
    private let changed: @Sendable (ConcurrencyLevel.Change) -> Void

    public init(
        start: Int = ConcurrencyLevel.defaultStart, ceiling: Int = ConcurrencyLevel.defaultCeiling,
        changed: @escaping @Sendable (ConcurrencyLevel.Change) -> Void = { _ in }
    ) {
        state = Mutex(State(level: ConcurrencyLevel(start: start, ceiling: ceiling)))
        self.changed = changed
    }

    /// The level now.
    public var level: ConcurrencyLevel { state.withLock { $0.level } }

    /// Reads in flight now.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// The most reads there have been in flight at once.
    public var peakInFlight: Int { state.withLock { $0.peak } }

    /// Waits for a place; throws `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws -> Permit {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Decided under the lock, so that a waiter is resumed by exactly one of: this,
                // `release` letting it in, or the cancellation handler taking it out.
                enum Entry { case admitted, cancelled, waiting }
                let entry = state.withLock { state -> Entry in
                    if Task.isCancelled { return .cancelled }
                    if state.waiting.isEmpty && state.inFlight < state.level.limit {
                        state.inFlight += 1
                        return .admitted
                    }
                    state.waiting.append((id, continuation))
                    return .waiting
                }
                switch entry {
                case .admitted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
        return Permit(generation: state.withLock { $0.level.generation }, counted: true)
    }

    /// A write: never waits, but its answer is still taken into account.
    public func unqueued() -> Permit {
        Permit(generation: state.withLock { $0.level.generation }, counted: false)
    }

    /// Gives the place back with how the request went, and lets in whoever the level now allows.
    public func release(_ permit: Permit, _ answer: ConcurrencyLevel.Answer) {
        let (change, admitted) = state.withLock { state -> (ConcurrencyLevel.Change?, [CheckedContinuation<Void, any Error>]) in
            if permit.counted { state.inFlight -= 1 }
            let change = state.level.record(answer, sentIn: permit.generation)
            var admitted: [CheckedContinuation<Void, any Error>] = []
            while !state.waiting.isEmpty && state.inFlight < state.level.limit {
                admitted.append(state.waiting.removeFirst().continuation)
                state.inFlight += 1
            }
            return (change, admitted)
        }
        for continuation in admitted { continuation.resume() }
        if let change { changed(change) }
    }
}
