import CallbackReceiver
import CompatAPI
import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `confdash receiver`: the team's headless callback service. It takes the service's signed
/// stream status callbacks and conference status callbacks for every profile it serves, each on
/// routes of its own and checked with that profile's key, and writes them to the store (SQLite
/// or PostgreSQL); it answers 2xx only once the store has committed the write, 503 while the
/// store cannot take it (so the sender may retry), 403 for a forged callback or one replayed to
/// another profile's URL, and never 2xx otherwise.
///
/// | route | answers |
/// | --- | --- |
/// | `GET`/`POST /p/<profile>/streams/callback` | 204 stored; 400 malformed; 403 bad signature or wrong URL; 404 unknown profile; 413 too large; 503 store unavailable (`Retry-After`) |
/// | `GET`/`POST /p/<profile>/conferences/events` | the same, for conference status callbacks (stored with their form parameters) |
/// | `GET /healthz` | 200 `{"status":"ok"}` when the store answers a cheap read within `healthTimeout`, else 503 |
/// | `GET /metrics` | Prometheus text format (`ReceiverMetrics`) |
///
/// ```swift
/// let service = try ReceiverService(configuration: configuration, store: ledger, logger: logger)
/// try await service.serviceGroup { port in logger.info("listening on \(port)") }.run()   // until SIGTERM
/// ```
public struct ReceiverService: Sendable {
    public let configuration: ReceiverConfiguration
    /// The mounted routes, two a profile (stream callbacks, then conference events), in the
    /// configuration's order.
    public let routes: [ReceiverRoute]
    public let metrics: ReceiverMetrics
    private let routesByPath: [String: ReceiverRoute]
    private let store: any CallbackStore
    private let streamCallbacks: CallbackBatcher
    private let logger: Logger
    private let now: @Sendable () -> Date

    public static let healthPath = "/healthz"
    public static let metricsPath = "/metrics"

    /// Checks every profile's key and public URL before anything listens: a typo fails here
    /// rather than refusing every callback later.
    public init(
        configuration: ReceiverConfiguration, store: any CallbackStore, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(ReceiverConfigurationError) {
        guard !configuration.profiles.isEmpty else { throw .noProfiles }
        self.configuration = configuration
        routes = try ReceiverRoute.routes(configuration)
        routesByPath = Dictionary(routes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        metrics = ReceiverMetrics(profiles: routes.map(\.profile))
        self.store = store
        streamCallbacks = CallbackBatcher(
            store: store, healthTimeout: configuration.healthTimeout, writers: store.concurrentWriters)
        self.logger = logger
        self.now = now
    }

    /// The HTTP application: a swift-service-lifecycle `Service` that stops accepting connections
    /// on graceful shutdown and lets the requests under way finish. `onRunning` is handed the
    /// bound port once connections are accepted.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let service = self
        let responder = CallbackResponder<CallbackRequestContext> { request, context in
            await service.respond(to: request, context: context)
        }
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The application in a service group that shuts it down gracefully on `signals`; `run()`
    /// returns once the requests under way have been answered.
    public func serviceGroup(
        gracefulShutdownSignals signals: [UnixSignal] = [.sigterm, .sigint],
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application(onRunning: onRunning)], gracefulShutdownSignals: signals, logger: logger))
    }

    /// Every route with the URL the service must be given for it, for the startup log: a
    /// stream route's URL is the `StatusCallback` of a stream start, a conference route's the
    /// `statusCallback` of the application's `<Conference>`.
    public func callbackURLs(port: Int) -> [(profile: String, path: String, url: String, kind: ReceiverRoute.Kind)] {
        routes.map { ($0.profile, $0.path, $0.callbackURL(host: configuration.host, port: port), $0.kind) }
    }

    // MARK: answering

    func respond(to request: Request, context: CallbackRequestContext) async -> Response {
        let path = request.uri.path
        if let route = routesByPath[path] {
            return await metrics.inFlight { await receive(request, route: route, context: context) }
        }
        switch path {
        case Self.healthPath where request.method == .get || request.method == .head:
            return await health()
        case Self.metricsPath where request.method == .get:
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        case Self.healthPath, Self.metricsPath:
            var headers = HTTPFields()
            headers[.allow] = "GET"
            return Response(status: .methodNotAllowed, headers: headers)
        default:
            if path.hasPrefix("/p/"),
                let kind = ReceiverRoute.Kind.allCases.first(where: { path.hasSuffix($0.pathSuffix) })
            {
                metrics.rejected(.unknownProfile)
                logger.warning(
                    "\(kind.noun) for a profile this receiver does not serve",
                    metadata: ["remote": "\(context.remoteDescription)", "path": "\(SignedCallbackRequest.loggable(path))"])
                return SignedCallbackRequest.text(.notFound, "no such profile on this receiver")
            }
            return Response(status: .notFound)
        }
    }

    /// One callback for `route`: read, checked with the route's key over the URL the service
    /// signed, parsed, stored; the answer says which of these failed.
    private func receive(_ request: Request, route: ReceiverRoute, context: CallbackRequestContext) async -> Response {
        let noun = route.kind.noun
        var metadata: Logger.Metadata = [
            "profile": "\(route.profile)", "kind": "\(route.kind.rawValue)", "remote": "\(context.remoteDescription)",
        ]
        let signed: SignedCallbackRequest
        do {
            signed = try await SignedCallbackRequest.read(request)
        } catch {
            metrics.rejected(.malformed)
            logger.warning("\(noun) refused: \(error)", metadata: metadata)
            switch error {
            case .methodNotAllowed:
                var headers = HTTPFields()
                headers[.allow] = "GET, POST"
                return Response(status: .methodNotAllowed, headers: headers)
            case .tooLarge: return SignedCallbackRequest.text(.contentTooLarge, error.description)
            case .unreadableBody: return SignedCallbackRequest.text(.badRequest, error.description)
            }
        }
        // Claimed, not verified yet: made safe for the log.
        if let sid = signed.claimedStreamSid, route.kind == .stream { metadata["stream"] = "\(sid)" }
        if let sid = signed.claimedConferenceSid, route.kind == .conference { metadata["conference"] = "\(sid)" }

        let port = context.localPort ?? configuration.port
        guard signed.isSigned(base: route.callbackURL(host: configuration.host, port: port), key: route.signingKey)
        else {
            // Signed for another route (with that route's key): a callback replayed to the wrong
            // URL. Otherwise no key the receiver holds signed it for any URL it serves.
            if let other = routes.first(where: {
                $0.path != route.path
                    && signed.isSigned(base: $0.callbackURL(host: configuration.host, port: port), key: $0.signingKey)
            }) {
                metrics.rejected(.wrongURL)
                metadata["signed_for"] = "\(other.profile)"
                if other.kind != route.kind { metadata["signed_for_kind"] = "\(other.kind.rawValue)" }
                logger.warning("\(noun) refused: signed for another route's URL", metadata: metadata)
            } else {
                metrics.rejected(.badSignature)
                logger.warning(
                    signed.isSigned
                        ? "\(noun) refused: the signature does not match" : "\(noun) refused: no signature",
                    metadata: metadata)
            }
            return SignedCallbackRequest.text(.forbidden, "signature required")
        }

        let receivedAt = now()
        let write: @Sendable () async throws -> String
        switch route.kind {
        case .stream:
            let callback: StreamCallback
            do {
                callback = try signed.callback(receivedAt: receivedAt)
            } catch {
                return malformed(error.missingFields, error.description, noun: noun, metadata: &metadata)
            }
            metadata["stream"] = "\(callback.streamSid)"
            metadata["conference"] = "\(callback.conferenceSid)"
            metadata["event"] = "\(callback.event.rawValue)"
            let batcher = streamCallbacks
            write = { "\(try await batcher.apply(callback))" }
        case .conference:
            let event: ConferenceStatusEvent
            do {
                event = try signed.conferenceEvent(receivedAt: receivedAt)
            } catch {
                return malformed(error.missingFields, error.description, noun: noun, metadata: &metadata)
            }
            metadata["conference"] = "\(event.conferenceSid)"
            metadata["event"] = "\(event.event.rawValue)"
            if let call = event.callSid { metadata["call"] = "\(call)" }
            if let sequence = event.sequenceNumber { metadata["sequence"] = "\(sequence)" }
            let stored = StoredConferenceEvent(
                at: event.at, receivedAt: receivedAt, accountSid: event.accountSid, conferenceSid: event.conferenceSid,
                event: event.event.rawValue, callSid: event.callSid, sequence: event.sequenceNumber.map(Int64.init),
                parameters: signed.parameters)
            let store = self.store
            write = { "stored as event \(try await store.recordConferenceEvent(stored))" }
        }

        let clock = ContinuousClock()
        let started = clock.now
        let outcome: String
        do {
            outcome = try await Self.answer(within: configuration.storeTimeout, write)
        } catch {
            metrics.storeWrite(clock.now - started, ok: false)
            metrics.rejected(.storeUnavailable)
            metadata["error"] = "\(error)"
            logger.error("\(noun) not stored: the store could not take it (answered 503)", metadata: metadata)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.retryAfter] = "\(configuration.retryAfterSeconds)"
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "the store could not record the \(noun); retry\n")))
        }
        // The write is committed: only now may the service hear that the callback arrived.
        metrics.storeWrite(clock.now - started, ok: true)
        metrics.accepted(profile: route.profile, kind: route.kind)
        metadata["outcome"] = "\(outcome)"
        logger.info("\(noun) stored", metadata: metadata)
        return Response(status: .noContent)
    }

    /// A 400 for a genuinely signed request that is not a callback of its route's kind.
    private func malformed(_ missing: [String], _ description: String, noun: String, metadata: inout Logger.Metadata)
        -> Response
    {
        metrics.rejected(.malformed)
        metadata["missing"] = "\(missing.joined(separator: ","))"
        logger.warning("signed \(noun) refused: required fields missing", metadata: metadata)
        return SignedCallbackRequest.text(.badRequest, description)
    }

    /// 200 when the store answers a cheap read within `healthTimeout`, 503 otherwise; a short
    /// JSON body either way.
    private func health() async -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let store = self.store
        do {
            try await Self.answer(within: configuration.healthTimeout) { try await store.checkReachable() }
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok","store":"reachable"}"# + "\n")))
        } catch {
            logger.error("health check: the store does not answer", metadata: ["error": "\(error)"])
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"status":"unavailable","store":"unreachable"}"# + "\n")))
        }
    }

    /// The store took longer than the health check or a write waits.
    struct NoAnswer: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "the store did not answer within \(limit)" }
    }

    /// `operation`'s result, or `NoAnswer` once `limit` has passed. The operation runs in a task
    /// of its own, cancelled then but not waited for: a read or a write stuck on a server that
    /// never answers (a connect into a dropped network, a connection that died under a query)
    /// must not hold the answer.
    static func answer<T: Sendable>(
        within limit: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let first = FirstAnswer(continuation)
            let work = Task {
                do {
                    first.resume(with: .success(try await operation()))
                } catch {
                    first.resume(with: .failure(error))
                }
            }
            first.whileWaiting(
                Task {
                    try? await Task.sleep(for: limit)
                    if first.resume(with: .failure(NoAnswer(limit: limit))) { work.cancel() }
                })
        }
    }
}

/// Resumes a continuation once, with whichever answer comes first, and cancels the timer of
/// `whileWaiting` when the operation's answer wins.
private final class FirstAnswer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var timer: Task<Void, Never>?
    }
    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<T, any Error>) { state = Mutex(State(continuation: continuation)) }

    /// True for the first answer, which resumes the caller; false (and ignored) after.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let (waiting, timer) = state.withLock { state in
            let taken = (state.continuation, state.timer)
            state.continuation = nil
            state.timer = nil
            return taken
        }
        timer?.cancel()
        guard let waiting else { return false }
        waiting.resume(with: result)
        return true
    }

    /// Holds the timer until an answer comes; one that came already cancels it at once.
    func whileWaiting(_ timer: Task<Void, Never>) {
        let answered = state.withLock { state in
            guard state.continuation != nil else { return true }
            state.timer = timer
            return false
        }
        if answered { timer.cancel() }
    }
}
