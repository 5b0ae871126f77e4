import CompatAPI
import Foundation
import Hummingbird
import Logging
import Synchronization

/// A status-callback endpoint on a loopback port that keeps every request it receives, and
/// answers it at once, or (`answering: false`) not until it stops.
final class CallbackReceiver: Sendable {
    /// One received callback, as the receiver's own server saw it.
    struct Received: Sendable {
        var method: String
        var path: String
        var query: String?
        var signature: String?
        var body: String

        /// The POST form fields, or for a GET the query's.
        var fields: [(String, String)] { FormEncoding.decode(method == "GET" ? query ?? "" : body) }

        func field(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
    }

    private actor Store {
        var received: [Received] = []
        func add(_ item: Received) { received.append(item) }
    }

    let port: Int
    private let store: Store
    private let task: Task<Void, Never>
    private let stopping: Stopping

    /// Set when the receiver stops: a request held unanswered is let go.
    private final class Stopping: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    private init(port: Int, store: Store, task: Task<Void, Never>, stopping: Stopping) {
        self.port = port
        self.store = store
        self.task = task
        self.stopping = stopping
    }

    var url: String { "http://127.0.0.1:\(port)/callbacks/stream" }

    var received: [Received] {
        get async { await store.received }
    }

    static func start(answering: Bool = true) async throws -> CallbackReceiver {
        let store = Store()
        let stopping = Stopping()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let signature = request.headers.first { $0.name.canonicalName == "x-signalwire-signature" }?.value
            await store.add(
                Received(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                    signature: signature, body: body))
            while !answering && !stopping.isSet { try? await Task.sleep(for: .milliseconds(20)) }
            return Response(status: .noContent)
        }
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.callback-receiver")
        logger.logLevel = .critical  // its cancellation at the end of a test logs as errors
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { sink.yield($0.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            try? await app.runService(gracefulShutdownSignals: [])
            sink.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CancellationError()
        }
        return CallbackReceiver(port: port, store: store, task: task, stopping: stopping)
    }

    func stop() async {
        stopping.set()
        task.cancel()
        await task.value
    }
}
