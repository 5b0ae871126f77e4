import AsyncHTTPClient
import CompatAPI
import Foundation
import Ledger
import Logging
import NIOCore
import ReceiverService
import ServiceLifecycle
import Synchronization

// MARK: team receiver

/// The team receiver (`confdash receiver`'s `ReceiverService`, in this process) under a steady
/// load of signed stream callbacks over loopback HTTP, each one stored before it is answered.
///
/// Open loop: callback `i` is due at `start + i / rate` whether or not the earlier ones have been
/// answered (up to `--in-flight` at once; beyond that the generator waits and says so), so a
/// slow store shows as latency rather than as a politely lower rate. Each stream gets a
/// `stream-started` and then a `stream-stopped`. Latency is from sending a callback to its 204.
func receiverBench(_ options: Options) async throws {
    let rate = options.rate
    let total = rate * options.seconds
    let (store, location, cleanup) = try openBenchStore(options.store)
    defer { cleanup() }
    let key = "PSKbench-" + UUID().uuidString
    let service = try ReceiverService(
        configuration: ReceiverConfiguration(port: 0, profiles: [ReceiverProfile(name: "bench", signingKey: key)]),
        store: store, logger: quiet)
    let (bound, boundSink) = AsyncStream.makeStream(of: Int.self)
    let group = service.serviceGroup(gracefulShutdownSignals: []) { boundSink.yield($0) }
    let running = Task { try await group.run() }
    var ports = bound.makeAsyncIterator()
    guard let port = await ports.next() else { throw BenchError(description: "the receiver did not start") }
    let url = "http://127.0.0.1:\(port)\(ReceiverConfiguration.callbackPath(profile: "bench"))"

    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = options.connections
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    func request(_ i: Int, run: String) -> HTTPClientRequest {
        let fields = [
            ("AccountSid", "AC-bench"), ("CallSid", ""), ("ConferenceSid", "CF-bench-\(i / 200)"),
            ("StreamSid", "MZ-\(run)-\(i / 2)"), ("StreamName", "bench-\(i / 2)"), ("StreamTrack", "both_tracks"),
            ("StreamEvent", i % 2 == 0 ? "stream-started" : "stream-stopped"),
            ("Timestamp", Date().formatted(.iso8601)), ("Unique-ID", UUID().uuidString),
        ]
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(
            name: WebhookSignature.headerName, value: WebhookSignature.compute(url: url, parameters: fields, key: key))
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return request
    }

    /// Sends `count` callbacks at `rate`; the latency of each 204 (ms) and every other answer.
    func load(count: Int, run: String) async -> (latencies: [Double], failures: [String: Int], stalls: Int, elapsed: Duration) {
        let tally = Tally()
        var stalls = 0
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Void.self) { tasks in
            for i in 0..<count {
                let due = start + .nanoseconds(Int64(i) * 1_000_000_000 / Int64(rate))
                if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                while tally.inFlight.withLock({ $0 }) >= options.inFlight {
                    stalls += 1
                    await tasks.next()
                }
                tally.inFlight.withLock { $0 += 1 }
                let outgoing = request(i, run: run)
                tasks.addTask {
                    let sent = clock.now
                    do {
                        let response = try await http.execute(outgoing, timeout: .seconds(30), logger: quiet)
                        _ = try await response.body.collect(upTo: 4096)
                        if response.status.code == 204 {
                            let ms = milliseconds(clock.now - sent)
                            tally.latencies.withLock { $0.append(ms) }
                        } else {
                            tally.failures.withLock { $0["HTTP \(response.status.code)", default: 0] += 1 }
                        }
                    } catch {
                        tally.failures.withLock { $0["\(error)", default: 0] += 1 }
                    }
                    tally.inFlight.withLock { $0 -= 1 }
                }
            }
        }
        return (tally.latencies.withLock { $0 }, tally.failures.withLock { $0 }, stalls, clock.now - start)
    }

    let run = String(UUID().uuidString.prefix(8))
    print("team receiver: \(total) signed callbacks at \(rate)/s over loopback into \(location)")
    // A second of warm-up (connections opened, the store's first pages cached), not counted.
    _ = await load(count: min(rate, 1000), run: run + "w")
    let result = await load(count: total, run: run)
    let sorted = result.latencies.sorted()
    func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
    let seconds = milliseconds(result.elapsed) / 1000
    line("target rate", "\(rate) callbacks/s for \(options.seconds) s (\(total) callbacks)")
    line("achieved: stored and answered 204", String(format: "%d in %.2f s = %.0f callbacks/s", sorted.count, seconds, Double(sorted.count) / seconds))
    line("latency p50 / p99 / max (send to 204)", String(format: "%.2f / %.2f / %.2f ms", percentile(0.5), percentile(0.99), sorted.last ?? .nan))
    line("other answers", result.failures.isEmpty ? "none" : result.failures.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", "))
    line("generator waited for a free slot (\(options.inFlight) in flight)", "\(result.stalls) times")
    if let ledger = store as? StreamLedger {
        let streams = try await ledger.streams().filter { $0.sid.hasPrefix("MZ-\(run)-") }
        line("streams in the store afterwards", "\(streams.count) (expected \((total + 1) / 2))")
    }

    try await http.shutdown()
    await group.triggerGracefulShutdown()
    try await running.value
}

/// The one place the bench opens a store: `--store PATH` is an SQLite ledger file; without it, a
/// fresh one in a temporary directory, removed afterwards. (A PostgreSQL location joins here.)
func openBenchStore(_ location: String?) throws -> (any CallbackStore, String, () -> Void) {
    if let location {
        return (try StreamLedger(path: URL(fileURLWithPath: location)), location, {})
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-bench-\(UUID().uuidString)")
    let file = directory.appendingPathComponent(StreamLedger.fileName)
    return (try StreamLedger(path: file), "a new SQLite ledger (\(file.path))", { try? FileManager.default.removeItem(at: directory) })
}

/// What the callbacks under way report back.
final class Tally: Sendable {
    let latencies = Mutex<[Double]>([])
    let failures = Mutex<[String: Int]>([:])
    let inFlight = Mutex(0)
}
