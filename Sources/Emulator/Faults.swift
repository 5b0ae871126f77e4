import CompatAPI

/// Decides, request by request, which injected fault an API request meets: a rate-limit
/// refusal, a random 500, and how long to wait before answering.
actor FaultInjector {
    /// What one API request is in for.
    enum Verdict: Equatable {
        case proceed
        case rateLimited
        case internalError
    }

    private(set) var settings: FaultSettings
    private var rng: SeededGenerator
    private let clock: EmulatorClock
    /// The current one-second window opens at the first request after the last one closed,
    /// so N quick requests always share a window.
    private var windowStart: Duration?
    private var windowCount = 0

    init(settings: FaultSettings, seed: UInt64, clock: EmulatorClock) {
        self.settings = settings
        // Its own stream of numbers, so faults never shift the world's seeded content.
        rng = SeededGenerator(seed: seed ^ 0x5EED_FA17_0000_0001)
        self.clock = clock
    }

    func update(_ settings: FaultSettings) {
        self.settings = settings
        windowStart = nil
        windowCount = 0
    }

    func verdict() -> Verdict {
        if let limit = settings.rateLimit {
            let now = clock.elapsed
            if let start = windowStart, now - start < .seconds(1) {
                windowCount += 1
            } else {
                windowStart = now
                windowCount = 1
            }
            if windowCount > max(0, limit) { return .rateLimited }
        }
        if settings.failRate > 0, rng.unit() < settings.failRate {
            return .internalError
        }
        return .proceed
    }

    var latency: Duration { .milliseconds(max(0, settings.latencyMs)) }

    static let rateLimitedError = ServiceError(
        status: 429, code: ServiceError.Code.tooManyRequests, message: "Too Many Requests")
    static let internalError = ServiceError(status: 500, code: 20500, message: "Internal error")
}
