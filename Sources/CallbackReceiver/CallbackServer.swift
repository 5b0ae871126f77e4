import CompatAPI
import Foundation
import Hummingbird
import Ledger
import Logging

/// Receives the service's stream status callbacks over HTTP, refuses any whose signature does
/// not prove they came from the service, and applies the rest to the ledger and the screen.
///
/// ```swift
/// let receiver = CallbackServer(settings: .init(signingKey: key), ledger: ledger) { event in
///     send(.streamEvent(event))
/// }
/// try await receiver.start()
/// let request = StartStreamRequest(url: url, statusCallback: await receiver.callbackURL)
/// // …
/// await receiver.stop()
/// ```
public actor CallbackServer {
    public nonisolated let settings: CallbackReceiverSettings

    private let ledger: StreamLedger
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let onEvent: @Sendable (ReceivedStreamEvent) -> Void
    private let onConferenceEvent: @Sendable (ConferenceStatusEvent) async throws -> Void
    private var state: State = .stopped
    private let signingKeys: SigningKeyRing

    private struct Running: Sendable {
        var port: Int
        var server: Task<Void, Never>
    }

    /// Starts are awaited by whoever asks while one is under way, so two calls bind one port.
    private enum State {
        case stopped
        case starting(Task<Running, any Error>)
        case running(Running)
    }

    /// `onEvent` is called once for every verified callback, after the ledger has it, from the
    /// server's tasks: it must return quickly (hand the event to the run loop and go).
    /// `onConferenceEvent` takes each verified conference status callback (at
    /// `conferenceEventsURL`); the service hears 204 once it returns, 503 if it throws.
    public init(
        settings: CallbackReceiverSettings, ledger: StreamLedger,
        logger: Logger = Logger(label: "confdash.callbacks"), now: @escaping @Sendable () -> Date = { Date() },
        onEvent: @escaping @Sendable (ReceivedStreamEvent) -> Void = { _ in },
        onConferenceEvent: @escaping @Sendable (ConferenceStatusEvent) async throws -> Void = { _ in }
    ) {
        self.settings = settings
        self.ledger = ledger
        self.logger = logger
        self.now = now
        self.onEvent = onEvent
        self.onConferenceEvent = onConferenceEvent
        self.signingKeys = SigningKeyRing(settings.signingKey)
    }

    /// The port bound while running (never 0, even when the settings asked for an ephemeral one).
    public var port: Int? {
        if case .running(let running) = state { return running.port }
        return nil
    }

    /// What to send the service as `StatusCallback`: the public URL when there is one, else the
    /// receiver's own (with the bound port once started).
    public var callbackURL: String {
        settings.publicURL ?? StreamCallbackEndpoint.ownURL(host: settings.host, port: port ?? settings.port)
    }

    /// What the application's cXML should give as `<Conference statusCallback=…>`: the public
    /// URL for conference events when there is one, else the receiver's own.
    public var conferenceEventsURL: String {
        settings.conferenceEventsPublicURL
            ?? ConferenceEventsEndpoint.ownURL(host: settings.host, port: port ?? settings.port)
    }

    /// Starts listening and returns the bound port once connections are accepted. Calling it
    /// while running returns the same port.
    @discardableResult
    public func start() async throws -> Int {
        switch state {
        case .running(let running):
            return running.port
        case .starting(let launch):
            return try await launch.value.port
        case .stopped:
            break
        }
        let endpoint = StreamCallbackEndpoint(
            publicBase: try Self.publicBase(settings), host: settings.host, signingKeys: signingKeys,
            ledger: ledger, logger: logger, now: now, onEvent: onEvent)
        let conferenceEvents = ConferenceEventsEndpoint(
            publicBase: try Self.publicBase(settings.conferenceEventsPublicURL), host: settings.host,
            signingKeys: signingKeys, logger: logger, now: now, handler: onConferenceEvent)
        let settings = self.settings
        let logger = self.logger
        let launch = Task { try await Self.launch(endpoint, conferenceEvents, settings: settings, logger: logger) }
        state = .starting(launch)
        do {
            let running = try await launch.value
            guard case .starting(let current) = state, current == launch else {
                // stop() came while binding and has already closed the server.
                throw CancellationError()
            }
            state = .running(running)
            return running.port
        } catch {
            if case .starting(let current) = state, current == launch { state = .stopped }
            throw error
        }
    }

    /// Also accepts callbacks signed with `signingKey`: after `:profile` switches to another
    /// project, its streams report to this same receiver, signed with that project's key.
    public func trust(signingKey: String) {
        signingKeys.add(signingKey)
    }

    /// Stops listening; a callback being handled may be cut short before it is applied (the
    /// service treats that as a failed delivery). Safe to call when not running.
    public func stop() async {
        let server: Task<Void, Never>?
        switch state {
        case .stopped:
            return
        case .starting(let launch):
            state = .stopped
            server = try? await launch.value.server
        case .running(let running):
            state = .stopped
            server = running.server
        }
        // Cancelling is the only way to end a Hummingbird server without swift-service-lifecycle.
        server?.cancel()
        await server?.value
        logger.info("callback receiver stopped")
    }

    private static func launch(
        _ endpoint: StreamCallbackEndpoint, _ conferenceEvents: ConferenceEventsEndpoint,
        settings: CallbackReceiverSettings, logger: Logger
    ) async throws(CallbackReceiverError) -> Running {
        let responder = CallbackResponder<CallbackRequestContext> { request, context in
            if request.uri.path == CallbackReceiverSettings.conferenceEventsPath {
                return await conferenceEvents.respond(to: request, context: context)
            }
            return await endpoint.respond(to: request, context: context)
        }
        // Hummingbird logs the cancellation that stops it as errors; it only speaks below info.
        var serverLogger = logger
        if serverLogger.logLevel > .debug { serverLogger.logLevel = .critical }
        let (bound, boundSink) = AsyncStream.makeStream(of: Result<Int, CallbackReceiverError>.self)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port)),
            onServerRunning: { channel in boundSink.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: serverLogger)
        // No graceful-shutdown signals: SIGINT and SIGTERM belong to the TUI that hosts us.
        let server = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch is CancellationError {
            } catch {
                boundSink.yield(
                    .failure(.cannotListen(host: settings.host, port: settings.port, reason: "\(error)")))
            }
            boundSink.finish()
        }
        var results = bound.makeAsyncIterator()
        let first = await results.next()
        guard case .success(let port)? = first, port > 0 else {
            server.cancel()
            await server.value
            if case .failure(let error)? = first {
                logger.error("callback receiver could not start", metadata: ["error": "\(error)"])
                throw error
            }
            throw .cannotListen(host: settings.host, port: settings.port, reason: "the server reported no port")
        }
        logger.info(
            "callback receiver listening",
            metadata: [
                "address": "\(settings.host):\(port)", "path": "\(CallbackReceiverSettings.path)",
                "conference_events": "\(CallbackReceiverSettings.conferenceEventsPath)",
                "public": "\(settings.publicURL.map(Self.loggableURL) ?? "none")",
            ])
        return Running(port: port, server: server)
    }

    /// The public URL without its query, as the signed URL's base; checked before binding so a
    /// typo fails at once instead of refusing every callback later.
    static func publicBase(_ settings: CallbackReceiverSettings) throws(CallbackReceiverError) -> String? {
        if settings.signingKey.isEmpty { throw .missingSigningKey }
        return try publicBase(settings.publicURL)
    }

    static func publicBase(_ publicURL: String?) throws(CallbackReceiverError) -> String? {
        guard let url = publicURL else { return nil }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.fragment == nil
        else { throw .invalidPublicURL(url) }
        return url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
    }

    /// Scheme, host and path: a query or user info in a public URL may carry a token of its own.
    static func loggableURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unreadable>" }
        components.user = nil
        components.password = nil
        components.query = nil
        return components.string ?? "<unreadable>"
    }
}
