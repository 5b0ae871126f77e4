import DashboardCore
import Synchronization

/// Everything one profile's dashboard runs on: its first state (space, account, keymap,
/// read-only), its services (poller and actions on its own client) and how to close them.
public struct DashboardSession: Sendable {
    public var state: AppState
    public var services: any SessionServices
    public var close: @Sendable () async -> Void

    public init(state: AppState, services: any SessionServices, close: @escaping @Sendable () async -> Void) {
        self.state = state
        self.services = services
        self.close = close
    }
}

/// The dashboard's effects, carried out on the current session's services, and `:profile NAME`,
/// which connects under another profile off the loop and then replaces the session whole. The
/// current session stays on screen and keeps polling until the new one is ready, and stays for
/// good if it cannot be.
public final class DashboardRuntime: EffectHandler {
    /// Connects under a profile of the config file; throws an error whose description is the
    /// operator's explanation.
    public typealias ProfileSwitcher = @Sendable (String) async throws -> DashboardSession

    struct Running {
        var session: DashboardSession
        var polling: Task<Void, Never>?
        var switching: Task<Void, Never>?
        var closed = false
    }

    private let running: Mutex<Running>
    private let switchProfile: ProfileSwitcher?
    private let post: @Sendable (Msg) -> Void

    /// `switchProfile` nil: this dashboard has no profiles to switch to (the demo).
    public init(session: DashboardSession, switchProfile: ProfileSwitcher? = nil, post: @escaping @Sendable (Msg) -> Void) {
        running = Mutex(Running(session: session))
        self.switchProfile = switchProfile
        self.post = post
    }

    public var services: any SessionServices { running.withLock { $0.session.services } }

    public func start() {
        running.withLock { running in
            guard running.polling == nil, !running.closed else { return }
            let services = running.session.services
            running.polling = Task { await services.run() }
        }
    }

    public func perform(_ effect: Effect) {
        switch effect {
        case .switchProfile(let name): beginSwitch(to: name)
        default: services.perform(effect)
        }
    }

    public func show(_ conferences: Set<String>, version: Int) {
        services.show(conferences, version: version)
    }

    public func close() async {
        let (polling, switching, close) = running.withLock { running in
            running.closed = true
            defer {
                running.polling = nil
                running.switching = nil
            }
            return (running.polling, running.switching, running.session.close)
        }
        polling?.cancel()
        switching?.cancel()
        await close()
    }

    func beginSwitch(to profile: String) {
        guard let switchProfile else {
            return post(
                .actionFinished(ActionOutcome(summary: "profiles are for a real space; the demo runs on the built-in emulator", ok: false)))
        }
        let post = self.post
        let started: Bool = running.withLock { running in
            guard running.switching == nil, !running.closed else { return false }
            running.switching = Task {
                do {
                    let session = try await switchProfile(profile)
                    guard !Task.isCancelled, let old = self.adopt(session) else {
                        await session.close()
                        return
                    }
                    await old()
                } catch {
                    self.running.withLock { $0.switching = nil }
                    post(.actionFinished(ActionOutcome(summary: "cannot switch to profile \(profile): \(error)", ok: false)))
                }
            }
            return true
        }
        if !started {
            post(.actionFinished(ActionOutcome(summary: "a profile switch is already under way", ok: false)))
        }
    }

    /// Puts `session` in place of the current one and starts its polling; returns how to close
    /// the old one, or nil when the runtime closed meanwhile. The screen is told before the new
    /// poller can report anything, so no result of the new space reaches the old state.
    private func adopt(_ session: DashboardSession) -> (@Sendable () async -> Void)? {
        running.withLock { running in
            guard !running.closed else { return nil }
            running.polling?.cancel()
            let old = running.session.close
            running.session = session
            running.switching = nil
            post(.profileSwitched(session.state))
            let services = session.services
            running.polling = Task { await services.run() }
            return old
        }
    }
}
