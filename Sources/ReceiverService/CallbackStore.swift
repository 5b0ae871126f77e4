import Ledger

/// What the receiver needs of the store: a durable write of one callback, and a cheap read that
/// says whether the store answers at all. `StreamLedger` (SQLite) is one; another backend joins
/// by conforming.
public protocol CallbackStore: Sendable {
    /// Applies one verified callback and returns only once it is committed: the receiver answers
    /// the service 2xx after this returns and never before.
    func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome

    /// A cheap read; throws when the store does not answer. What `/healthz` reports.
    func checkReachable() async throws
}

extension StreamLedger: CallbackStore {
    /// Looks up a stream that cannot exist: one indexed read, no write, no lock held.
    public func checkReachable() async throws {
        _ = try await stream(sid: "")
    }
}
