/// When and how long a read is retried: GETs only, on 429, 5xx and failures to connect, with
/// jittered exponential backoff that yields to the service's Retry-After.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 means never retry.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A Retry-After longer than this is not waited for: the error goes to the caller.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let `default` = RetryPolicy()
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether a failure of a read deserves another attempt.
    public static func isRetryable(_ error: CompatError) -> Bool {
        switch error {
        case .service(let e, _): e.status == 429 || (500...599).contains(e.status)
        case .unreachable: !error.retryCannotFix
        case .connectionLost, .timedOut: true
        case .unreadableResponse(let status, _): (500...599).contains(status)
        case .invalidRequest: false
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or nil when no attempt is
    /// left. `jitter` in 0...1 picks a point between half and all of the exponential step, so
    /// many clients that failed together do not come back together.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, jitter: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            return retryAfter <= maxRetryAfter ? retryAfter : nil
        }
        let step = baseDelay * (1 << min(attempt - 1, 20))
        let capped = min(step, maxDelay)
        let fraction = 0.5 + 0.5 * min(max(jitter, 0), 1)
        return capped * fraction
    }
}
