import Dashboard
import Foundation
import Logging

/// The dashboard's run loop: terminal events and service results become messages, `update`
/// changes the state, the view renders a frame and the terminal writes only what changed.
/// Sleeps whenever nothing happens.
@MainActor
public final class DashboardApp {
    /// Why the loop ended, for the exit status and the last words on the restored terminal.
    public enum Ending: Equatable, Sendable {
        case quit
        case signal(TerminalSignal)
        case refreshLimit
    }

    let terminal: Terminal
    var services: DashboardServices
    /// Closes what the current session holds open (its client, its receiver) when a profile
    /// switch replaces it.
    public private(set) var closeSession: @Sendable () async -> Void
    let switchProfile: ProfileSwitcher?
    var polling: Task<Void, Never>?
    var switching: Task<Void, Never>?
    let now: @Sendable () -> Date
    let maxRefreshes: Int?
    let logger: Logger
    var state: AppState
    var view = DashboardView()
    let mailbox: Mailbox
    var wakeTask: Task<Void, Never>?
    var wakeAt: Date?
    var refreshes = 0
    /// The table's window as last told to the poller, and how many times it was told.
    var windowShown: Set<String>?
    var windowVersion = 0
    /// Measurements for benchmarks, logged when the loop ends.
    var stats = SessionStats()

    /// What reaches the loop: the core's messages, a signal that ends it, or a profile switch
    /// that has connected (or could not).
    enum Input: Sendable {
        case message(Msg)
        case ended(TerminalSignal)
        case switched(DashboardSession)
        case switchFailed(profile: String, reason: String)
    }

    /// Connects under a profile of the config file, for `:profile NAME`; throws an error whose
    /// description is the operator's explanation.
    public typealias ProfileSwitcher = @Sendable (String) async throws -> DashboardSession

    /// Where the service layer posts its messages (the poller's `emit`), in arrival order.
    public final class Mailbox: Sendable {
        let inputs: AsyncStream<Input>
        let continuation: AsyncStream<Input>.Continuation

        public init() {
            (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        }

        public func post(_ msg: Msg) { continuation.yield(.message(msg)) }
        func end(_ signal: TerminalSignal) { continuation.yield(.ended(signal)) }
        func deliver(_ input: Input) { continuation.yield(input) }
    }

    public init(
        state: AppState, terminal: Terminal, services: DashboardServices, mailbox: Mailbox,
        now: @escaping @Sendable () -> Date = { Date() }, maxRefreshes: Int? = nil,
        logger: Logger = Logger(label: "confdash.ui"), closeSession: @escaping @Sendable () async -> Void = {},
        switchProfile: ProfileSwitcher? = nil
    ) {
        self.state = state
        self.terminal = terminal
        self.services = services
        self.closeSession = closeSession
        self.switchProfile = switchProfile
        self.mailbox = mailbox
        self.now = now
        self.maxRefreshes = maxRefreshes
        self.logger = logger
    }

    /// Runs until the operator quits, a signal arrives or the refresh limit is reached. The
    /// terminal is restored before this returns, whatever happened.
    public func run() async -> Ending {
        terminal.start()
        defer { terminal.stop() }
        view.glyphs = terminal.glyphs
        let size = terminal.size
        _ = update(&state, .resized(width: size.width, height: size.height))
        draw()
        stats.firstFrame = ContinuousClock.now - stats.started
        defer { logger.info("session stats", metadata: stats.metadata(terminal)) }

        let mailbox = self.mailbox
        let events = terminal.events
        let forwarder = Task { @MainActor in
            for await event in events {
                switch event {
                case .key(let key): mailbox.post(.key(key))
                case .resize(let size): mailbox.post(.resized(width: size.width, height: size.height))
                case .signal(let signal): mailbox.end(signal)
                }
            }
        }
        startPolling()
        defer {
            forwarder.cancel()
            polling?.cancel()
            switching?.cancel()
            wakeTask?.cancel()
        }

        for await input in mailbox.inputs {
            var msg: Msg
            switch input {
            case .message(let message):
                msg = message
            case .ended(let signal):
                logger.info("ending on a signal", metadata: ["signal": "\(signal)"])
                return .signal(signal)
            case .switched(let session):
                adopt(session)
                draw()
                scheduleWake()
                continue
            case .switchFailed(let profile, let reason):
                switching = nil
                msg = .actionFinished(ActionOutcome(summary: "cannot switch to profile \(profile): \(reason)", ok: false))
            }
            let received = ContinuousClock.now
            if case .tick = msg { msg = .tick(now()) }
            let effects = update(&state, msg)
            for effect in effects {
                switch effect {
                case .quit: return .quit
                case .copyToClipboard(let text): terminal.copyToClipboard(text)
                case .switchProfile(let name): beginSwitch(to: name)
                default: services.perform(effect)
                }
            }
            switch msg {
            case .pollSucceeded, .pollFailed:
                refreshes += 1
            default: break
            }
            draw()
            if case .key = msg { stats.keyToFrame.append(ContinuousClock.now - received) }
            showWindow()
            if let maxRefreshes, refreshes >= maxRefreshes { return .refreshLimit }
            scheduleWake()
        }
        return .quit
    }

    func draw() {
        terminal.draw(view.render(state, size: terminal.size))
    }

    /// Tells the poller when the table's window changed (a scroll, a filter, a refresh that
    /// reordered rows): the conferences in it are the ones kept freshest.
    func showWindow() {
        let window = state.conferencesInView
        guard window != windowShown else { return }
        windowShown = window
        windowVersion += 1
        services.show(window, version: windowVersion)
    }

    func startPolling() {
        let services = self.services
        polling = Task { await services.run() }
    }

    /// Connects under another profile off the loop; the current session stays on screen and
    /// keeps polling until the new one is ready, and stays for good if it cannot be.
    func beginSwitch(to profile: String) {
        guard let switchProfile else {
            _ = update(
                &state,
                .actionFinished(
                    ActionOutcome(summary: "profiles are for a real space; the demo runs on the built-in emulator", ok: false)))
            return
        }
        guard switching == nil else {
            _ = update(&state, .actionFinished(ActionOutcome(summary: "a profile switch is already under way", ok: false)))
            return
        }
        let mailbox = self.mailbox
        switching = Task {
            do {
                let session = try await switchProfile(profile)
                if Task.isCancelled {
                    await session.close()
                    return
                }
                mailbox.deliver(.switched(session))
            } catch {
                mailbox.deliver(.switchFailed(profile: profile, reason: "\(error)"))
            }
        }
    }

    /// Replaces the session: the old poller stops and its client closes; the screen starts
    /// over on the new space's conference list.
    func adopt(_ session: DashboardSession) {
        switching = nil
        polling?.cancel()
        let close = closeSession
        Task { await close() }
        services = session.services
        windowShown = nil
        closeSession = session.close
        let size = terminal.size
        state = session.state
        _ = update(&state, .resized(width: size.width, height: size.height))
        _ = update(
            &state,
            .actionFinished(ActionOutcome(summary: "switched to profile \(session.state.profile ?? "?")", ok: true)))
        logger.info("profile switched", metadata: ["profile": "\(session.state.profile ?? "-")"])
        startPolling()
    }

    /// Wakes the loop when a status message or highlight ends, never on a fixed beat.
    func scheduleWake() {
        guard let next = state.nextWake else {
            wakeTask?.cancel()
            wakeTask = nil
            wakeAt = nil
            return
        }
        if next == wakeAt { return }
        wakeTask?.cancel()
        wakeAt = next
        let delay = max(0.01, next.timeIntervalSince(now()))
        let mailbox = self.mailbox
        wakeTask = Task {
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            if !Task.isCancelled { mailbox.post(.tick(Date())) }
        }
    }
}

/// What one dashboard session measured: start to first frame, key press to frame on screen,
/// frames written and skipped as unchanged.
struct SessionStats {
    let started = ContinuousClock.now
    var firstFrame: Duration = .zero
    var keyToFrame: [Duration] = []

    @MainActor
    func metadata(_ terminal: Terminal) -> Logger.Metadata {
        let sorted = keyToFrame.sorted()
        func ms(_ d: Duration) -> String { String(format: "%.2f", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "-" : ms(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        return [
            "first_frame_ms": "\(ms(firstFrame))", "keys": "\(sorted.count)", "key_to_frame_p50_ms": "\(percentile(0.5))",
            "key_to_frame_p99_ms": "\(percentile(0.99))", "key_to_frame_max_ms": "\(sorted.last.map(ms) ?? "-")",
            "frames_written": "\(terminal.framesWritten)", "frames_skipped": "\(terminal.framesSkipped)",
        ]
    }
}

/// Everything one profile's dashboard runs on: its first state (space, account, keymap,
/// read-only), its services (poller and actions on its own client) and how to close them.
public struct DashboardSession: Sendable {
    public var state: AppState
    public var services: DashboardServices
    public var close: @Sendable () async -> Void

    public init(state: AppState, services: DashboardServices, close: @escaping @Sendable () async -> Void) {
        self.state = state
        self.services = services
        self.close = close
    }
}
