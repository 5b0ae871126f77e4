import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// Why the receiver refused a request that came to a callback route (stream callbacks or
/// conference events, or a path that looked like one): the `reason` label of
/// `confdash_receiver_callbacks_rejected_total`.
public enum RejectionReason: String, Sendable, CaseIterable {
    /// No signature, or one that no key signed for any URL the receiver knows.
    case badSignature = "bad_signature"
    /// Signed for another profile's URL: a callback replayed to the wrong route.
    case wrongURL = "wrong_url"
    /// Signed, but not a callback: required fields missing, a body too large or unreadable, a method other than GET or POST.
    case malformed
    /// Verified, but the store could not record it (503: the sender may retry).
    case storeUnavailable = "store_unavailable"
    /// `/p/<name>/streams/callback` or `/p/<name>/conferences/events` for a profile the receiver does not serve.
    case unknownProfile = "unknown_profile"
}

/// The receiver's figures, in a Prometheus registry of its own (so two receivers in one process,
/// as in tests, count apart), recorded through swift-metrics:
///
/// - `confdash_receiver_callbacks_accepted_total{profile,kind}`: callbacks stored and answered 2xx,
///   `kind` `stream` (stream status callbacks) or `conference` (conference status callbacks);
/// - `confdash_receiver_callbacks_rejected_total{reason}`: refused, by `RejectionReason`;
/// - `confdash_receiver_store_write_seconds{result="ok"|"failed"}`: how long each store write took;
/// - `confdash_receiver_requests_in_flight`: callback requests being handled right now.
///
/// No label ever holds a secret: profile names and fixed reasons only.
public final class ReceiverMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let accepted: [Accepted: CoreMetrics.Counter]
    private let rejected: [RejectionReason: CoreMetrics.Counter]
    private let storeWriteOK: CoreMetrics.Timer
    private let storeWriteFailed: CoreMetrics.Timer
    private let inFlightGauge: CoreMetrics.Gauge
    private let inFlightCount = Mutex(0)

    /// Every series exists from the start at zero, so a dashboard sees the profiles and reasons
    /// before the first callback.
    public init(profiles: [String]) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.registry = registry
        accepted = Dictionary(
            profiles.flatMap { profile in
                ReceiverRoute.Kind.allCases.map { kind in
                    (
                        Accepted(profile: profile, kind: kind),
                        CoreMetrics.Counter(
                            label: "confdash_receiver_callbacks_accepted_total",
                            dimensions: [("profile", profile), ("kind", kind.rawValue)], factory: factory)
                    )
                }
            }, uniquingKeysWith: { first, _ in first })
        rejected = Dictionary(
            uniqueKeysWithValues: RejectionReason.allCases.map { reason in
                (
                    reason,
                    CoreMetrics.Counter(
                        label: "confdash_receiver_callbacks_rejected_total", dimensions: [("reason", reason.rawValue)],
                        factory: factory)
                )
            })
        storeWriteOK = CoreMetrics.Timer(
            label: "confdash_receiver_store_write_seconds", dimensions: [("result", "ok")], factory: factory)
        storeWriteFailed = CoreMetrics.Timer(
            label: "confdash_receiver_store_write_seconds", dimensions: [("result", "failed")], factory: factory)
        inFlightGauge = CoreMetrics.Gauge(label: "confdash_receiver_requests_in_flight", factory: factory)
        inFlightGauge.record(0)
    }

    private struct Accepted: Hashable, Sendable {
        var profile: String
        var kind: ReceiverRoute.Kind
    }

    func accepted(profile: String, kind: ReceiverRoute.Kind) {
        accepted[Accepted(profile: profile, kind: kind)]?.increment()
    }

    func rejected(_ reason: RejectionReason) { rejected[reason]?.increment() }

    func storeWrite(_ duration: Duration, ok: Bool) {
        (ok ? storeWriteOK : storeWriteFailed).recordNanoseconds(duration.nanoseconds)
    }

    /// Counts a callback request in for as long as `body` runs.
    func inFlight<T>(_ body: () async throws -> T) async rethrows -> T {
        let gauge = inFlightGauge
        inFlightCount.withLock { count in
            count += 1
            gauge.record(count)
        }
        defer {
            inFlightCount.withLock { count in
                count -= 1
                gauge.record(count)
            }
        }
        return try await body()
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> String {
        registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
