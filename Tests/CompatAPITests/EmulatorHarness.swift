import CompatAPI
import Emulator
import Foundation
import Logging

/// Runs `body` against a fresh emulator on an ephemeral loopback port, with a real client. The
/// default request timeout is a failure deadline for tests that are not about timeouts (those
/// pass their own): the whole suite on two cores once held an answer past 5 s.
func withEmulator<T>(
    _ configuration: EmulatorConfiguration = EmulatorConfiguration(conferences: 12),
    credentials: Credentials? = nil, requestTimeout: Duration = .seconds(30), retryPolicy: RetryPolicy = .default,
    clock: any Clock<Duration> = ContinuousClock(), emulatorClock: any Clock<Duration> = ContinuousClock(),
    maxConcurrency: Int = ConcurrencyLevel.defaultCeiling,
    _ body: (EmulatorServer, CompatClient) async throws -> T
) async throws -> T {
    var quiet = Logger(label: "test.emulator")
    quiet.logLevel = .critical
    let server = try await EmulatorServer.start(configuration, clock: emulatorClock, logger: quiet)
    let client = CompatClient(
        endpoint: try Endpoint(server.baseURL),
        credentials: credentials
            ?? Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
        requestTimeout: requestTimeout, retryPolicy: retryPolicy, clock: clock, maxConcurrency: maxConcurrency,
        logger: quiet)
    do {
        let result = try await body(server, client)
        await client.shutdown()
        await server.stop()
        return result
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
}

/// The CompatError a throwing call produced, or nil when it did not throw one.
func compatError<T>(_ body: () async throws -> T) async -> CompatError? {
    do {
        _ = try await body()
        return nil
    } catch let error as CompatError {
        return error
    } catch {
        return nil
    }
}

/// A clock that never waits but remembers every wait it was asked for, so retry schedules are
/// checked without slowing the tests.
final class RecordingClock: Clock, @unchecked Sendable {
    // Guarded by `lock`; @unchecked because NSLock predates Sendable checking.
    private let lock = NSLock()
    private var _sleeps: [Duration] = []
    var sleeps: [Duration] { lock.withLock { _sleeps } }

    var now: ContinuousClock.Instant { ContinuousClock.now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
        // Rounded to the millisecond: the deadline was computed from a `now` a moment ago.
        let wait = deadline - ContinuousClock.now
        let ms = (Double(wait.components.seconds) * 1000 + Double(wait.components.attoseconds) / 1e15).rounded()
        lock.withLock { _sleeps.append(.milliseconds(Int64(ms))) }
    }

    func sleep(for duration: Duration) async throws {
        lock.withLock { _sleeps.append(duration) }
    }
}
