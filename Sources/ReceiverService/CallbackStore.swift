import Ledger

/// What the receiver needs of the store: a durable write of one stream callback, a durable write
/// of one conference event, and a cheap read that says whether the store answers at all.
/// `StreamLedger` is one, on either engine (SQLite or PostgreSQL); another backend joins by
/// conforming.
public protocol CallbackStore: Sendable {
    /// Applies one verified stream callback and returns only once it is committed: the receiver
    /// answers the service 2xx after this returns and never before.
    func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome

    /// Applies several callbacks in one commit, all or none, returning once it is committed.
    /// The receiver hands it the callbacks that arrived while the previous write was under way.
    func applyCallbacks(_ callbacks: [StreamCallback]) async throws -> [CallbackOutcome]

    /// How many of those transactions the receiver runs at once.
    var concurrentWriters: Int { get }

    /// Stores one verified conference status callback, its form parameters as they came, and
    /// returns its id only once it is committed (the same promise as `applyCallback`).
    func recordConferenceEvent(_ event: StoredConferenceEvent) async throws -> Int64

    /// A cheap read; throws when the store does not answer. What `/healthz` reports (the
    /// receiver gives it `ReceiverConfiguration.healthTimeout` to answer).
    func checkReachable() async throws
}

extension CallbackStore {
    public var concurrentWriters: Int { 2 }

    /// One commit per callback, for a store that has no batch of its own.
    public func applyCallbacks(_ callbacks: [StreamCallback]) async throws -> [CallbackOutcome] {
        var outcomes: [CallbackOutcome] = []
        for callback in callbacks { outcomes.append(try await applyCallback(callback)) }
        return outcomes
    }
}

extension StreamLedger: CallbackStore {
    /// `SELECT 1`: one round trip, no table read, no write, no lock held.
    public func checkReachable() async throws {
        try await ping()
    }
}
