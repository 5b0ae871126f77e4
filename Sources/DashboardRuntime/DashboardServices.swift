import CompatAPI
import DashboardCore
import OperatorActions
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
    /// Conference events another process stored (the team receiver): handed to whoever turns
    /// them into messages (the dashboard's wiring), since their parsing lives with the receiver.
    let onConferenceEvents: @Sendable ([StoredConferenceEvent]) -> Void
    /// Where `:columns` and `:view save` are kept; nil: for this run only.
    let layoutFile: LayoutFile?
    /// Whether this one follows the store's change feed: of every space's services sharing one
    /// store, only one does (each would report every change again).
    let followsStore: Bool

    /// `actions` is nil when the ledger could not be opened: every mutating action then explains
    /// why (none may go unaudited).
    public init(
        poller: ConferencePoller, actions: OperatorActions?, logger: Logger,
        onConferenceEvents: @escaping @Sendable ([StoredConferenceEvent]) -> Void = { _ in },
        layoutFile: LayoutFile? = nil, followsStore: Bool = true, post: @escaping @Sendable (Msg) -> Void
    ) {
        self.followsStore = followsStore
        self.layoutFile = layoutFile
        self.poller = poller
        self.actions = actions
        self.post = post
        self.logger = logger
        self.onConferenceEvents = onConferenceEvents
    }

    /// Polls, and follows the ledger (writes by this process, by callbacks and by other
    /// processes), until the task running it is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.poller.run() }
            if followsStore, let ledger = actions?.ledger {
                group.addTask { await self.follow(ledger) }
            }
        }
    }

    /// Follows the store's change feed: one full read at the start and after the feed lost
    /// track, otherwise only what each batch names (a team's store may take a thousand
    /// callbacks a second; the dashboard re-reads the streams they name, not the ledger).
    func follow(_ ledger: StreamLedger) async {
        var problem: String?
        // This process's own writes show at once; another process's (a receiver of its own, a
        // command in another terminal) within a second. Asking SQLite twice a second was a
        // twentieth of an idle dashboard's CPU at 500 conferences.
        for await batch in ledger.changes(pollingEvery: .seconds(1)) {
            if Task.isCancelled { break }
            if let storeProblem = batch.storeProblem {
                if storeProblem != problem {
                    problem = storeProblem
                    post(.storeProblem(storeProblem))
                }
                continue
            }
            do {
                if batch.resync {
                    post(.streamsChanged(try await ledger.streams()))
                    post(.auditAppended(try await ledger.auditEntries(limit: 500).reversed()))
                } else if !batch.streams.isEmpty {
                    let changed = try await ledger.streams(sids: batch.streams)
                    post(.streamsUpdated(changed: changed, removed: batch.streams.subtracting(changed.map(\.sid))))
                }
                if !batch.resync, !batch.audit.isEmpty {
                    post(.auditAppended(try await ledger.auditEntries(ids: batch.audit)))
                }
                if !batch.conferenceEvents.isEmpty {
                    let events = try await ledger.conferenceEvents(ids: batch.conferenceEvents)
                    if !events.isEmpty { onConferenceEvents(events) }
                }
                if problem != nil {
                    problem = nil
                    post(.storeProblem(nil))
                }
            } catch {
                logger.warning("cannot read the store", metadata: ["error": "\(error)"])
                let words = "cannot read the store at \(ledger.location): \((error as? LedgerError)?.description ?? "\(error)")"
                if words != problem {
                    problem = words
                    post(.storeProblem(words))
                }
            }
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
        case .conferenceChanged(let conference):
            Task { await poller.conferenceChanged(conference) }
        case .startStream(let conference, let conferenceName, let request):
            guard let actions else {
                return post(
                    .streamStartFailed(
                        conference: conference, name: request.name,
                        message: "the stream ledger is not open, so no stream can be started"))
            }
            Task {
                // The name is chosen here when the operator left it empty, so a start sent again
                // after an unknown outcome goes under the same one.
                var request = request
                if (request.name ?? "").isEmpty { request.name = OperatorActions.generatedStreamName() }
                let result = await actions.startStream(conference: conference, conferenceName: conferenceName, request)
                post(
                    Self.startOutcome(
                        result, conference: conference, conferenceName: conferenceName, request: request, call: nil))
            }
        case .startCallStream(let conference, let conferenceName, let call, let request):
            guard let actions else {
                return post(
                    .streamStartFailed(
                        conference: conference, name: request.name,
                        message: "the stream ledger is not open, so no stream can be started"))
            }
            Task {
                // Named here, as a conference stream is, so that a start sent again after an
                // unknown outcome goes to the same call under the same name.
                var request = request
                if (request.name ?? "").isEmpty { request.name = OperatorActions.generatedStreamName() }
                let result = await actions.startCallStream(
                    conference: conference, conferenceName: conferenceName, call: call, request)
                // Kept as the conference stream's shape (no codec, no real time), with the call.
                let sent = StartStreamRequest(
                    url: request.url, name: request.name, track: request.track, statusCallback: request.statusCallback,
                    statusCallbackMethod: request.statusCallbackMethod, bearerToken: request.bearerToken,
                    parameters: request.parameters)
                post(
                    Self.startOutcome(result, conference: conference, conferenceName: conferenceName, request: sent, call: call))
            }
        case .stopStream(let conference, let stream):
            guard let actions else {
                return post(
                    .streamStopFinished(
                        StreamStopReport(
                            sid: stream, name: nil, outcome: .refused("the stream ledger is not open"),
                            error: "the stream ledger is not open", conferenceSid: conference, requested: stream)))
            }
            Task {
                let result = await actions.stopStream(conference: conference, stream: stream)
                let stop = result.value
                post(
                    .streamStopFinished(
                        StreamStopReport(
                            sid: stop?.sid ?? stream, name: stop?.name, outcome: stop?.outcome ?? .refused(result.message),
                            error: stop?.error ?? result.message, notRecorded: result.recordingProblem,
                            unknown: result.outcome == .unknown, conferenceSid: conference, requested: stream)))
            }
        case .exportTable(let path, let text, let rows, let table, let overwrite):
            // Off the run loop: a slow disk must not freeze the screen.
            Task.detached {
                post(
                    .exported(
                        path: path, text: text, rows: rows, table: table, TableExport.write(text, to: path, overwrite: overwrite)))
            }
        case .saveLayout(let layout):
            guard let layoutFile else { return }
            let logger = self.logger
            Task {
                do {
                    try await layoutFile.save(layout)
                } catch {
                    logger.warning("cannot keep the columns and views", metadata: ["file": "\(layoutFile.url.path)", "error": "\(error)"])
                    post(.layoutNotSaved("cannot write \(layoutFile.url.path) (\(LayoutFile.words(error)))"))
                }
            }
        case .trackStream(let conference, let sid):
            guard let actions else {
                return post(.actionFinished(ActionOutcome(summary: "the stream ledger is not open, so \(sid) is not tracked", ok: false)))
            }
            Task {
                let result = await actions.trackStream(conference: conference, sid: sid)
                post(
                    .actionFinished(
                        ActionOutcome(
                            summary: result.ledgerError.map { "\(result.message): the stream ledger did not record it (\($0))" }
                                ?? result.message,
                            ok: result.succeeded)))
            }
        case .endConference(let conference):
            act { await $0.endConference(conference: conference) }
        case .announce(let conference, let url, let method):
            act { await $0.announceConference(conference: conference, url: url, method: method) }
        case .setMuted(let conference, let call, let muted):
            act(call: call, conference: conference, change: .mute(muted)) {
                await $0.setMuted(conference: conference, call: call, muted)
            }
        case .setHold(let conference, let call, let hold, let holdUrl):
            act(call: call, conference: conference, change: .hold(hold)) {
                await $0.setHold(conference: conference, call: call, hold, holdUrl: holdUrl)
            }
        case .removeParticipant(let conference, let call):
            act(call: call, conference: conference, change: .remove) {
                await $0.removeParticipant(conference: conference, call: call)
            }
        case .pauseRecording(let conference, let recording, let behavior):
            act(recordingsOf: conference) { await $0.pauseRecording(conference: conference, recording: recording, behavior: behavior) }
        case .resumeRecording(let conference, let recording):
            act(recordingsOf: conference) { await $0.resumeRecording(conference: conference, recording: recording) }
        case .stopRecording(let conference, let recording):
            act(recordingsOf: conference) { await $0.stopRecording(conference: conference, recording: recording) }
        case .deleteRecording(let conference, let recording):
            act(recordingsOf: conference) { await $0.deleteRecording(conference: conference, recording: recording) }
        case .recordCall(let conference, let call, let request):
            callRecordingAction(conference: conference) { actions in
                let result = await actions.startCallRecording(conference: conference, call: call, request)
                // From now on the poller reads this call's recordings while its conference is open.
                if result.value != nil { await self.poller.readRecordings(ofCall: call, in: conference) }
                return result
            }
        case .updateCallRecording(let conference, let call, let recording, let change):
            callRecordingAction(conference: conference) {
                await $0.updateCallRecording(conference: conference, call: call, recording: recording, change)
            }
        case .deleteCallRecording(let conference, let call, let recording):
            guard let actions else {
                return post(.actionFinished(ActionOutcome(summary: "the ledger is not open, so no action can be audited", ok: false)))
            }
            Task {
                let result = await actions.deleteCallRecording(conference: conference, call: call, recording: recording)
                if result.succeeded { post(.callRecordingDeleted(conference: conference, sid: recording)) }
                post(
                    .actionFinished(
                        ActionOutcome(
                            summary: result.message, ok: result.succeeded, notRecorded: result.recordingProblem,
                            unknown: result.outcome == .unknown)))
            }
        case .coach(let conference, let coach, let coached):
            act { await $0.coach(conference: conference, coach: coach, callSidToCoach: coached) }
        case .stopCoaching(let conference, let call):
            act { await $0.stopCoaching(conference: conference, call: call) }
        case .announceToParticipant(let conference, let call, let url, let method):
            act { await $0.announceToParticipant(conference: conference, call: call, url: url, method: method) }
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
        case .copyToClipboard, .setMouse, .switchProfile:
            // The run loop's own (the terminal writes the clipboard, OSC 52) and the runtime's
            // (a profile switch replaces these services altogether).
            return
        case .recordSettlement(let conference, let call, let change, let happened):
            guard let actions else { return }
            let action: AuditAction =
                switch change {
                case .mute(let on): on ? .mute : .unmute
                case .hold(let on): on ? .hold : .unhold
                case .remove: .removeParticipant
                }
            let detail =
                happened
                ? "settled by a later read: the \(change.word) reached the service"
                : "settled by later reads: the \(change.word) did not happen"
            let logger = self.logger
            Task {
                if let problem = await actions.recordSettlement(
                    action, conference: conference, call: call, happened: happened, detail: detail)
                {
                    logger.warning("cannot audit a settlement", metadata: ["call": "\(call)", "error": "\(problem)"])
                    post(.actionFinished(ActionOutcome(summary: "the audit trail did not record the settlement (\(problem))", ok: false)))
                }
            }
        case .conferencesEnded(let sids):
            guard let ledger = actions?.ledger else { return }
            let logger = self.logger
            Task {
                for sid in sids {
                    do {
                        _ = try await ledger.markConferenceEnded(conferenceSid: sid, at: Date())
                    } catch {
                        logger.warning("cannot mark the streams of an ended conference", metadata: ["conference": "\(sid)", "error": "\(error)"])
                        post(.actionFinished(ActionOutcome(summary: "the stream ledger did not record that \(sid) ended (\(error))", ok: false)))
                    }
                }
            }
        }
    }

    /// Runs an action on a call's recording off the UI: the recording as the service answered
    /// goes to the recordings pane at once, then how it ended to the status line.
    func callRecordingAction(
        conference: String, _ action: @escaping @Sendable (OperatorActions) async -> OperatorActionResult<Recording>
    ) {
        let post = self.post
        guard let actions else {
            return post(.actionFinished(ActionOutcome(summary: "the ledger is not open, so no action can be audited", ok: false)))
        }
        Task {
            let result = await action(actions)
            if let recording = result.value { post(.callRecordingChanged(conference: conference, recording)) }
            post(
                .actionFinished(
                    ActionOutcome(
                        summary: result.message, ok: result.succeeded, notRecorded: result.recordingProblem,
                        unknown: result.outcome == .unknown)))
            await poller.refreshNow()
        }
    }

    /// Runs a conference or participant action off the UI and reports how it ended.
    /// `recordingsOf`: a recording action, after which that conference's recordings are read
    /// again at once (the poll reads them too, but the operator pressed a key on that pane).
    func act<Value: Sendable>(
        call: String? = nil, conference: String? = nil, change: ParticipantChange? = nil, recordingsOf: String? = nil,
        _ action: @escaping @Sendable (OperatorActions) async -> OperatorActionResult<Value>
    ) {
        let post = self.post
        guard let actions else {
            return post(
                .actionFinished(
                    ActionOutcome(summary: "the ledger is not open, so no action can be audited", ok: false, callSid: call)))
        }
        Task {
            let result = await action(actions)
            post(
                .actionFinished(
                    ActionOutcome(
                        summary: result.message, ok: result.succeeded, callSid: call, notRecorded: result.recordingProblem,
                        unknown: result.outcome == .unknown, change: change, conferenceSid: conference)))
            if let recordingsOf, let list = try? await actions.recordings(conference: recordingsOf) {
                post(.recordingsRead(conference: recordingsOf, list))
            }
            // The next poll confirms what the service did; ask for it now rather than in two seconds.
            await poller.refreshNow()
        }
    }
}

extension DashboardServices {
    /// What a start (of a conference's stream or of one call's) comes to, for the screen: an
    /// unknown outcome keeps the request (and the call) so the retry offered goes the same way.
    static func startOutcome(
        _ result: OperatorActionResult<StreamRecord>, conference: String, conferenceName: String,
        request: StartStreamRequest, call: String?
    ) -> Msg {
        if result.outcome == .unknown {
            return .streamStartUnknown(
                conference: conference, conferenceName: conferenceName, request: request, call: call, record: result.value,
                message: result.recordingProblem.map { "\(result.message), and \($0)" } ?? result.message)
        }
        if let record = result.value { return .streamStarted(record, notRecorded: result.recordingProblem) }
        return .streamStartFailed(conference: conference, name: request.name, message: result.message)
    }
}
