import CompatAPI
import Foundation

/// What conference status callbacks told the dashboard that polls cannot: who is speaking now,
/// and the changes a poll that began before them must not undo.
public struct ConferenceEventState: Equatable, Sendable {
    /// Speaking now: call sid to conference sid. Only events tell; a poll never wipes it, a
    /// speech stop, a mute, a hold, a leave or the conference's end does (or a poll that began
    /// after the speech start and no longer finds the call in the conference). As 16-byte sids:
    /// in a busy space most conferences have someone speaking, and as strings each entry held
    /// two heap copies of the event's sids, a megabyte at 5,000 conferences that a long run's
    /// memory grew by as speakers spread.
    public var speaking: [Sid: Sid] = [:]
    /// At least one event arrived: the participants pane can say who speaks.
    public var received = false
    /// The last `SequenceNumber` applied for each conference: one not above it is a repeat or late.
    var lastSequence: [Sid: Int] = [:]
    /// Events applied since the last poll began, replayed onto its answer, which may predate them.
    var recent: [AppliedConferenceEvent] = []
    /// Conferences only events told of: a poll that began after their last event and does not
    /// list them takes them off the table (polls stay the truth).
    var unlisted: Set<String> = []

    /// Events kept for replay while polls fail: enough for minutes of a busy space.
    static let recentLimit = 2000

    public init() {}
}

/// A conference event as the dashboard applied it, and when.
struct AppliedConferenceEvent: Equatable, Sendable {
    var event: ConferenceStatusEvent
    var at: Date
}

extension AppState {
    /// Whether the service last said this call is speaking.
    public func isSpeaking(_ callSid: String) -> Bool {
        !conferenceEvents.speaking.isEmpty && conferenceEvents.speaking[Sid(callSid)] != nil
    }

    /// Whether the participants pane can say who is speaking: conference events reach this
    /// dashboard (its receiver is on, or some arrived). Without them nobody can tell.
    public var showsSpeaking: Bool { receivesCallbacks || conferenceEvents.received }
}

/// A conference status callback, applied at once: the screen need not wait for a poll.
func receive(_ event: ConferenceStatusEvent, at: Date, into state: inout AppState) -> [Effect] {
    state.now = at
    state.conferenceEvents.received = true
    let sid = event.conferenceSid
    if let sequence = event.sequenceNumber {
        let key = Sid(sid)
        if let last = state.conferenceEvents.lastSequence[key], sequence <= last { return [] }
        state.conferenceEvents.lastSequence[key] = sequence
    }
    guard event.event.isKnown else { return [] }
    state.conferenceEvents.recent.append(AppliedConferenceEvent(event: event, at: at))
    if state.conferenceEvents.recent.count > ConferenceEventState.recentLimit {
        state.conferenceEvents.recent.removeFirst(state.conferenceEvents.recent.count - ConferenceEventState.recentLimit)
    }
    let effects = applyConferenceEvent(event, to: &state, highlight: true)
    if state.selectedSid == nil { state.selectedSid = state.visibleCount > 0 ? state.visibleSid(at: 0) : nil }
    reconcileDetailSelection(&state)
    // The next poll reads this conference's participants: the event shows now, the read confirms it.
    return effects + [.conferenceChanged(sid)]
}

/// After a poll's answer is in place: events that came after the poll began are applied again
/// (the answer may not show them); calls the poll no longer finds stop speaking; conferences
/// only events told of, that this poll should have listed and did not, leave the table.
func replayConferenceEvents(after snapshot: PollSnapshot, _ state: inout AppState) {
    var events = state.conferenceEvents
    guard events.received else { return }
    // A poll whose start is not known began now: nothing came after it.
    let replay = snapshot.startedAt.map { started in events.recent.filter { $0.at >= started } } ?? []
    events.recent = replay
    if !events.unlisted.isEmpty { events.unlisted.subtract(snapshot.conferences.map(\.sid)) }
    let gone = events.unlisted.subtracting(replay.map(\.event.conferenceSid))
    events.unlisted.subtract(gone)
    events.speaking = events.speaking.filter { call, conference in
        let conference = conference.text
        guard let row = state.rows[conference], row.conference.status.isLive, !gone.contains(conference) else {
            return false
        }
        guard let read = snapshot.participants[conference] else { return true }
        let call = call.text
        return read.contains { $0.callSid == call }
    }
    state.conferenceEvents = events
    var rows = state.rows
    var removed = false
    for sid in gone where rows[sid]?.conference.status.isLive == true {
        rows[sid] = nil
        removed = true
    }
    if removed { state.rows = rows }
    for applied in replay { _ = applyConferenceEvent(applied.event, to: &state, highlight: false) }
    state.conferenceEvents.lastSequence = state.conferenceEvents.lastSequence.filter { state.rows[$0.key.text] != nil }
}

/// What one event does to the conference it is about. `highlight`: the row is marked changed.
func applyConferenceEvent(_ event: ConferenceStatusEvent, to state: inout AppState, highlight: Bool) -> [Effect] {
    let sid = event.conferenceSid
    let stamp = ServiceDate(event.at)
    func put(_ row: ConferenceRow) {
        if state.rows[sid] != nil {
            state.replace([row])
        } else {
            state.rows[sid] = row
            state.conferenceEvents.unlisted.insert(sid)
        }
        if highlight { state.changedUntil[sid] = state.now.addingTimeInterval(AppState.highlightLifetime) }
    }
    /// The conference's row, or one made from the event when it is this account's and new here.
    func rowOrNew(status: ConferenceStatus) -> ConferenceRow? {
        if let row = state.rows[sid] { return row }
        guard event.accountSid == state.account else { return nil }
        return ConferenceRow(
            conference: Conference(
                sid: sid, accountSid: event.accountSid, friendlyName: event.friendlyName ?? sid, status: status,
                region: "", dateCreated: stamp, dateUpdated: stamp, uri: "",
                subresourceUris: SubresourceURIs(participants: "", recordings: "")))
    }

    switch event.event {
    case .conferenceStart:
        guard var row = rowOrNew(status: .inProgress), row.conference.status != .completed else { return [] }
        if state.rows[sid] != nil, row.conference.status == .inProgress { return [] }
        row.conference.status = .inProgress
        put(row)
        return []
    case .conferenceEnd:
        stopSpeaking(inConference: sid, &state)
        guard var row = state.rows[sid], row.conference.status.isLive else { return [] }
        row.conference.status = .completed
        row.conference.dateUpdated = stamp
        row.conference.reasonConferenceEnded = event.reasonConferenceEnded ?? row.conference.reasonConferenceEnded
        row.conference.callSidEndingConference = event.callSidEndingConference ?? row.conference.callSidEndingConference
        put(row)
        // As when a poll sees it completed: its open streams end with it in the ledger.
        let open = state.streams[sid]?.contains { !$0.status.isTerminal } == true
        return open ? [.conferencesEnded([sid])] : []
    case .participantLeave:
        guard let call = event.callSid else { return [] }
        state.conferenceEvents.speaking[Sid(call)] = nil
        guard var row = state.rows[sid], row.conference.status.isLive,
            let index = row.participants.firstIndex(where: { $0.callSid == call })
        else { return [] }
        row.participants.remove(at: index)
        put(row)
        return []
    case .participantJoin, .participantMute, .participantUnmute, .participantHold, .participantUnhold,
        .participantSpeechStart, .participantSpeechStop:
        // The event proves the call is in the conference: it gets a row if it had none.
        guard let call = event.callSid, var row = rowOrNew(status: .initializing), row.conference.status.isLive else {
            return []
        }
        let index = row.participants.firstIndex { $0.callSid == call }
        var participant =
            index.map { row.participants[$0] }
            ?? Participant(
                callSid: call, conferenceSid: sid, accountSid: event.accountSid, status: .inProgress,
                dateCreated: stamp, dateUpdated: stamp, uri: "")
        participant.muted = implied(event, .participantMute, .participantUnmute) ?? event.muted ?? participant.muted
        participant.hold = implied(event, .participantHold, .participantUnhold) ?? event.hold ?? participant.hold
        participant.coaching = event.coaching ?? participant.coaching
        participant.startConferenceOnEnter = event.startConferenceOnEnter ?? participant.startConferenceOnEnter
        participant.endConferenceOnExit = event.endConferenceOnExit ?? participant.endConferenceOnExit
        switch event.event {
        case .participantSpeechStart where !participant.muted && !participant.hold:
            state.conferenceEvents.speaking[Sid(call)] = Sid(sid)
        case .participantSpeechStop:
            state.conferenceEvents.speaking[Sid(call)] = nil
        default:
            // A muted or held caller is not heard, whatever was said before.
            if participant.muted || participant.hold { state.conferenceEvents.speaking[Sid(call)] = nil }
        }
        guard index.map({ row.participants[$0] }) != participant else { return [] }
        participant.dateUpdated = stamp
        if let index { row.participants[index] = participant } else { row.participants.append(participant) }
        put(row)
        return []
    default:
        return []
    }
}

/// The flag an event's name sets (mute: true, unmute: false), when it is one of the two.
private func implied(_ event: ConferenceStatusEvent, _ on: ConferenceEvent, _ off: ConferenceEvent) -> Bool? {
    event.event == on ? true : event.event == off ? false : nil
}

private func stopSpeaking(inConference sid: String, _ state: inout AppState) {
    let sid = Sid(sid)
    state.conferenceEvents.speaking = state.conferenceEvents.speaking.filter { $0.value != sid }
}
