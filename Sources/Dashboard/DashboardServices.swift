import CompatAPI
import Foundation
import Ledger
import Logging

/// The service layer behind the dashboard: carries out `update`'s effects (polling, stream
/// starts and stops, the ledger) off the UI and reports every result as a `Msg`. The screen
/// never waits on any of it.
public final class DashboardServices: Sendable {
    public let poller: ConferencePoller
    let actions: StreamActions?
    let post: @Sendable (Msg) -> Void
    let logger: Logger

    /// `actions` is nil when the ledger could not be opened: stream actions then explain why.
    public init(poller: ConferencePoller, actions: StreamActions?, logger: Logger, post: @escaping @Sendable (Msg) -> Void) {
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
                do {
                    post(.streamStarted(try await actions.start(
                        conference: conference, conferenceName: conferenceName, request, from: .dashboard)))
                } catch let error as StreamActions.StartError {
                    post(.streamStartFailed(error.description))
                } catch {
                    post(.streamStartFailed(String(describing: error)))
                }
            }
        case .stopStream(let conference, let stream):
            guard let actions else { return post(.streamStopFinished(.init(sid: stream, name: nil, outcome: .refused("no ledger"), error: "the stream ledger is not open"))) }
            Task { post(.streamStopFinished(await actions.stop(conference: conference, stream: stream))) }
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
        case .conferencesEnded(let sids):
            guard let ledger = actions?.ledger else { return }
            Task {
                for sid in sids { _ = try? await ledger.markConferenceEnded(conferenceSid: sid, at: Date()) }
            }
        }
    }
}
