/// The injected clock, read as time elapsed since the emulator started. Deadlines are fixed
/// when an action is scheduled, so a test clock advanced before the sleeping task even starts
/// still fires it.
struct EmulatorClock: Sendable {
    private let elapsedNow: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsedNow = { origin.duration(to: clock.now) }
        sleeper = { target in try await clock.sleep(until: origin.advanced(by: target), tolerance: nil) }
    }

    var elapsed: Duration { elapsedNow() }

    /// Sleeps until `target` has elapsed since the start; returns at once when it already has.
    func sleep(untilElapsed target: Duration) async throws {
        // A deadline already reached is not handed to the clock: swift-clocks' TestClock keeps
        // a sleeper whose deadline equals its `now` waiting until the next advance, so a held
        // request whose sleep began just after the test advanced to its deadline was never
        // answered (seen on a loaded machine: the request counts as held before it sleeps).
        if elapsed >= target {
            try Task.checkCancellation()
            return
        }
        try await sleeper(target)
    }

    func sleep(for duration: Duration) async throws {
        try await sleeper(elapsed + duration)
    }
}

extension Duration {
    /// Whole seconds as a `TimeInterval`, for moving a `Date` along with the clock.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
