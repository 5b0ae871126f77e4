import ArgumentParser
import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Logging
import TerminalUI

/// Options every dashboard run shares: refresh interval, colour, a refresh limit for scripts.
struct DashboardOptions: ParsableArguments {
    @Option(help: "Seconds between refreshes (at least 1; default: $CONFDASH_REFRESH, the profile's, or 2).")
    var refresh: Double?

    @Flag(help: "No colour (NO_COLOR in the environment does the same).")
    var noColor = false

    @Option(help: "Quit after this many refreshes (for scripted runs).")
    var maxRefreshes: Int?

    @Option(
        help: "The most reads in flight at once (1 to 64; default: $CONFDASH_MAX_CONCURRENCY, the profile's max_concurrency, or 32). Reads start at 8 and grow toward it while the service answers fast.")
    var maxConcurrency: Int?

    /// The older name of `--max-concurrency`.
    @Option(name: .customLong("concurrency"), help: .hidden)
    var concurrency: Int?

    /// What the command line said, under either name.
    var maxConcurrencyFlag: Int? { maxConcurrency ?? concurrency }

    @Option(
        help: ArgumentHelp(
            "The store: a SQLite file or postgres://USER@HOST:PORT/DATABASE (default: $CONFDASH_STORE, the profile's store, then $XDG_STATE_HOME/confdash/ledger.sqlite).",
            valueName: "path-or-url"))
    var store: String?

    @Option(
        help: ArgumentHelp(
            "Open with this saved view (:view save NAME in the dashboard; default: the profile's default_view).",
            valueName: "name"))
    var view: String?

    /// The older name of `--store`, for a file.
    @Option(name: .customLong("ledger"), help: .hidden)
    var ledger: String?

    func validate() throws {
        if let refresh {
            guard refresh >= 1 else { throw ValidationError("--refresh must be at least 1 second (got \(refresh))") }
            guard refresh <= 3600 else { throw ValidationError("--refresh must be at most 3600 seconds") }
        }
        if let maxRefreshes, maxRefreshes < 1 { throw ValidationError("--max-refreshes must be at least 1") }
        if let value = maxConcurrencyFlag, !ProfileResolution.maxConcurrencyRange.contains(value) {
            throw ValidationError("--max-concurrency must be between 1 and 64 (got \(value))")
        }
    }

    /// Runs the dashboard against `client` until the operator quits; the terminal is restored
    /// before this returns, and a signal ends the process with the conventional status.
    /// Opens the ledger, or explains on the status line why stream actions are off.
    /// `settings` nil: the demo, whose store is only ever a file (it needs no database).
    func openLedger(settings: ResolvedSettings? = nil) -> (StreamLedger?, String?) {
        do {
            let location: StoreLocation
            if let settings {
                location = try StoreSetting.location(
                    flag: store ?? ledger, settings: settings, environment: ProcessInfo.processInfo.environment)
            } else {
                let text = store ?? ledger
                location = .file(
                    text.map { URL(fileURLWithPath: $0) }
                        ?? StreamLedger.defaultFile(inStateDirectory: StatePaths.stateDirectory()))
            }
            return (try StreamLedger(location), nil)
        } catch let error as CLIError {
            return (nil, "stream actions are off: \(error.message)")
        } catch {
            return (nil, "stream actions are off: \(error)")
        }
    }

    /// One profile's dashboard: a poller and the operator's actions on `client`, and the
    /// first state the screen shows. Closing it shuts the client down.
    func makeSession(
        client: CompatClient, space: String, account: String, ledger: StreamLedger?, mailbox: DashboardApp.Mailbox,
        refresh: Double, readOnly: Bool = false, profile: String? = nil, profiles: [String] = [],
        keyOverrides: [String: String] = [:], streamsUnavailable: String? = nil, callbackURL: String? = nil,
        layoutName: String? = nil, startView: String? = nil, defaultView: String? = nil
    ) throws -> DashboardSession {
        // The columns and views this profile remembers; `--view` (the launch only) before the
        // profile's default_view.
        let (layoutFile, layout, layoutProblem) = try Self.layout(
            named: layoutName ?? profile ?? "default", for: layoutName ?? profile ?? "this run", startView: startView)
        let services = makeServices(
            client: client, ledger: ledger, mailbox: mailbox, refresh: refresh, readOnly: readOnly, profile: profile,
            callbackURL: callbackURL, layoutFile: layoutFile, post: { mailbox.post($0) })
        var state = AppState(space: space, account: account, now: Date())
        state.layout = layout
        if let name = startView ?? defaultView, applyView(&state, name).contains(.saveLayout(state.layout)) {
            // The view's columns are the columns now, as `:view NAME` makes them.
            services.perform(.saveLayout(state.layout))
        }
        if let layoutProblem { _ = update(&state, .layoutNotSaved(layoutProblem)) }
        state.readOnly = readOnly
        state.streamsUnavailable = streamsUnavailable
        state.profile = profile
        state.profiles = profiles
        state.callbackURL = callbackURL
        state.refreshInterval = refresh
        do {
            state.keymap = try Keymap.standard.applying(overrides: keyOverrides)
        } catch {
            throw CLIError(message: "key overrides in the profile: \(error)", status: .usage)
        }
        return DashboardSession(state: state, services: services, close: { await client.shutdown() })
    }

    /// The columns and views kept under `name`; a `--view` it has not saved is refused before
    /// anything starts.
    static func layout(named name: String, for whom: String, startView: String?) throws
        -> (LayoutFile, SavedLayout, problem: String?)
    {
        let layoutFile = LayoutFile(stateDirectory: StatePaths.stateDirectory(), profile: name)
        let (layout, layoutProblem) = layoutFile.load()
        if let startView, layout.views[startView] == nil {
            let saved = layout.views.keys.sorted()
            throw CLIError(
                message: "--view \(startView): no such saved view for \(whom) ("
                    + (saved.isEmpty ? "none saved yet; :view save NAME in the dashboard keeps one" : "saved: \(saved.joined(separator: ", "))")
                    + ")", status: .usage)
        }
        return (layoutFile, layout, layoutProblem)
    }

    /// One space's poller and actions on `client`, reporting through `post` (the mailbox, or
    /// for every space at once the merger). Only the services with `followsStore` follow the
    /// store's change feed, and only those with a `layoutFile` keep the columns and views.
    func makeServices(
        client: CompatClient, ledger: StreamLedger?, mailbox: DashboardApp.Mailbox, refresh: Double, readOnly: Bool,
        profile: String?, callbackURL: String?, layoutFile: LayoutFile?, followsStore: Bool = true,
        post: @escaping @Sendable (Msg) -> Void
    ) -> DashboardServices {
        let poller = ConferencePoller(
            source: client,
            // The client decides how many of these go out at once (`AdaptiveConcurrency`); the
            // poller only offers it as many as it may ever allow.
            // A receiver (its own, or the team's at callback_url) brings conference events: the
            // sweeps slow to a safety net, as the participants pane's SPEAKING column trusts them.
            settings: .init(
                interval: .milliseconds(Int64(refresh * 1000)), maxConcurrency: client.concurrency.level.ceiling,
                eventsExpected: callbackURL != nil),
            logger: Logger(label: "confdash.poller"),
            emit: post)
        return DashboardServices(
            poller: poller,
            actions: ledger.map {
                OperatorActions(client: client, ledger: $0, profile: profile, origin: .dashboard, readOnly: readOnly)
            },
            logger: Logger(label: "confdash.services"),
            onConferenceEvents: { stored in
                // Events the team receiver stored, as the in-process receiver would have handed
                // them over: parsed from the service's own fields, applied at once.
                for event in stored {
                    let fields = event.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                    guard let parsed = try? ConferenceStatusEvent.parse(fields, receivedAt: event.receivedAt) else {
                        continue
                    }
                    mailbox.post(.conferenceEvent(parsed, at: Date()))
                }
            },
            layoutFile: layoutFile, followsStore: followsStore, post: post)
    }

    /// Conference status callbacks the receiver verified, into the run loop: the service hears
    /// 204 once the event is in the loop's mailbox.
    static func conferenceEvents(into mailbox: DashboardApp.Mailbox) -> @Sendable (ConferenceStatusEvent) async throws -> Void {
        { event in mailbox.post(.conferenceEvent(event, at: Date())) }
    }

    /// Runs the dashboard on `session` until the operator quits; the terminal is restored
    /// before this returns, and a signal ends the process with the conventional status.
    @MainActor
    func runDashboard(
        _ session: DashboardSession, mailbox: DashboardApp.Mailbox, ledgerProblem: String? = nil,
        receiver: CallbackServer? = nil, switchProfile: DashboardRuntime.ProfileSwitcher? = nil
    ) async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            await session.close()
            throw CLIError(message: "the dashboard needs a terminal (for scripts, use: confdash conferences list)", status: .usage)
        }
        if let problem = Terminal.unsuitability() {
            await session.close()
            throw CLIError(message: problem)
        }
        let logger = Logger(label: "confdash.ui")
        var state = session.state
        if let ledgerProblem { state.status = StatusMessage(text: ledgerProblem, severity: .error, expires: Date().addingTimeInterval(30)) }
        let runtime = DashboardRuntime(session: session, switchProfile: switchProfile, post: { mailbox.post($0) })
        let app = DashboardApp(
            state: state, terminal: Terminal(colors: !noColor), effects: runtime, mailbox: mailbox,
            maxRefreshes: maxRefreshes, logger: logger)
        let ending = await app.run()
        // The terminal is already restored; the operator is not kept waiting on the network.
        let closed = await finish(within: .seconds(3)) {
            await receiver?.stop()
            await runtime.close()
        }
        if !closed { logger.warning("still closing connections after 3 s; leaving anyway") }
        switch ending {
        case .quit, .refreshLimit:
            return
        case .signal(let signal):
            logger.info("exiting on signal")
            let code: Int32 =
                switch signal {
                case .interrupt: 130
                case .terminate: 143
                case .hangup: 129
                }
            throw ExitCode(code)
        }
    }
}

/// `confdash` with no subcommand: the dashboard against the configured space.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Open the live dashboard against your space (the default command).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var options: DashboardOptions

    @OptionGroup var callbacks: CallbackOptions

    /// The receiver's settings when it is asked for (flag, environment or profile); the signing
    /// key comes from the environment or the profile, never argv.
    func receiverSettings(_ settings: ResolvedSettings) throws -> CallbackReceiverSettings? {
        guard let listen = settings.callbackListen.value else { return nil }
        guard let key = settings.signingKey.value.value else {
            throw CLIError(
                message: "callback_listen (\(settings.callbackListen.source)) needs the project's Signing Key in "
                    + "\(ProfileResolution.signingKeyVariable) or signing_key in the profile", status: .usage)
        }
        let callbackURL = settings.callbackURL.value
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw CLIError(
                message: "callback_listen (\(settings.callbackListen.source)) must be HOST:PORT (got \(listen))", status: .usage)
        }
        return CallbackReceiverSettings(signingKey: key, host: String(listen[..<colon]), port: port, publicURL: callbackURL)
    }

    @Flag(
        help: "Every profile of the config file at once: one conference table with a SPACE column, each space polled with its own credentials (in the dashboard: :profile *).")
    var allProfiles = false

    func validate() throws {
        if allProfiles, connection.profile.profile != nil {
            throw ValidationError("--all-profiles shows every profile; leave out --profile")
        }
        if allProfiles, connection.space != nil {
            throw ValidationError("--all-profiles takes each profile's space from the config file; leave out --space")
        }
    }

    /// The receiver this dashboard runs when one is asked for (flag, environment, profile).
    func startReceiver(_ settings: ResolvedSettings, ledger: StreamLedger?, mailbox: DashboardApp.Mailbox) async throws
        -> CallbackServer?
    {
        guard let ledger, let receiverSettings = try receiverSettings(settings) else { return nil }
        let started = CallbackServer(
            settings: receiverSettings, ledger: ledger, logger: Logger(label: "confdash.callbacks"),
            onConferenceEvent: DashboardOptions.conferenceEvents(into: mailbox))
        do {
            try await started.start()
        } catch {
            throw CLIError(
                message: "cannot start the callback receiver on \(receiverSettings.host):\(receiverSettings.port): \(error)")
        }
        return started
    }

    @MainActor
    func run() async throws {
        LogSetup.toFile()
        var launchFlags = callbacks.flags(refresh: options.refresh)
        launchFlags.maxConcurrency = options.maxConcurrencyFlag
        let settings = try connection.resolve(launchFlags)
        let profiles = profileNames()
        if allProfiles, profiles.isEmpty {
            throw CLIError(
                message: "--all-profiles needs profiles in \(ProfileConfigFile.defaultPath(ProcessInfo.processInfo.environment).path) (it has none)",
                status: .usage)
        }
        // Every space at once needs no connection of the launch's own: each profile brings its own.
        var client: CompatClient?
        if !allProfiles {
            do {
                client = try connection.makeClient(
                    settings: settings, retryPolicy: RetryPolicy(maxAttempts: 2), timeout: .seconds(5), leanReads: true)
            } catch let error as CompatError {
                throw CLIError(error, mutation: false)
            }
        }
        let (ledger, problem) = options.openLedger(settings: settings)
        let mailbox = DashboardApp.Mailbox()
        let receiver: CallbackServer?
        do {
            receiver = try await startReceiver(settings, ledger: ledger, mailbox: mailbox)
        } catch {
            await client?.shutdown()
            throw error
        }
        // A team's receiver (`confdash receiver`) stands at callback_url: starts name it even
        // when this dashboard runs no receiver of its own. Each profile has its own route there,
        // checked with its own key: a switch takes the new profile's.
        let ownReceiverURL = await receiver?.callbackURL
        let callbackURL = ownReceiverURL ?? settings.callbackURL.value
        var switchFlags = ProfileFlags(refresh: options.refresh)
        switchFlags.maxConcurrency = options.maxConcurrencyFlag
        let session: DashboardSession
        do {
            if let client {
                session = try options.makeSession(
                    client: client, space: client.endpoint.host, account: client.credentials.projectID, ledger: ledger,
                    mailbox: mailbox, refresh: settings.refresh.value, readOnly: settings.readOnly.value,
                    profile: settings.profileName.value, profiles: profiles,
                    keyOverrides: settings.keyOverrides.value, streamsUnavailable: settings.streamsUnavailableReason,
                    callbackURL: callbackURL, startView: options.view, defaultView: settings.defaultView.value)
            } else {
                session = try await options.makeEverySpaceSession(
                    connection: connection, flags: switchFlags, profiles: profiles, ledger: ledger, mailbox: mailbox,
                    receiver: receiver, keyOverrides: settings.keyOverrides.value,
                    startView: options.view)
            }
        } catch {
            // Refused before the screen opened (an unknown --view, bad key overrides): nothing of
            // the run is left behind.
            await receiver?.stop()
            await client?.shutdown()
            throw error
        }
        let connection = self.connection
        let options = self.options
        let flags = switchFlags
        let keyOverrides = settings.keyOverrides.value
        try await options.runDashboard(
            session, mailbox: mailbox, ledgerProblem: problem, receiver: receiver,
            switchProfile: { [receiver] name in
                if name == everyProfile {
                    return try await options.makeEverySpaceSession(
                        connection: connection, flags: flags, profiles: profiles, ledger: ledger, mailbox: mailbox,
                        receiver: receiver, keyOverrides: keyOverrides, startView: nil)
                }
                // The launch's --space and SIGNALWIRE_* variables chose the launch profile's
                // connection; the profile asked for by name is taken as the file defines it.
                let (settings, client) = try connection.dashboardClient(profile: name, flags: flags)
                if let receiver, let key = settings.signingKey.value.value { await receiver.trust(signingKey: key) }
                do {
                    return try options.makeSession(
                        client: client, space: client.endpoint.host, account: client.credentials.projectID,
                        ledger: ledger, mailbox: mailbox, refresh: settings.refresh.value,
                        readOnly: settings.readOnly.value, profile: name, profiles: profiles,
                        keyOverrides: settings.keyOverrides.value, streamsUnavailable: settings.streamsUnavailableReason,
                        callbackURL: ownReceiverURL ?? settings.callbackURL.value, defaultView: settings.defaultView.value)
                } catch {
                    await client.shutdown()
                    throw error
                }
            })
    }

    /// The profiles of the config file, for `:profile`'s list; none when there is no file.
    func profileNames() -> [String] {
        let path = ProfileConfigFile.defaultPath(ProcessInfo.processInfo.environment)
        return ((try? ProfileConfigFile.load(path))??.profiles.keys.sorted()) ?? []
    }
}

/// `confdash demo`: the built-in emulator in-process, seeded and churning, and the dashboard
/// against it over real HTTP.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Open the dashboard on the built-in emulator (no account needed).")

    @Option(help: "Seed for the generated world.")
    var seed: UInt64 = 7

    @Option(help: "How many conferences the world starts with.")
    var conferences = 40

    @Flag(inversion: .prefixedNo, help: "Keep the world moving.")
    var churn = true

    @Flag(help: "Read-only: every action that would change the (emulated) service is off.")
    var readonly = false

    @OptionGroup var options: DashboardOptions

    @MainActor
    func run() async throws {
        LogSetup.toFile()
        var configuration = EmulatorConfiguration(seed: seed, conferences: conferences, churn: churn)
        configuration.port = 0
        let server = try await EmulatorServer.start(configuration, logger: Logger(label: "confdash.emulator"))
        let client = CompatClient(
            endpoint: try Endpoint(server.baseURL),
            credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
            requestTimeout: .seconds(5), retryPolicy: RetryPolicy(maxAttempts: 2),
            maxConcurrency: options.maxConcurrencyFlag ?? ConcurrencyLevel.defaultCeiling, logger: Logger(label: "confdash.api"),
            leanReads: true,
            idleConnectionTimeout: CompatClient.idleConnectionTimeout(
                refreshSeconds: options.refresh ?? ProfileResolution.defaultRefresh))
        // The demo turns the callback receiver on: the emulator signs with the demo signing key and
        // calls it, so streams go queued, in progress, stopped on screen, and (as an
        // application's cXML would ask) every conference's events reach it: joins, leaves,
        // mutes and who is speaking show at once.
        let (ledger, problem) = options.openLedger()
        let mailbox = DashboardApp.Mailbox()
        var receiver: CallbackServer?
        if let ledger {
            let started = CallbackServer(
                settings: CallbackReceiverSettings(signingKey: configuration.signingKey), ledger: ledger,
                logger: Logger(label: "confdash.callbacks"), onConferenceEvent: DashboardOptions.conferenceEvents(into: mailbox))
            try await started.start()
            receiver = started
            await server.setConferenceEvents(ConferenceEventSubscription(url: await started.conferenceEventsURL))
        }
        do {
            let session: DashboardSession
            do {
                session = try options.makeSession(
                    client: client, space: "demo (emulator on port \(server.port))", account: configuration.accountSid,
                    ledger: ledger, mailbox: mailbox, refresh: options.refresh ?? ProfileResolution.defaultRefresh,
                    readOnly: readonly, callbackURL: await receiver?.callbackURL, layoutName: "demo", startView: options.view)
            } catch {
                await receiver?.stop()
                await client.shutdown()
                throw error
            }
            try await options.runDashboard(session, mailbox: mailbox, ledgerProblem: problem, receiver: receiver)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
