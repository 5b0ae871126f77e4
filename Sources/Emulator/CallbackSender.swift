import AsyncHTTPClient
import CompatAPI
import Foundation
import Logging
import NIOCore
import Synchronization

/// One stream status callback, ready to send.
struct StreamCallback: Sendable {
    var url: String
    var method: CallbackMethod
    /// In the order the service sends them; the signature sorts them itself.
    var fields: [(String, String)]
    var streamSid: String
}

/// Sends stream status callbacks, signed like the service signs them, fire-and-forget. Events
/// of one stream go out one after another in the order they were enqueued, so a receiver sees
/// `stream-started` before `stream-stopped`; different streams do not wait for each other.
final class CallbackSender: Sendable {
    private let client: HTTPClient
    private let queue: AsyncStream<StreamCallback>.Continuation
    private let dispatcher: Task<Void, Never>
    private let logger: Logger
    private let tails = Tails()

    init(signingKey: String, logger: Logger, timeout: TimeAmount = .seconds(5)) {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let (callbacks, queue) = AsyncStream.makeStream(of: StreamCallback.self)
        self.client = client
        self.queue = queue
        self.logger = logger
        let tails = self.tails
        dispatcher = Task {
            // The last delivery of each stream still under way; the next one of that stream
            // waits for it. A delivery that finishes while still the last takes itself out, so
            // a demo that runs for hours does not keep a task for every stream it ever had.
            var serial = 0
            for await callback in callbacks {
                serial += 1
                tails.chain(callback.streamSid, number: serial) {
                    await Self.deliver(
                        callback, client: client, signingKey: signingKey, timeout: timeout, logger: logger)
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

    /// Streams with a callback still queued or being delivered.
    var streamsUnderWay: Int { tails.count }

    /// Synchronous, so the order of calls is the order of delivery.
    func enqueue(_ callback: StreamCallback) {
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
    static func request(for callback: StreamCallback, signingKey: String) -> HTTPClientRequest {
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

    private static func deliver(
        _ callback: StreamCallback, client: HTTPClient, signingKey: String, timeout: TimeAmount, logger: Logger
    ) async {
        let outgoing = Self.request(for: callback, signingKey: signingKey)
        // The query may carry secrets of the receiver's own; log where, not what.
        let target = callback.url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? callback.url
        let event = callback.fields.first { $0.0 == "StreamEvent" }?.1 ?? "?"
        do {
            let response = try await client.execute(outgoing, timeout: timeout, logger: logger)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(Int(response.status.code)) {
                logger.warning(
                    "stream callback answered \(response.status.code)",
                    metadata: ["url": "\(target)", "event": "\(event)", "stream": "\(callback.streamSid)"])
            }
        } catch {
            logger.warning(
                "stream callback failed",
                metadata: [
                    "url": "\(target)", "event": "\(event)", "stream": "\(callback.streamSid)", "error": "\(error)",
                ])
        }
    }
}
