import ArgumentParser
import CallbackReceiver
import Foundation
import Logging
import Profiles
import ReceiverService
import ServiceLifecycle

/// `confdash receiver`: the team's headless callback service, run behind the team's TLS reverse
/// proxy. Every profile of the config file that has a signing key gets a route of its own,
/// `/p/<profile>/streams/callback`, checked with that profile's key; callbacks go to the store,
/// `/healthz` and `/metrics` report, the log is JSON lines on stdout, and SIGTERM or SIGINT stop
/// it once the requests under way are answered (exit 0).
struct ReceiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receiver",
        abstract: "Run the team's stream callback service: every profile's signed callbacks into the store.",
        discussion: """
            Each profile of the config file with a signing key (signing_key, signing_key_env or
            signing_key_command) is served at /p/PROFILE/streams/callback; a profile without one is
            skipped with a warning. Without a config file, the environment's profile is served as
            "default" (SIGNALWIRE_SIGNING_KEY, CONFDASH_CALLBACK_URL).

            The service signs the URL it calls: a profile's callback_url when it has one, else
            --public-url followed by the profile's route, else the receiver's own address. Give the
            service exactly that URL as StatusCallback.

            GET /healthz answers 200 while the store answers, 503 otherwise; GET /metrics is in the
            Prometheus text format. Logs are JSON, one object a line, on stdout. SIGTERM or SIGINT
            stop the receiver after the requests under way are answered.
            """)

    @Option(help: ArgumentHelp("The address to listen on (port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:8088"

    @Option(
        help: ArgumentHelp(
            "The receiver's public base URL behind the proxy (https://ops.example.com/confdash): a profile "
                + "without a callback_url is called at BASE/p/PROFILE/streams/callback.", valueName: "url"))
    var publicURL: String?

    @Option(
        help: ArgumentHelp(
            "The config file whose profiles are served (default: $XDG_CONFIG_HOME/confdash/config.toml).",
            valueName: "path"))
    var config: String?

    @OptionGroup var store: LedgerOptions

    @Option(help: ArgumentHelp("Seconds a sender is asked to wait (Retry-After) while the store cannot take a callback."))
    var retryAfter = 5

    func validate() throws {
        _ = try address()
        guard (1...3600).contains(retryAfter) else { throw ValidationError("--retry-after must be 1 to 3600 seconds") }
        if let publicURL {
            do {
                _ = try SignedCallbackRequest.publicBase(publicURL)
            } catch {
                throw ValidationError("--public-url: \(error)")
            }
        }
    }

    /// `--listen` as host and port; `[::1]:8088` for IPv6.
    func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port), colon != listen.startIndex
        else { throw ValidationError("--listen must be HOST:PORT (got \(listen))") }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    func run() async throws {
        let logger = ReceiverLog.bootstrap()
        let (host, port) = try address()
        let profiles = try servedProfiles(logger: logger)
        let store = try openStore()
        let service: ReceiverService
        do {
            service = try ReceiverService(
                configuration: ReceiverConfiguration(
                    host: host, port: port, publicBase: publicURL, profiles: profiles, retryAfterSeconds: retryAfter),
                store: store, logger: logger)
        } catch {
            throw CLIError(message: error.description, status: .usage)
        }
        if publicURL == nil && (host == "0.0.0.0" || host == "::") {
            logger.warning(
                "listening on every address without --public-url: a profile without callback_url is checked against this address, which is not the URL the service calls",
                metadata: ["address": "\(host)"])
        }
        let group = service.serviceGroup { boundPort in
            for route in service.callbackURLs(port: boundPort) {
                logger.info(
                    "route mounted",
                    metadata: [
                        "profile": "\(route.profile)", "path": "\(route.path)",
                        "status_callback": "\(SignedCallbackRequest.loggableURL(route.url))",
                    ])
            }
            logger.info(
                "receiver listening",
                metadata: [
                    "address": "\(host.contains(":") ? "[\(host)]" : host):\(boundPort)",
                    "health": "\(ReceiverService.healthPath)", "metrics": "\(ReceiverService.metricsPath)",
                ])
        }
        do {
            try await group.run()
        } catch {
            logger.error("receiver stopped on an error", metadata: ["error": "\(error)"])
            throw CLIError(message: "the receiver stopped: \(error)")
        }
        logger.info("receiver stopped")
    }

    /// The one place the receiver opens its store.
    func openStore() throws -> any CallbackStore {
        try store.open()
    }

    /// The profiles to serve, each with its key; those without a key are skipped with a
    /// warning. A config file that cannot be read, or no profile with a key, is a usage error.
    func servedProfiles(logger: Logger) throws -> [ReceiverProfile] {
        let environment = ProcessInfo.processInfo.environment
        let path = config.map { URL(fileURLWithPath: $0) } ?? ProfileConfigFile.defaultPath(environment)
        let resolved: [ReceiverProfileSettings]
        do {
            let file = try ProfileConfigFile.load(path)
            if file == nil, config != nil {
                throw CLIError(message: "no config file at \(path.path)", status: .usage)
            }
            if let file, !file.profiles.isEmpty, environment[ProfileResolution.signingKeyVariable]?.isEmpty == false {
                logger.notice(
                    "SIGNALWIRE_SIGNING_KEY is ignored: each profile of the config file is checked with its own key",
                    metadata: ["config": "\(path.path)"])
            }
            resolved = try ReceiverProfiles.resolve(config: file, environment: environment)
        } catch let error as ProfileError {
            throw CLIError(message: error.description, status: .usage)
        }
        var served: [ReceiverProfile] = []
        for profile in resolved {
            guard let key = profile.signingKey.value else {
                logger.warning(
                    "profile skipped: it has no signing key",
                    metadata: ["profile": "\(profile.name)", "signing_key": "\(profile.signingKey) (\(profile.keySetting))"])
                continue
            }
            served.append(ReceiverProfile(name: profile.name, signingKey: key, publicURL: profile.callbackURL))
        }
        guard !served.isEmpty else {
            throw CLIError(
                message: "no profile has a signing key, so every callback would be refused (set signing_key, "
                    + "signing_key_env or signing_key_command in a profile of \(path.path), or "
                    + "\(ProfileResolution.signingKeyVariable) without a config file)", status: .usage)
        }
        return served
    }
}

/// The receiver's log: JSON lines on stdout, at CONFDASH_LOG_LEVEL (default info).
enum ReceiverLog {
    static func bootstrap() -> Logger {
        let level: Logger.Level =
            ProcessInfo.processInfo.environment["CONFDASH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in JSONLinesLogHandler(label: label, logLevel: level) }
        return Logger(label: "confdash.receiver")
    }
}
