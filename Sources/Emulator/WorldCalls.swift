import CompatAPI
import Foundation

/// Calls: one for every participant there is or was. A participant's call is in progress while
/// it is in a live conference and completed once it leaves or the conference ends; its
/// duration grows with the injected clock and its quality figures drift (`CallIdentity`).
extension EmulatorWorld {
    /// A call as the world derives it: the participant, where it is, and when it ended.
    struct CallView: Sendable {
        let participant: ParticipantRecord
        let conferenceSid: String
        let ended: Date?

        var cursor: PageCursor { participant.cursor }
    }

    /// At most this many calls of participants who left are remembered (the service keeps them
    /// for good; a demo that runs for days cannot).
    static let departedCallLimit = 5_000

    /// Every call, newest first.
    func callViews() -> [CallView] {
        var views: [CallView] = []
        views.reserveCapacity(departedCalls.count + conferences.count * 4)
        for record in conferences.values {
            for participant in record.participants {
                views.append(
                    CallView(
                        participant: participant, conferenceSid: record.sid,
                        ended: participant.status == .completed ? participant.dateUpdated : nil))
            }
        }
        views += departedCalls.values
        views.sort { $0.cursor > $1.cursor }
        return views
    }

    func callView(_ sid: String) -> CallView? {
        if let departed = departedCalls[sid] { return departed }
        for record in conferences.values {
            if let participant = record.participants.first(where: { $0.callSid == sid }) {
                return CallView(
                    participant: participant, conferenceSid: record.sid,
                    ended: participant.status == .completed ? participant.dateUpdated : nil)
            }
        }
        return nil
    }

    func identity(of view: CallView) -> CallIdentity {
        CallIdentity.make(seed: seed, callSid: view.participant.callSid, conferenceSid: view.conferenceSid)
    }

    func wire(_ view: CallView) -> Call {
        let participant = view.participant
        let identity = identity(of: view)
        let seconds = max(0, Int((view.ended ?? now).timeIntervalSince(participant.dateCreated)))
        let sid = participant.callSid
        return Call(
            sid: sid, accountSid: accountSid, dateCreated: ServiceDate(participant.dateCreated),
            dateUpdated: ServiceDate(view.ended ?? participant.dateUpdated), to: identity.to,
            toFormatted: identity.toFormatted, from: identity.from, fromFormatted: identity.fromFormatted,
            status: view.ended == nil ? .inProgress : .completed, startTime: ServiceDate(participant.dateCreated),
            endTime: view.ended.map { ServiceDate($0) }, duration: seconds, direction: identity.direction,
            callerName: identity.callerName, uri: paths.call(sid) + ".json",
            subresourceUris: CallSubresourceURIs(recordings: paths.callRecordings(sid) + ".json"),
            sipResultCode: "200", quality: identity.quality.figures(seconds: seconds))
    }

    /// Remembers the call of a participant who left a live conference (the conference forgets them).
    func rememberDeparted(_ participant: ParticipantRecord, from conferenceSid: String, at date: Date) {
        var ended = participant
        ended.status = .completed
        ended.dateUpdated = date
        departedCalls[participant.callSid] = CallView(participant: ended, conferenceSid: conferenceSid, ended: date)
        departedOrder.append(participant.callSid)
        if departedOrder.count > Self.departedCallLimit {
            let excess = departedOrder.count - Self.departedCallLimit
            let gone = departedOrder.prefix(excess)
            departedOrder.removeFirst(excess)
            for sid in gone { forgetCall(sid) }
        }
        endMedia(ofCall: participant.callSid)
    }

    /// Drops a call the world no longer keeps, with its recordings and streams.
    func forgetCall(_ sid: String) {
        departedCalls[sid] = nil
        for (recordingSid, recording) in recordingsOfCalls where recording.callSid == sid {
            recordingsOfCalls[recordingSid] = nil
            pendingCompletions.removeValue(forKey: recordingSid)?.cancel()
        }
        for (streamSid, stream) in streamsOfCalls where stream.callSid == sid {
            streamsOfCalls[streamSid] = nil
            pendingStarts.removeValue(forKey: streamSid)?.cancel()
        }
    }

    /// A call ended: its recordings stop (and complete) and its streams stop.
    func endMedia(ofCall callSid: String) {
        for (sid, recording) in recordingsOfCalls where recording.callSid == callSid && recording.status.isActive {
            stopRecording(sid)
        }
        for (sid, stream) in streamsOfCalls where stream.callSid == callSid && stream.stream.status != .stopped {
            stopCallStream(streamSid: sid, event: .stopped, error: nil)
        }
    }

    // MARK: The API's operations

    func listCalls(_ query: Validation.CallQuery) -> ListPage<Call> {
        let matching = callViews().filter { view in
            if let status = query.status {
                let current: CallStatus = view.ended == nil ? .inProgress : .completed
                guard current == status else { return false }
            }
            if query.parentCallSid != nil { return false }  // no emulated call has a parent
            if query.from != nil || query.to != nil {
                let identity = identity(of: view)
                if let from = query.from, identity.from != from { return false }
                if let to = query.to, identity.to != to { return false }
            }
            guard query.started.matches(view.participant.dateCreated) else { return false }
            if query.ended.isSet {
                guard let ended = view.ended, query.ended.matches(ended) else { return false }
            }
            return true
        }
        let slice = Paging.slice(matching, cursor: \.cursor, descending: true, request: query.page)
        let page = PageSlice(
            items: slice.items.map { wire($0) }, firstCursor: slice.firstCursor, lastCursor: slice.lastCursor,
            hasNext: slice.hasNext, hasPrevious: slice.hasPrevious)
        return Paging.page(page, path: paths.calls, filters: query.linkFilters, request: query.page)
    }

    func fetchCall(_ sid: String) throws(ServiceError) -> Call {
        guard let view = callView(sid) else { throw Validation.notFound("Call \(sid)") }
        return wire(view)
    }

    /// A live call, for starting a recording or stream on it.
    func liveCall(_ sid: String, for action: String) throws(ServiceError) -> CallView {
        guard let view = callView(sid) else { throw Validation.notFound("Call \(sid)") }
        guard view.ended == nil else {
            throw ServiceError(
                status: 422, code: EmulatorWorld.invalidStateCode,
                message: "Call \(sid) is not in-progress: \(action) needs a live call")
        }
        return view
    }

    /// 21220: the call's (or conference's) state does not allow the change.
    static let invalidStateCode = 21220

    // MARK: Reading, for in-process tests and the admin surface

    /// A call as the API would answer it; nil when the world has no such call.
    public func call(sid: String) -> Call? {
        callView(sid).map { wire($0) }
    }

    /// Every call the world knows, newest first, as the API would list them.
    public func calls() -> [Call] {
        callViews().map { wire($0) }
    }

    /// A participant with who coaches it and its last own announcement.
    public func participantState(conferenceSid: String, callSid: String) -> ParticipantSnapshot? {
        guard let record = conferences[conferenceSid],
            let participant = record.participants.first(where: { $0.callSid == callSid })
        else { return nil }
        return ParticipantSnapshot(
            callSid: callSid, conferenceSid: conferenceSid, status: participant.status.rawValue,
            muted: participant.muted, hold: participant.hold, coaching: participant.coaching,
            callSidToCoach: participant.callSidToCoach,
            coachedBy: record.participants.filter { $0.coaching && $0.callSidToCoach == callSid }.map(\.callSid),
            lastAnnouncement: participant.lastAnnouncement)
    }
}
