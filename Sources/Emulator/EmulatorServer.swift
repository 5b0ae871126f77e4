import CompatAPI
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A local Compatibility API server over an in-memory world, reached over real HTTP on a
/// loopback port: what `confdash demo`, the tests and the benchmarks talk to.
///
/// ```swift
/// let server = try await EmulatorServer.start(EmulatorConfiguration())
/// defer { Task { await server.stop() } }
/// // point a client at server.baseURL with EmulatorConfiguration.demoProjectID / demoAPIToken
/// ```
public actor EmulatorServer {
    /// The port actually bound (never 0, even when the configuration asked for an ephemeral one).
    public nonisolated let port: Int
    public nonisolated let host: String
    /// The world behind the API, for in-process tests.
    public nonisolated let world: EmulatorWorld

    private let faults: FaultInjector
    private let requestLog: RequestLog
    private let callbacks: CallbackSender
    private let logger: Logger
    private var serverTask: Task<Void, Never>?
    private let serverGroup: ServiceGroup
    private var stopping: Task<Void, Never>?

    /// The API base, as a client's `Endpoint` takes it.
    public nonisolated var baseURL: String { "http://\(Self.urlHost(host)):\(port)/api/laml/2010-04-01" }
    public nonisolated var adminURL: String { "http://\(Self.urlHost(host)):\(port)\(AdminSurface.prefix)" }

    private init(
        port: Int, host: String, world: EmulatorWorld, faults: FaultInjector, requestLog: RequestLog,
        callbacks: CallbackSender, logger: Logger, serverTask: Task<Void, Never>, serverGroup: ServiceGroup
    ) {
        self.port = port
        self.host = host
        self.world = world
        self.faults = faults
        self.requestLog = requestLog
        self.callbacks = callbacks
        self.logger = logger
        self.serverTask = serverTask
        self.serverGroup = serverGroup
    }

    /// Seeds the world, starts listening and returns once the port is bound. Every timer
    /// (stream start, churn, latency, rate-limit windows) reads `clock`.
    public static func start(
        _ configuration: EmulatorConfiguration,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "confdash.emulator")
    ) async throws -> EmulatorServer {
        let emulatorClock = EmulatorClock(clock)
        let callbacks = CallbackSender(
            signingKey: configuration.signingKey, logger: logger,
            timeout: .nanoseconds(Int64(configuration.callbackTimeout / .nanoseconds(1))))
        let world = await EmulatorWorld(
            configuration: configuration, clock: emulatorClock, callbacks: callbacks, logger: logger)
        let faults = FaultInjector(settings: configuration.faults, seed: configuration.seed, clock: emulatorClock)
        let requestLog = RequestLog()
        let api = APIResponder(
            world: world, faults: faults, clock: emulatorClock, accountSid: configuration.accountSid,
            apiToken: configuration.apiToken, logger: logger)
        let admin = AdminSurface(world: world, faults: faults, requestLog: requestLog, callbacks: callbacks)

        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            await Self.respond(to: request, api: api, admin: admin, requestLog: requestLog)
        }
        // Stopping may end in cancelling the server task (below), and Hummingbird logs that
        // cancellation as errors. Its logger only speaks up at debug level or below; our own
        // logger reports a failure to start or run from the error the server throws.
        var serverLogger = logger
        if serverLogger.logLevel > .debug { serverLogger.logLevel = .critical }
        let (bound, boundSink) = AsyncStream.makeStream(of: Result<Int, EmulatorStartError>.self)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                boundSink.yield(.success(channel.localAddress?.port ?? 0))
            },
            logger: serverLogger)
        // No graceful-shutdown signals: SIGINT and SIGTERM belong to the TUI that hosts us.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [], logger: serverLogger))
        let serverTask = Task {
            do {
                try await group.run()
            } catch is CancellationError {
            } catch {
                logger.error("emulator server stopped", metadata: ["error": "\(error)"])
                boundSink.yield(.failure(EmulatorStartError(reason: "\(error)")))
            }
            boundSink.finish()
        }
        var results = bound.makeAsyncIterator()
        let first = await results.next()
        guard case .success(let port)? = first, port > 0 else {
            serverTask.cancel()
            await world.shutdown()
            await callbacks.shutdown()
            if case .failure(let error)? = first { throw error }
            throw EmulatorStartError(reason: "the server did not report a bound port")
        }
        let server = EmulatorServer(
            port: port, host: configuration.host, world: world, faults: faults, requestLog: requestLog,
            callbacks: callbacks, logger: logger, serverTask: serverTask, serverGroup: group)
        if configuration.churn { await world.startChurn(every: configuration.churnInterval) }
        logger.info(
            "emulator listening",
            metadata: [
                "api": "\(server.baseURL)", "admin": "\(server.adminURL)", "account": "\(configuration.accountSid)",
            ])
        return server
    }

    /// Stops listening, the churn, pending stream starts and the callback client. Safe to call
    /// more than once; every call returns once everything has stopped.
    public func stop() async {
        if stopping == nil {
            let serverTask = self.serverTask
            self.serverTask = nil
            let world = self.world
            let callbacks = self.callbacks
            let logger = self.logger
            let port = self.port
            let group = serverGroup
            stopping = Task {
                await world.shutdown()
                // A graceful shutdown first: it closes the listening socket and serves every
                // connection already accepted. Cancelling the server straight away could drop
                // one accepted but not yet taken up, and NIO traps on such a connection's
                // writer ("Deinited NIOAsyncWriter without calling finish()", swift-nio#2637;
                // seen once in a full test run). A request still held (an injected hang) gets
                // a second, then the server is cancelled, its socket already closed.
                await group.triggerGracefulShutdown()
                if let serverTask, !(await finish(within: .seconds(1), { await serverTask.value })) {
                    serverTask.cancel()
                }
                if let serverTask, !(await finish(within: .seconds(5), { await serverTask.value })) {
                    // Cancelling the server waits for the connections it is serving. One held
                    // open by a client that never reads or closes must not hold the caller (a
                    // test, or the demo on its way out) forever; the process reclaims it.
                    logger.warning("emulator server still closing connections after 5 s", metadata: ["port": "\(port)"])
                }
                await callbacks.shutdown()
            }
            logger.info("emulator stopping", metadata: ["port": "\(port)"])
        }
        await stopping?.value
    }

    /// Streams with a status callback still queued or being delivered (0 once all are out).
    public var callbackStreamsUnderWay: Int { callbacks.streamsUnderWay }

    /// Where conference status callbacks go (nil: nowhere), as `POST /__admin/conference-events`
    /// and `DELETE` set it: the way an application's cXML asks for them.
    public func setConferenceEvents(_ subscription: ConferenceEventSubscription?) async {
        await world.setConferenceEvents(subscription)
    }

    /// Conference status callbacks sent so far and how their deliveries went: a test waits for
    /// `delivered` to reach what it expects instead of sleeping.
    public nonisolated var conferenceEventDeliveries: ConferenceEventDeliveries { callbacks.conferenceEvents }

    /// Changes the injected faults at run time, as `POST /__admin/faults` does.
    public func setFaults(_ settings: FaultSettings) async {
        await faults.update(settings)
    }

    public func faultSettings() async -> FaultSettings {
        await faults.settings
    }

    /// API requests the injected latency or hang is holding right now. Each one's deadline on the
    /// injected clock is fixed before it counts here, so a test that sees a request held knows it
    /// stays unanswered until the clock has moved by the whole delay.
    /// API requests being answered now, and the most at once since `clearPeakInFlight()`.
    public func requestsInFlight() async -> (now: Int, peak: Int) {
        await faults.inFlightNow
    }

    /// Starts counting the peak of requests in flight afresh.
    public func clearPeakInFlight() async {
        await faults.clearPeak()
    }

    public func heldRequests() async -> Int {
        await faults.held
    }

    /// The API requests received so far (the most recent 1000), oldest first.
    public func requests() async -> [RequestLogEntry] {
        await requestLog.all()
    }

    public func clearRequests() async {
        await requestLog.clear()
    }

    private static func respond(
        to request: Request, api: APIResponder, admin: AdminSurface, requestLog: RequestLog
    ) async -> Response {
        var request = request
        let path = request.uri.path
        let body: String
        do {
            body = String(buffer: try await request.collectBody(upTo: 4 * 1024 * 1024))
        } catch {
            return Replies.error(
                ServiceError(status: 413, code: ServiceError.Code.invalidArgument, message: "Request body too large"))
        }
        if AdminSurface.handles(path) {
            return await admin.respond(method: request.method, path: path, body: body)
        }
        let contentType = request.headers[.contentType]
        let response: Response
        if APIRoute.isAPIPath(path) {
            response = await api.respond(
                to: APIResponder.Incoming(
                    method: request.method, path: path, query: request.uri.query, contentType: contentType,
                    authorization: request.headers[.authorization], body: body))
        } else {
            response = Replies.error(Validation.notFound(path))
        }
        await requestLog.record(
            RequestLogEntry(
                method: request.method.rawValue, path: path, query: request.uri.query, contentType: contentType,
                status: Int(response.status.code)))
        return response
    }

    private static func urlHost(_ host: String) -> String {
        if host == "0.0.0.0" || host.isEmpty { return "127.0.0.1" }
        return host.contains(":") ? "[\(host)]" : host
    }
}

/// Why the emulator could not start listening (the port is taken, the host cannot be bound).
public struct EmulatorStartError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { "the emulator could not start: \(reason)" }
}
