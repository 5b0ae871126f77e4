import CompatAPI
import Foundation
import StoreTestSupport
import Testing

@testable import Ledger

/// The dashboard and a CLI command write the same ledger at the same time: nothing is lost.
@Suite struct ConcurrentWriterTests {
    static let perWriter = 150

    @Test(arguments: Engine.allCases) func twoProcessesWritingAtOnceLoseNothing(engine: Engine) async throws {
        let writer = try Self.ledgerWriterExecutable()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ledger-procs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A store neither has created yet: they also race to create and migrate it.
        let store: String
        switch engine {
        case .sqlite: store = directory.appendingPathComponent(StreamLedger.fileName).path
        case .postgres: store = try await TestPostgres.shared.freshDatabase().url
        }

        async let first = Self.run(writer, [store, "alpha", "\(Self.perWriter)"])
        async let second = Self.run(writer, [store, "beta", "\(Self.perWriter)"])
        let results = try await [first, second]
        for result in results {
            #expect(result.status == 0, "ledger-writer failed: \(result.errorOutput)")
        }

        let ledger = try StreamLedger(StoreLocation.parse(store, password: TestPostgres.password))
        let streams = try await ledger.streams()
        #expect(streams.count == 2 * Self.perWriter)
        let expected = Set(["alpha", "beta"].flatMap { prefix in (0..<Self.perWriter).map { "\(prefix)-\($0)" } })
        #expect(Set(streams.map(\.sid)) == expected)
        #expect(streams.allSatisfy { $0.status == .inProgress })
        #expect(try await Self.historyCount(ledger) == Int64(2 * Self.perWriter * 2))
    }

    /// Every history entry, on either engine.
    static func historyCount(_ ledger: StreamLedger) async throws -> Int64 {
        try await ledger.read("count") { db in try db.row("SELECT COUNT(*) AS n FROM stream_event")?.integer("n") ?? -1 }
    }

    @Test(arguments: Engine.allCases) func concurrentWritersInOneProcessLoseNothing(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        // Two pools on one file (SQLite's locking between connections) and tasks sharing each.
        let ledgers = [temp.ledger, try temp.reopen()]
        let writers = 4
        let perWriter = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                let ledger = ledgers[writer % ledgers.count]
                group.addTask {
                    for index in 0..<perWriter {
                        let sid = "w\(writer)-\(index)"
                        try await Sample.start(sid, in: ledger)
                        try await ledger.applyCallback(Sample.callback(sid, .started, at: 1))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await temp.ledger.streams().count == writers * perWriter)
        #expect(try await Self.historyCount(temp.ledger) == Int64(writers * perWriter * 2))
    }

    /// A stream nobody here started, whose started and stopped callbacks arrive at once (the
    /// team receiver on a busy service): both transactions find no row and insert; the loser
    /// gets a unique violation, runs again, and moves the winner's row. Nothing is refused.
    @Test(arguments: Engine.allCases) func twoCallbacksOfANewStreamAtOnceAreBothKept(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let streams = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<streams {
                for event in [StreamEvent.started, .stopped] {
                    group.addTask { try await temp.ledger.applyCallback(Sample.callback("race-\(index)", event, at: 1)) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await temp.ledger.streams().count == streams)
        #expect(try await temp.ledger.streams().allSatisfy { $0.status == .stopped })
    }

    struct Finished: Sendable {
        var status: Int32
        var errorOutput: String
    }

    /// Runs a child process to its end without holding a thread while it runs.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> Finished {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        // The PostgreSQL store's password, as the product takes it: from the environment.
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["CONFDASH_STORE_PASSWORD": TestPostgres.password]) { $1 }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        return Finished(status: status, errorOutput: String(decoding: output, as: UTF8.self))
    }

    /// `swift build --build-tests` and `swift test` build every product of the package, so the
    /// writer sits beside the test bundle; `.build/debug` under the package root is the fallback.
    static func ledgerWriterExecutable() throws -> URL {
        var candidates: [URL] = []
        for bundle in [Bundle.main] + Bundle.allBundles {
            let url = bundle.bundleURL
            candidates.append(url.deletingLastPathComponent().appendingPathComponent("ledger-writer"))
            candidates.append(url.appendingPathComponent("ledger-writer"))
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/ledger-writer"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw WriterNotBuilt(looked: candidates.map(\.path))
        }
        return found
    }

    struct WriterNotBuilt: Error, CustomStringConvertible {
        var looked: [String]
        var description: String {
            "ledger-writer is not built (run swift build --build-tests); looked in: " + looked.joined(separator: ", ")
        }
    }
}
