import CompatAPI
import DashboardCore
import Foundation
import Ledger
import Synchronization
import TerminalUI

/// Change to screen: from a write by one writer (its own connection pool, as another process or
/// host has) to the frame another dashboard draws from it: the store's change feed (NOTIFY on
/// PostgreSQL, the change log's once-a-second check on SQLite), the re-read of what the batch
/// names, `update` and a render. Writes are spaced so that each is its own batch.
func feedBench(_ options: Options) async throws {
    let iterations = options.iterations ?? 100
    let password = ProcessInfo.processInfo.environment["CONFDASH_STORE_PASSWORD"]
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("feed-bench-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let location = try StoreLocation.parse(
        options.store ?? scratch.appendingPathComponent("ledger.sqlite").path, password: password)
    let writer = try StreamLedger(location)
    let reader = try StreamLedger(location)
    print("feed: change to screen on \(reader.engineName) (\(location)), \(iterations) writes")

    let written = Mutex<[String: ContinuousClock.Instant]>([:])
    let latencies = Mutex<[Double]>([])
    let conference = "CF-feed-\(UUID().uuidString.prefix(6))"
    let follower = Task {
        var state = AppState(space: "bench", account: "AC", now: Date())
        let view = DashboardView(glyphs: .unicode)
        let size = Size(width: 200, height: 60)
        for await batch in reader.changes() {
            guard !batch.resync, !batch.streams.isEmpty else { continue }
            let changed = try await reader.streams(sids: batch.streams)
            _ = update(&state, .streamsUpdated(changed: changed, removed: []))
            _ = view.render(state, size: size)
            let now = ContinuousClock.now
            for sid in batch.streams {
                if let start = written.withLock({ $0.removeValue(forKey: sid) }) {
                    latencies.withLock { $0.append(milliseconds(now - start)) }
                }
            }
        }
    }
    // The feed's first batch (resync) comes once it listens; give it that moment.
    try await Task.sleep(for: .seconds(2))
    for index in 0..<iterations {
        let sid = "MZ-feed-\(index)"
        let stream = ConferenceStream(
            sid: sid, conferenceSid: conference, accountSid: "AC", name: sid, status: .queued,
            dateUpdated: ServiceDate(Date()), uri: "")
        written.withLock { $0[sid] = .now }
        try await writer.recordStarted(
            stream, request: StartStreamRequest(url: "wss://example.com/\(index)", name: sid), conferenceName: "bench",
            from: .cli, at: Date())
        try await Task.sleep(for: .milliseconds(location.needsPassword ? 20 : 600 / 4))
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while latencies.withLock({ $0.count }) < iterations, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
    }
    follower.cancel()
    let values = latencies.withLock { $0 }
    let sorted = values.sorted()
    let p99 = sorted.isEmpty ? Double.nan : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
    line(
        "write to frame in another dashboard (\(values.count) of \(iterations))",
        Sample(values: values).describe(digits: 1) + String(format: ", p99 %.1f ms", p99))
    await writer.close()
    await reader.close()
}
