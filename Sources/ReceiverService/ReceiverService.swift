import CallbackReceiver
import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `confdash receiver`: the team's headless callback service. It takes signed stream status
/// callbacks for every profile it serves, each on a route of its own and checked with that
/// profile's key, and writes them to the store; it answers 2xx only once the store has
/// committed the write, 503 while the store cannot take it (so the sender may retry), 403 for
/// a forged callback or one replayed to another profile's URL, and never 2xx otherwise.
///
/// | route | answers |
/// | --- | --- |
/// | `GET`/`POST /p/<profile>/streams/callback` | 204 stored; 400 malformed; 403 bad signature or wrong URL; 404 unknown profile; 413 too large; 503 store unavailable (`Retry-After`) |
/// | `GET /healthz` | 200 `{"status":"ok"}` when the store answers a cheap read, else 503 |
/// | `GET /metrics` | Prometheus text format (`ReceiverMetrics`) |
///
/// ```swift
/// let service = try ReceiverService(configuration: configuration, store: ledger, logger: logger)
/// try await service.serviceGroup { port in logger.info("listening on \(port)") }.run()   // until SIGTERM
/// ```
public struct ReceiverService: Sendable {
    public let configuration: ReceiverConfiguration
    /// The mounted routes, one a profile, in the configuration's order.
    public let routes: [ReceiverRoute]
    public let metrics: ReceiverMetrics
    private let routesByPath: [String: ReceiverRoute]
    private let store: any CallbackStore
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

    /// Every route with the URL the service must be given for it, for the startup log.
    public func callbackURLs(port: Int) -> [(profile: String, path: String, url: String)] {
        routes.map { ($0.profile, $0.path, $0.callbackURL(host: configuration.host, port: port)) }
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
            if path.hasPrefix("/p/") && path.hasSuffix("/streams/callback") {
                metrics.rejected(.unknownProfile)
                logger.warning(
                    "stream callback for a profile this receiver does not serve",
                    metadata: ["remote": "\(context.remoteDescription)", "path": "\(SignedCallbackRequest.loggable(path))"])
                return SignedCallbackRequest.text(.notFound, "no such profile on this receiver")
            }
            return Response(status: .notFound)
        }
    }

    /// One callback for `route`: read, checked with the route's key over the URL the service
    /// signed, parsed, stored; the answer says which of these failed.
    private func receive(_ request: Request, route: ReceiverRoute, context: CallbackRequestContext) async -> Response {
        var metadata: Logger.Metadata = ["profile": "\(route.profile)", "remote": "\(context.remoteDescription)"]
        let signed: SignedCallbackRequest
        do {
            signed = try await SignedCallbackRequest.read(request)
        } catch {
            metrics.rejected(.malformed)
            logger.warning("stream callback refused: \(error)", metadata: metadata)
            switch error {
            case .methodNotAllowed:
                var headers = HTTPFields()
                headers[.allow] = "GET, POST"
                return Response(status: .methodNotAllowed, headers: headers)
            case .tooLarge: return SignedCallbackRequest.text(.contentTooLarge, error.description)
            case .unreadableBody: return SignedCallbackRequest.text(.badRequest, error.description)
            }
        }
        if let sid = signed.claimedStreamSid { metadata["stream"] = "\(sid)" }

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
                logger.warning("stream callback refused: signed for another profile's URL", metadata: metadata)
            } else {
                metrics.rejected(.badSignature)
                logger.warning(
                    signed.isSigned
                        ? "stream callback refused: the signature does not match"
                        : "stream callback refused: no signature", metadata: metadata)
            }
            return SignedCallbackRequest.text(.forbidden, "signature required")
        }

        let callback: StreamCallback
        do {
            callback = try signed.callback(receivedAt: now())
        } catch {
            metrics.rejected(.malformed)
            metadata["missing"] = "\(error.missingFields.joined(separator: ","))"
            logger.warning("signed stream callback refused: required fields missing", metadata: metadata)
            return SignedCallbackRequest.text(.badRequest, error.description)
        }
        metadata["stream"] = "\(callback.streamSid)"
        metadata["conference"] = "\(callback.conferenceSid)"
        metadata["event"] = "\(callback.event.rawValue)"

        let clock = ContinuousClock()
        let started = clock.now
        let outcome: CallbackOutcome
        do {
            outcome = try await store.applyCallback(callback)
        } catch {
            metrics.storeWrite(clock.now - started, ok: false)
            metrics.rejected(.storeUnavailable)
            metadata["error"] = "\(error)"
            logger.error("stream callback not stored: the store could not take it (answered 503)", metadata: metadata)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.retryAfter] = "\(configuration.retryAfterSeconds)"
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "the store could not record the callback; retry\n")))
        }
        // The write is committed: only now may the service hear that the callback arrived.
        metrics.storeWrite(clock.now - started, ok: true)
        metrics.accepted(profile: route.profile)
        metadata["outcome"] = "\(outcome)"
        logger.info("stream callback stored", metadata: metadata)
        return Response(status: .noContent)
    }

    /// 200 when the store answers a cheap read, 503 otherwise; a short JSON body either way.
    private func health() async -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        do {
            try await store.checkReachable()
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
}
