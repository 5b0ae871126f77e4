import AsyncHTTPClient
import CompatAPI
import Foundation
import Logging
import NIOCore
import Synchronization

/// One status callback, ready to send: a stream's, or a conference's.
struct OutgoingCallback: Sendable {
    enum Kind: String, Sendable {
        case stream
        case conference
        case recording
    }

    var url: String
    var method: CallbackMethod
    /// In the order the service sends them; the signature sorts them itself.
    var fields: [(String, String)]
    var kind: Kind
    /// Callbacks with the same key (one stream's, one conference's) go out one after another.
    var orderKey: String
    /// The field that names the event, for the log.
    var eventField: String {
        switch kind {
        case .stream: "StreamEvent"
        case .conference: "StatusCallbackEvent"
        case .recording: "RecordingStatus"
        }
    }
}

/// Conference status callbacks handed to the sender and how their delivery went, for tests to
/// wait on instead of sleeping.
public struct ConferenceEventDeliveries: Codable, Sendable, Hashable {
    /// Enqueued, in all.
    public var sent = 0
    /// Answered with a 2xx.
    public var delivered = 0
    /// Answered otherwise, or not at all.
    public var failed = 0

    /// Enqueued and not yet answered.
    public var pending: Int { sent - delivered - failed }

    public init(sent: Int = 0, delivered: Int = 0, failed: Int = 0) {
        self.sent = sent
        self.delivered = delivered
        self.failed = failed
    }
}

/// Sends status callbacks, signed like the service signs them, fire-and-forget. Events of one
/// stream (or one conference) go out one after another in the order they were enqueued, so a
/// receiver sees `stream-started` before `stream-stopped`, and a conference's events in the
/// order of their `SequenceNumber`; different streams and conferences do not wait for each other.
final class CallbackSender: Sendable {
    private let client: HTTPClient
    private let queue: AsyncStream<OutgoingCallback>.Continuation
    private let dispatcher: Task<Void, Never>
    private let logger: Logger
    private let tails = Tails()
    private let conferenceDeliveries = Counts()

    init(signingKey: String, logger: Logger, timeout: TimeAmount = .seconds(5)) {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let (callbacks, queue) = AsyncStream.makeStream(of: OutgoingCallback.self)
        self.client = client
        self.queue = queue
        self.logger = logger
        let tails = self.tails
        let deliveries = self.conferenceDeliveries
        dispatcher = Task {
            // The last delivery of each stream (or conference) still under way; the next one of
            // it waits for it. A delivery that finishes while still the last takes itself out,
            // so a demo that runs for hours does not keep a task for every stream it ever had.
            var serial = 0
            for await callback in callbacks {
                serial += 1
                tails.chain("\(callback.kind.rawValue) \(callback.orderKey)", number: serial) {
                    let answered = await Self.deliver(
                        callback, client: client, signingKey: signingKey, timeout: timeout, logger: logger)
                    if callback.kind == .conference {
                        deliveries.count { counts in
                            if answered { counts.delivered += 1 } else { counts.failed += 1 }
                        }
                    }
                }
            }
            await tails.drain()
        }
    }

    /// Each stream's last delivery still under way, numbered so that it only removes itself.
    private final class Tails: Sendable {
        private struct Tail: Sendable {
            let number: Int
            let task: Task<Void, Never>
        }
        private let tails = Mutex<[String: Tail]>([:])

        /// Runs `delivery` after the stream's previous one.
        func chain(_ stream: String, number: Int, _ delivery: @escaping @Sendable () async -> Void) {
            tails.withLock { current in
                // Made under the lock, so that the new task cannot look for itself before it is there.
                let previous = current[stream]?.task
                current[stream] = Tail(
                    number: number,
                    task: Task {
                        await previous?.value
                        await delivery()
                        self.tails.withLock { if $0[stream]?.number == number { $0[stream] = nil } }
                    })
            }
        }

        var count: Int { tails.withLock { $0.count } }

        func drain() async {
            for task in tails.withLock({ $0.values.map(\.task) }) { await task.value }
        }
    }

    /// Conference status callbacks sent and answered, shared with the deliveries.
    private final class Counts: Sendable {
        private let counts = Mutex(ConferenceEventDeliveries())
        func count(_ change: (inout ConferenceEventDeliveries) -> Void) { counts.withLock { change(&$0) } }
        var value: ConferenceEventDeliveries { counts.withLock { $0 } }
    }

    /// Streams and conferences with a callback still queued or being delivered.
    var streamsUnderWay: Int { tails.count }

    var conferenceEvents: ConferenceEventDeliveries { conferenceDeliveries.value }

    /// Synchronous, so the order of calls is the order of delivery.
    func enqueue(_ callback: OutgoingCallback) {
        if callback.kind == .conference { conferenceDeliveries.count { $0.sent += 1 } }
        queue.yield(callback)
    }

    /// Lets queued deliveries finish (each bounded by the timeout), then closes the client.
    func shutdown() async {
        queue.finish()
        await dispatcher.value
        do {
            try await client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        } catch {
            logger.warning("callback client did not shut down cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// The request a callback becomes: a signed form POST, or a GET with the fields in the
    /// query and the full URL signed with no parameters.
    static func request(for callback: OutgoingCallback, signingKey: String) -> HTTPClientRequest {
        let signedURL: String
        var request: HTTPClientRequest
        if callback.method == .get {
            let separator = callback.url.contains("?") ? "&" : "?"
            signedURL = callback.url + separator + FormEncoding.encode(callback.fields)
            request = HTTPClientRequest(url: signedURL)
            request.method = .GET
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.compute(url: signedURL, parameters: [], key: signingKey))
        } else {
            signedURL = callback.url
            request = HTTPClientRequest(url: signedURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(callback.fields)))
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.compute(url: signedURL, parameters: callback.fields, key: signingKey))
        }
        request.headers.add(name: "User-Agent", value: "confdash-emulator")
        return request
    }

    /// True when the receiver answered 2xx.
    private static func deliver(
        _ callback: OutgoingCallback, client: HTTPClient, signingKey: String, timeout: TimeAmount, logger: Logger
    ) async -> Bool {
        let outgoing = Self.request(for: callback, signingKey: signingKey)
        // The query may carry secrets of the receiver's own; log where, not what.
        let target = callback.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? callback.url
        let event = callback.fields.first { $0.0 == callback.eventField }?.1 ?? "?"
        let kind = callback.kind.rawValue
        do {
            let response = try await client.execute(outgoing, timeout: timeout, logger: logger)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else {
                logger.warning(
                    "\(kind) callback answered \(response.status.code)",
                    metadata: ["url": "\(target)", "event": "\(event)", "\(kind)": "\(callback.orderKey)"])
                return false
            }
            return true
        } catch {
            logger.warning(
                "\(kind) callback failed",
                metadata: [
                    "url": "\(target)", "event": "\(event)", "\(kind)": "\(callback.orderKey)", "error": "\(error)",
                ])
            return false
        }
    }
}
