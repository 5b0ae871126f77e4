import CompatAPI
import Foundation
import StoreTestSupport

@testable import Ledger
import Testing

/// The two engines the same store tests run on.
enum Engine: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A real ledger: a file in a directory of its own (removed when the test is done), or a fresh
/// database on the tests' own PostgreSQL server (TestPostgres: initdb, pg_ctl, a free port).
struct TemporaryLedger {
    let directory: URL
    let path: URL
    let ledger: StreamLedger
    /// The PostgreSQL store's settings, password included; nil for a file.
    let postgres: PostgresStoreSettings?

    /// A SQLite ledger file.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        path = directory.appendingPathComponent("state/confdash").appendingPathComponent(StreamLedger.fileName)
        ledger = try StreamLedger(path: path)
        postgres = nil
    }

    private init(postgres settings: PostgresStoreSettings) {
        directory = FileManager.default.temporaryDirectory
        path = directory
        postgres = settings
        ledger = StreamLedger(postgres: settings)
    }

    /// A ledger on `engine`.
    static func make(_ engine: Engine) async throws -> TemporaryLedger {
        switch engine {
        case .sqlite:
            return try TemporaryLedger()
        case .postgres:
            let database = try await TestPostgres.shared.freshDatabase()
            return TemporaryLedger(
                postgres: try PostgresStoreSettings.parse(database.url, password: TestPostgres.password))
        }
    }

    /// Another connection pool on the same store, as a second process would have.
    func reopen() throws -> StreamLedger {
        if let postgres { return StreamLedger(postgres: postgres) }
        return try StreamLedger(path: path)
    }

    func remove() {
        guard postgres == nil else { return }  // the server and its databases go when the tests end
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Streams, requests and callbacks built in code, on whole seconds (the ledger keeps milliseconds).
enum Sample {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    static let account = "AC-test"
    static let conference = "CF-1"

    static func at(_ seconds: Int) -> Date { epoch.addingTimeInterval(TimeInterval(seconds)) }

    static func stream(_ sid: String, name: String? = nil, conference: String = conference) -> ConferenceStream {
        ConferenceStream(
            sid: sid, conferenceSid: conference, accountSid: account, name: name, status: .queued,
            dateUpdated: ServiceDate(epoch), uri: "/streams/\(sid)")
    }

    static func request(name: String? = nil, bearerToken: String? = nil) -> StartStreamRequest {
        StartStreamRequest(
            url: "wss://media.example.com/listen", name: name, track: .inbound, codec: .l16At16k, realTime: true,
            statusCallback: "https://hooks.example.com/streams", statusCallbackMethod: .post, bearerToken: bearerToken,
            parameters: [StreamParameter(name: "room", value: "ünïcode 会议"), StreamParameter(name: "k", value: "v")])
    }

    static func callback(
        _ sid: String, _ event: StreamEvent, error: String? = nil, at seconds: Int, conference: String = conference
    ) -> StreamCallback {
        StreamCallback(
            accountSid: account, conferenceSid: conference, streamSid: sid, event: event, error: error, at: at(seconds))
    }

    /// Starts `sid` at second 0 from the CLI.
    @discardableResult
    static func start(_ sid: String, in ledger: StreamLedger, name: String? = nil, conference: String = conference)
        async throws -> StreamRecord
    {
        try await ledger.recordStarted(
            stream(sid, name: name, conference: conference), request: request(name: name),
            conferenceName: "Support Bridge", from: .cli, at: at(0))
    }
}

extension Array where Element == StreamHistoryEntry {
    /// `["queued start", "in-progress callback", …]`: a history in one readable line per entry.
    var summary: [String] {
        map { entry in
            [entry.status.rawValue, entry.source.rawValue, entry.reason].compactMap { $0 }.joined(separator: " ")
        }
    }
}
