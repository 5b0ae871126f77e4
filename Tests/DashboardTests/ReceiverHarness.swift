import AsyncHTTPClient
import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Ledger
import Logging
import NIOCore
import Synchronization

/// A real callback receiver on an ephemeral loopback port over a real ledger file, with an HTTP
/// client to call it the way the service does.
struct ReceiverHarness {
    static let signingKey = "PSKtest7d2c9e4a1b8f06e3c5a9d2b7f4e1c0a8"
    static let quiet: Logger = {
        var logger = Logger(label: "test.callbacks")
        logger.logLevel = .critical
        return logger
    }()

    let directory: URL
    let ledger: StreamLedger
    let receiver: CallbackServer
    let events: EventRecorder
    let http: HTTPClient
    let port: Int

    /// Runs `body` with a started receiver, and stops it, the client and the ledger after.
    static func run<T>(
        publicURL: String? = nil, conferenceEventsPublicURL: String? = nil, logger: Logger = quiet,
        onConferenceEvent: @escaping @Sendable (ConferenceStatusEvent) async throws -> Void = { _ in },
        _ body: (ReceiverHarness) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("receiver-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try StreamLedger(path: directory.appendingPathComponent(StreamLedger.fileName))
        let events = EventRecorder()
        let receiver = CallbackServer(
            settings: CallbackReceiverSettings(
                signingKey: signingKey, publicURL: publicURL, conferenceEventsPublicURL: conferenceEventsPublicURL),
            ledger: ledger, logger: logger, onEvent: { events.append($0) }, onConferenceEvent: onConferenceEvent)
        let port = try await receiver.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let harness = ReceiverHarness(
            directory: directory, ledger: ledger, receiver: receiver, events: events, http: http, port: port)
        do {
            let result = try await body(harness)
            try? await http.shutdown()
            await receiver.stop()
            return result
        } catch {
            try? await http.shutdown()
            await receiver.stop()
            throw error
        }
    }

    /// The receiver's own callback URL on loopback.
    var ownURL: String { "http://127.0.0.1:\(port)\(CallbackReceiverSettings.path)" }

    /// A form POST of `fields` to `path`, signed over `signedURL` (the receiver's own URL unless
    /// given) with `key`, or unsigned when `key` is nil.
    func post(
        _ fields: [(String, String)], key: String? = signingKey, signedURL: String? = nil,
        header: String = WebhookSignature.headerName, path: String = CallbackReceiverSettings.path
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if let key {
            let signature = WebhookSignature.compute(url: signedURL ?? ownURL, parameters: fields, key: key)
            request.headers.add(name: header, value: signature)
        }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return try await send(request)
    }

    /// A GET with `fields` in the query, signed over `signedBase` plus that query and no parameters.
    func get(_ fields: [(String, String)], key: String? = signingKey, signedBase: String? = nil) async throws
        -> Answer
    {
        let query = "?" + FormEncoding.encode(fields)
        var request = HTTPClientRequest(url: ownURL + query)
        request.method = .GET
        if let key {
            let signature = WebhookSignature.compute(url: (signedBase ?? ownURL) + query, parameters: [], key: key)
            request.headers.add(name: WebhookSignature.headerName, value: signature)
        }
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> Answer {
        // Generous: when the whole suite runs, blocking tests elsewhere can hold the cooperative
        // pool the receiver answers on for many seconds. A prompt answer returns at once.
        let response = try await http.execute(request, timeout: .seconds(30), logger: Self.quiet)
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: body))
    }

    struct Answer {
        var status: Int
        var body: String
    }

    /// A stream the dashboard started: queued in the ledger, as before any callback.
    func recordQueued(_ sid: String, conference: String = CallbackSample.conference) async throws {
        try await ledger.recordStarted(
            ConferenceStream(
                sid: sid, conferenceSid: conference, accountSid: CallbackSample.account, name: nil, status: .queued,
                dateUpdated: ServiceDate(Date()), uri: "/streams/\(sid)"),
            request: StartStreamRequest(url: "wss://media.example.com/listen", statusCallback: ownURL),
            conferenceName: "Support Bridge", from: .dashboard, at: Date())
    }

    func status(_ sid: String) async throws -> StreamState? {
        try await ledger.stream(sid: sid)?.status
    }
}

/// Callbacks as the service sends them.
enum CallbackSample {
    static let account = "AC-test"
    static let conference = "CF-1"

    static func fields(_ sid: String, _ event: String = "stream-started", error: String? = nil) -> [(String, String)] {
        var fields = [
            ("AccountSid", account), ("CallSid", ""), ("ConferenceSid", conference), ("StreamSid", sid),
            ("StreamName", sid), ("StreamTrack", "both_tracks"), ("StreamEvent", event),
        ]
        if let error { fields.append(("StreamError", error)) }
        fields.append(("Timestamp", "2027-01-15T08:00:00.000Z"))
        fields.append(("Unique-ID", UUID().uuidString))
        return fields
    }
}

/// Every event the receiver reported, in order.
final class EventRecorder: Sendable {
    private let events = Mutex<[ReceivedStreamEvent]>([])

    func append(_ event: ReceivedStreamEvent) { events.withLock { $0.append(event) } }

    var all: [ReceivedStreamEvent] { events.withLock { $0 } }
}

/// Polls `condition` until it holds or `timeout` passes: waits on real I/O without fixed sleeps.
func eventually(
    timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Keeps every log record, so a test can check what was said and that no secret was.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        /// The message and its metadata in one line, for checking that a secret appears nowhere.
        var line: String {
            ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "test.capture") { _ in Handler(capture: self) }
        logger.logLevel = .info
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let record = Record(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            capture.records.withLock { $0.append(record) }
        }
    }
}
