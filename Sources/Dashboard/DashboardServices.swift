import CompatAPI
import Foundation
import Ledger
import Logging

/// The service layer behind the dashboard: carries out `update`'s effects (polling, stream
/// starts and stops, the ledger) off the UI and reports every result as a `Msg`. The screen
/// never waits on any of it.
public final class DashboardServices: Sendable {
    public let poller: ConferencePoller
    let actions: OperatorActions?
    let post: @Sendable (Msg) -> Void
    let logger: Logger

    /// `actions` is nil when the ledger could not be opened: every mutating action then explains
    /// why (none may go unaudited).
    public init(poller: ConferencePoller, actions: OperatorActions?, logger: Logger, post: @escaping @Sendable (Msg) -> Void) {
        self.poller = poller
        self.actions = actions
        self.post = post
        self.logger = logger
    }

    /// Polls, and follows the ledger (writes by this process, by callbacks and by other
    /// processes), until the task running it is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.poller.run() }
            if let ledger = actions?.ledger {
                group.addTask {
                    for await _ in ledger.changes() {
                        if Task.isCancelled { break }
                        await self.reportStreams(ledger)
                    }
                }
            }
        }
    }

    func reportStreams(_ ledger: StreamLedger) async {
        do {
            post(.streamsChanged(try await ledger.streams()))
        } catch {
            logger.warning("cannot read the stream ledger", metadata: ["error": "\(error)"])
        }
    }

    /// Tells the poller which conferences are in the table's window (numbered, newest wins).
    public func show(_ conferences: Set<String>, version: Int) {
        Task { await poller.show(conferences, version: version) }
    }

    /// Carries out one effect; `.quit` is the run loop's own.
    public func perform(_ effect: Effect) {
        let post = self.post
        switch effect {
        case .quit:
            return
        case .refreshNow:
            Task { await poller.refreshNow() }
        case .setPaused(let paused):
            Task { await poller.setPaused(paused) }
        case .watch(let conference):
            Task { await poller.watch(conference) }
        case .startStream(let conference, let conferenceName, let request):
            guard let actions else { return post(.streamStartFailed("the stream ledger is not open, so no stream can be started")) }
            Task {
                let result = await actions.startStream(conference: conference, conferenceName: conferenceName, request)
                if let record = result.value {
                    post(.streamStarted(record))
                } else {
                    post(.streamStartFailed(result.message))
                }
            }
        case .stopStream(let conference, let stream):
            guard let actions else { return post(.streamStopFinished(.init(sid: stream, name: nil, outcome: .refused("no ledger"), error: "the stream ledger is not open"))) }
            Task {
                let result = await actions.stopStream(conference: conference, stream: stream)
                post(
                    .streamStopFinished(
                        result.value
                            ?? .init(sid: stream, name: nil, outcome: .refused(result.message), error: result.message)))
            }
        case .trackStream(let conference, let sid):
            guard let actions else { return }
            Task {
                do {
                    try await actions.ledger.trackByHand(
                        sid: sid, conferenceSid: conference, accountSid: actions.client.credentials.projectID, name: nil,
                        at: Date())
                } catch {
                    logger.warning("cannot track a stream", metadata: ["sid": "\(sid)", "error": "\(error)"])
                }
            }
        case .endConference(let conference):
            act { await $0.endConference(conference: conference) }
        case .announce(let conference, let url, let method):
            act { await $0.announceConference(conference: conference, url: url, method: method) }
        case .setMuted(let conference, let call, let muted):
            act(call: call) { await $0.setMuted(conference: conference, call: call, muted) }
        case .setHold(let conference, let call, let hold, let holdUrl):
            act(call: call) { await $0.setHold(conference: conference, call: call, hold, holdUrl: holdUrl) }
        case .removeParticipant(let conference, let call):
            act(call: call) { await $0.removeParticipant(conference: conference, call: call) }
        case .loadAudit:
            guard let ledger = actions?.ledger else {
                return post(.auditLoaded([]))
            }
            Task {
                do {
                    post(.auditLoaded(try await ledger.auditEntries(limit: 500)))
                } catch {
                    logger.warning("cannot read the audit trail", metadata: ["error": "\(error)"])
                    post(.auditLoaded([]))
                }
            }
        case .copyToClipboard, .switchProfile:
            // The run loop's own: the terminal writes the clipboard (OSC 52), and a profile
            // switch replaces these services altogether.
            return
        case .conferencesEnded(let sids):
            guard let ledger = actions?.ledger else { return }
            Task {
                for sid in sids { _ = try? await ledger.markConferenceEnded(conferenceSid: sid, at: Date()) }
            }
        }
    }

    /// Runs a conference or participant action off the UI and reports how it ended.
    func act<Value: Sendable>(
        call: String? = nil, _ action: @escaping @Sendable (OperatorActions) async -> OperatorActionResult<Value>
    ) {
        let post = self.post
        guard let actions else {
            return post(
                .actionFinished(
                    ActionOutcome(summary: "the ledger is not open, so no action can be audited", ok: false, callSid: call)))
        }
        Task {
            let result = await action(actions)
            post(.actionFinished(ActionOutcome(summary: result.message, ok: result.succeeded, callSid: call)))
            // The next poll confirms what the service did; ask for it now rather than in two seconds.
            await poller.refreshNow()
        }
    }
}
