import CallbackReceiver
import CompatAPI
import DashboardCore
import DashboardRuntime
import Foundation
import Ledger
import Logging
import Profiles
import TerminalUI

extension DashboardOptions {
    /// Every profile of the config file at once (`--all-profiles`, `:profile *`): each profile
    /// with its own client (credentials, concurrency, refresh) and read-only setting, the one
    /// store of the launch for all, one table. A profile that cannot connect (no token, a bad
    /// space) is shown failing with why; if none can, nothing starts.
    func makeEverySpaceSession(
        connection: ConnectionOptions, flags: ProfileFlags, profiles: [String], ledger: StreamLedger?,
        mailbox: DashboardApp.Mailbox, receiver: CallbackServer?, keyOverrides: [String: String],
        startView: String?
    ) async throws -> DashboardSession {
        var (layoutFile, layout, layoutProblem) = try Self.layout(
            named: everyProfile, for: "every profile (--all-profiles)", startView: startView)
        layout.everySpace = true
        struct Connected {
            var name: String
            var settings: ResolvedSettings
            var client: CompatClient
        }
        var connected: [Connected] = []
        var planned: [SpaceHealth] = []
        var sameSpace: [String] = []
        for name in profiles {
            do {
                // Each profile as the config file defines it (as `:profile NAME` takes it).
                let (settings, client) = try connection.dashboardClient(profile: name, flags: flags)
                // Two profiles of one project (a read-only one beside one that acts, say) are one
                // space: its conferences show once, under the first; acting goes through that one.
                if let same = connected.first(where: {
                    $0.client.endpoint.baseURL == client.endpoint.baseURL
                        && $0.client.credentials.projectID == client.credentials.projectID
                }) {
                    await client.shutdown()
                    sameSpace.append("\(name) is the same space as \(same.name)")
                    continue
                }
                if let receiver, let key = settings.signingKey.value.value { await receiver.trust(signingKey: key) }
                connected.append(Connected(name: name, settings: settings, client: client))
                // This dashboard's receiver (it trusts every profile's key), else the profile's
                // own team receiver route.
                planned.append(
                    SpaceHealth(
                        name: name, readOnly: settings.readOnly.value,
                        callbackURL: await receiver?.callbackURL ?? settings.callbackURL.value,
                        refresh: settings.refresh.value))
            } catch {
                // Read-only until it can say otherwise: nothing is sent to a profile not understood.
                planned.append(SpaceHealth(name: name, readOnly: true, problem: "cannot connect: \(error)"))
            }
        }
        let clients = connected.map(\.client)
        guard !connected.isEmpty else {
            throw CLIError(
                message: "no profile can connect: "
                    + planned.map { "\($0.name): \($0.problem ?? "?")" }.joined(separator: "; "), status: .usage)
        }
        let merger = SpaceMerger(spaces: planned, post: { mailbox.post($0) })
        var spaces: [SpacesServices.Space] = []
        for plan in planned {
            guard let space = connected.first(where: { $0.name == plan.name }) else {
                spaces.append(SpacesServices.Space(name: plan.name, readOnly: plan.readOnly, problem: plan.problem ?? "?"))
                continue
            }
            // The first space to connect keeps the store's feed, the audit trail and the layout.
            let home = space.name == connected[0].name
            let services = makeServices(
                client: space.client, ledger: ledger, mailbox: mailbox, refresh: space.settings.refresh.value,
                readOnly: space.settings.readOnly.value, profile: space.name, callbackURL: plan.callbackURL,
                layoutFile: home ? layoutFile : nil, followsStore: home, post: merger.poster(for: space.name))
            spaces.append(SpacesServices.Space(name: space.name, readOnly: space.settings.readOnly.value, services: services))
        }
        let services = SpacesServices(spaces: spaces, merger: merger, post: { mailbox.post($0) })
        var state = AppState(space: "every profile", account: "", now: Date())
        state.layout = layout
        if let name = startView, applyView(&state, name).contains(.saveLayout(state.layout)) {
            services.perform(.saveLayout(state.layout))
        }
        if !sameSpace.isEmpty {
            state.status = StatusMessage(
                text: sameSpace.joined(separator: "; ") + ": shown once", severity: .info,
                expires: state.now.addingTimeInterval(10))
        }
        if let layoutProblem { _ = update(&state, .layoutNotSaved(layoutProblem)) }
        state.spaces = merger.health
        state.profiles = profiles
        // The stream form takes each row's own space's URL (`streamCallbackURL`); this one says
        // whether status callbacks reach anyone at all.
        state.callbackURL = planned.lazy.compactMap(\.callbackURL).first
        state.refreshInterval = connected.map(\.settings.refresh.value).min() ?? ProfileResolution.defaultRefresh
        // Stream keys are off only when no space has conference streams (every one is Twilio);
        // otherwise a Twilio space refuses them itself.
        let unavailable = connected.map(\.settings.streamsUnavailableReason)
        state.streamsUnavailable = unavailable.allSatisfy { $0 != nil } ? unavailable.first ?? nil : nil
        do {
            state.keymap = try Keymap.standard.applying(overrides: keyOverrides)
        } catch {
            for client in clients { await client.shutdown() }
            throw CLIError(message: "key overrides in the profile: \(error)", status: .usage)
        }
        Logger(label: "confdash.ui").info(
            "every profile at once", metadata: ["spaces": "\(planned.map(\.name).joined(separator: ","))"])
        return DashboardSession(
            state: state, services: services,
            close: {
                for client in clients { await client.shutdown() }
            })
    }
}
