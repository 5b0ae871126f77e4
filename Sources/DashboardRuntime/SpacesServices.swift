import CompatAPI
import DashboardCore
import Foundation
import Synchronization

/// Every space of the config file at once (`confdash --all-profiles`, `:profile *`): each
/// profile polled by its own `DashboardServices` (its client, credentials, concurrency and
/// read-only setting), their answers merged into one table, and every action sent to the space
/// its conference belongs to. A space that fails keeps its last rows (marked) and never holds
/// the others back.
public final class SpacesServices: SessionServices {
    /// One profile of the config file: its services, or why it could not connect at all.
    public struct Space: Sendable {
        public var name: String
        public var readOnly: Bool
        public var services: DashboardServices?
        public var problem: String?

        public init(name: String, readOnly: Bool, services: DashboardServices) {
            self.name = name
            self.readOnly = readOnly
            self.services = services
        }

        /// A profile that could not even connect (no token, a bad URL): shown as failing.
        public init(name: String, readOnly: Bool, problem: String) {
            self.name = name
            self.readOnly = readOnly
            self.problem = problem
        }
    }

    let spaces: [Space]
    let merger: SpaceMerger
    let post: @Sendable (Msg) -> Void

    /// `spaces` in the config file's order; the first one's services follow the store (the one
    /// store every space shares) and read the audit trail.
    public init(spaces: [Space], merger: SpaceMerger, post: @escaping @Sendable (Msg) -> Void) {
        self.spaces = spaces
        self.merger = merger
        self.post = post
    }

    /// The health each space starts with, for the first state.
    public var initialHealth: [SpaceHealth] { merger.health }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for space in spaces {
                if let services = space.services { group.addTask { await services.run() } }
            }
        }
    }

    public func show(_ conferences: Set<String>, version: Int) {
        for space in spaces { space.services?.show(conferences, version: version) }
    }

    /// The services that keep the store and the local things (exports, the layout): the first
    /// space that connected.
    var home: DashboardServices? { spaces.lazy.compactMap(\.services).first }

    public func perform(_ effect: Effect) {
        switch effect {
        case .refreshNow, .setPaused:
            for space in spaces { space.services?.perform(effect) }
        case .watch(let conference):
            // Only the open conference's own space reads it in full.
            let owner = conference.flatMap(merger.space(of:))
            for space in spaces { space.services?.perform(.watch(space.name == owner ? conference : nil)) }
        case .conferenceChanged(let conference):
            // An event about a conference no list has shown yet: every space may own it.
            if let owner = merger.space(of: conference) {
                services(named: owner)?.perform(effect)
            } else {
                for space in spaces { space.services?.perform(effect) }
            }
        case .conferencesEnded, .loadAudit, .exportTable, .saveLayout, .copyToClipboard, .setMouse, .switchProfile, .quit:
            home?.perform(effect)
        default:
            route(effect)
        }
    }

    func services(named name: String) -> DashboardServices? { spaces.first { $0.name == name }?.services }

    /// An action on a conference goes to that conference's space, and only there. One whose
    /// space is not known (or could not connect) is refused in words: sent to a guess it could
    /// reach the wrong account.
    func route(_ effect: Effect) {
        guard let conference = effect.conference else { return home?.perform(effect) ?? () }
        guard let name = merger.space(of: conference) else {
            return refuse(effect, "conference \(conference) is in no space this dashboard has listed; nothing was sent")
        }
        guard let services = services(named: name) else {
            let problem = spaces.first { $0.name == name }?.problem ?? "it is not connected"
            return refuse(effect, "space \(name) cannot be reached (\(problem)); nothing was sent")
        }
        services.perform(effect)
    }

    func refuse(_ effect: Effect, _ why: String) {
        switch effect {
        case .startStream(let conference, _, let request):
            post(.streamStartFailed(conference: conference, name: request.name, message: why))
        case .startCallStream(let conference, _, _, let request):
            post(.streamStartFailed(conference: conference, name: request.name, message: why))
        case .stopStream(let conference, let stream):
            post(
                .streamStopFinished(
                    StreamStopReport(
                        sid: stream, name: nil, outcome: .refused(why), error: why, conferenceSid: conference, requested: stream)))
        case .setMuted(_, let call, _), .setHold(_, let call, _, _), .removeParticipant(_, let call):
            post(.actionFinished(ActionOutcome(summary: why, ok: false, callSid: call)))
        default:
            post(.actionFinished(ActionOutcome(summary: why, ok: false)))
        }
    }
}

extension Effect {
    /// The conference an action is about, by sid: it decides the space the action goes to.
    var conference: String? {
        switch self {
        case .startStream(let conference, _, _), .startCallStream(let conference, _, _, _), .stopStream(let conference, _),
            .trackStream(let conference, _), .recordSettlement(let conference, _, _, _), .endConference(let conference),
            .announce(let conference, _, _), .setMuted(let conference, _, _), .setHold(let conference, _, _, _),
            .removeParticipant(let conference, _), .pauseRecording(let conference, _, _), .resumeRecording(let conference, _),
            .stopRecording(let conference, _), .deleteRecording(let conference, _), .recordCall(let conference, _, _),
            .updateCallRecording(let conference, _, _, _), .deleteCallRecording(let conference, _, _),
            .coach(let conference, _, _), .stopCoaching(let conference, _), .announceToParticipant(let conference, _, _, _),
            .conferenceChanged(let conference):
            conference
        case .watch(let conference):
            conference
        case .refreshNow, .setPaused, .conferencesEnded, .copyToClipboard, .setMouse, .loadAudit, .switchProfile,
            .exportTable, .saveLayout, .quit:
            nil
        }
    }
}

/// Merges what each space's poller reports into what the screen takes from one: a poll's
/// answer becomes every space's latest conferences (the failing ones' kept as they were) with
/// the space of each, and a failed poll changes that space's health alone. The screen's
/// "offline" is for when every space fails.
public final class SpaceMerger: Sendable {
    struct Merged {
        var names: [String]
        var health: [SpaceHealth]
        /// Each space's conferences as its last answer listed them.
        var lists: [[Conference]]
        /// Each space's calls as last read (nil: never read).
        var calls: [CallBook?]
        /// The space of every conference listed, by sid.
        var spaceOf: [String: String] = [:]
        /// The failure each space last reported, for the combined one when every space fails.
        var failures: [(reason: String, attempt: Int, retryAt: Date)?]
    }

    let state: Mutex<Merged>
    let post: @Sendable (Msg) -> Void

    /// `spaces` in order, as they start: failing already when they could not connect at all.
    public init(spaces: [SpaceHealth], post: @escaping @Sendable (Msg) -> Void) {
        state = Mutex(
            Merged(
                names: spaces.map(\.name), health: spaces,
                lists: Array(repeating: [], count: spaces.count), calls: Array(repeating: nil, count: spaces.count),
                failures: Array(repeating: nil, count: spaces.count)))
        self.post = post
    }


    public var health: [SpaceHealth] { state.withLock { $0.health } }

    /// The space (profile name) the conference was listed in.
    public func space(of conference: String) -> String? { state.withLock { $0.spaceOf[conference] } }

    /// Where space `name`'s services post: through the merger.
    public func poster(for name: String) -> @Sendable (Msg) -> Void {
        { [self] msg in receive(msg, from: name) }
    }

    func receive(_ msg: Msg, from name: String) {
        switch msg {
        case .pollSucceeded(let snapshot, let at):
            let (merged, health) = merge(snapshot, from: name, at: at)
            if let health { post(.spacesChanged(health, at: at)) }
            post(.pollSucceeded(merged, at: at))
        case .conferencesListed(let snapshot, let at):
            let (merged, health) = merge(snapshot, from: name, at: at, answered: false)
            if let health { post(.spacesChanged(health, at: at)) }
            post(.conferencesListed(merged, at: at))
        case .pollFailed(let reason, let attempt, let retryAt, let at):
            let (health, everyOne) = state.withLock { merged -> ([SpaceHealth], (String, Int, Date)?) in
                guard let index = merged.names.firstIndex(of: name) else { return (merged.health, nil) }
                merged.failures[index] = (reason, attempt, retryAt)
                merged.health[index].problem = reason
                merged.health[index].retryAt = retryAt
                merged.health[index].attempt = attempt
                guard merged.health.allSatisfy(\.failing) else { return (merged.health, nil) }
                // Every space fails: the screen's own poll state says so (retrying, then offline),
                // counting from the space that has failed least.
                let failures = merged.failures.compactMap { $0 }
                let attempts = failures.map(\.attempt).min() ?? attempt
                let soonest = failures.map(\.retryAt).min() ?? retryAt
                return (merged.health, ("every space is failing", attempts, soonest))
            }
            post(.spacesChanged(health, at: at))
            if let (reason, attempts, soonest) = everyOne {
                post(.pollFailed(reason: reason, attempt: attempts, retryAt: soonest, at: at))
            }
        default:
            post(msg)
        }
    }

    /// The screen's snapshot for space `name`'s answer, and the spaces' health when it changed.
    /// `answered` false: the rows of a first poll, its participants still being read.
    func merge(_ snapshot: PollSnapshot, from name: String, at: Date, answered: Bool = true) -> (PollSnapshot, [SpaceHealth]?) {
        state.withLock { merged in
            var out = snapshot
            guard let index = merged.names.firstIndex(of: name) else { return (out, nil) }
            var healthChanged: [SpaceHealth]?
            // `conferencesListed` takes it as "listed, still reading participants".
            out.answeredBy = name
            if answered, merged.health[index].failing {
                merged.health[index].problem = nil
                merged.health[index].retryAt = nil
                merged.health[index].attempt = 0
                merged.failures[index] = nil
                healthChanged = merged.health
            }
            let listChanged = !snapshot.sameConferences
            if listChanged {
                merged.lists[index] = snapshot.conferences
                var spaceOf: [String: String] = [:]
                for (position, list) in merged.lists.enumerated() {
                    // A sid listed by two spaces (never for the service's own sids; two emulators
                    // with one seed) belongs to the first, as the table keeps the first's row.
                    for conference in list where spaceOf[conference.sid] == nil { spaceOf[conference.sid] = merged.names[position] }
                }
                merged.spaceOf = spaceOf
                out.spaces = spaceOf
                out.sameConferences = false
            }
            out.conferences = merged.lists.flatMap { $0 }
            if let calls = snapshot.calls {
                merged.calls[index] = calls
                out.calls = merged.calls.reduce(CallBook()) { all, calls in calls.map(all.merging) ?? all }
            }
            return (out, healthChanged)
        }
    }
}
