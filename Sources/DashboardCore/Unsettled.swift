import CompatAPI
import Foundation
import Ledger

// Outcome unknown is a state. A change whose answer never came (a timeout, a connection lost
// mid-answer) is neither done nor failed: it is kept here, shown in the header, and settled by
// what the service says next:
// - a stream start is sent again with the same name once a poll shows the service answering
//   (the service starts it, or refuses the name because the first one did: one stream either way);
// - a stream stop is sent again (stopping a stopped stream is harmless and says so);
// - a participant change is settled by the next reads of that conference's participants.

/// A participant change whose answer never came.
public enum ParticipantChange: Equatable, Sendable {
    case mute(Bool)
    case hold(Bool)
    case remove

    /// `mute`, `unmute`, `hold`, `unhold`, `removal`.
    public var word: String {
        switch self {
        case .mute(let on): on ? "mute" : "unmute"
        case .hold(let on): on ? "hold" : "unhold"
        case .remove: "removal"
        }
    }

    /// Whether what a read shows means the change reached the service.
    func happened(_ participant: Participant?) -> Bool {
        switch self {
        case .mute(let on): participant.map { $0.muted == on } ?? false
        case .hold(let on): participant.map { $0.hold == on } ?? false
        case .remove: participant == nil
        }
    }

    /// What a read shows, in words: `muted`, `not on hold`, `gone`.
    func shown(_ participant: Participant?) -> String {
        guard let participant else { return "no longer in the conference" }
        switch self {
        case .mute: return participant.muted ? "muted" : "not muted"
        case .hold: return participant.hold ? "on hold" : "not on hold"
        case .remove: return "still in the conference"
        }
    }
}

/// One change whose outcome is not known yet.
public struct UnsettledChange: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// `call`: the participant's call a call stream goes on (nil: the conference's stream).
        case startStream(conference: String, conferenceName: String, request: StartStreamRequest, call: String? = nil)
        case stopStream(conference: String, stream: String, label: String)
        /// `reads` counts the reads of that conference's participants since, that did not show it.
        case participant(conference: String, callSid: String, change: ParticipantChange, reads: Int)
    }

    public var kind: Kind
    /// When the unknown outcome came back.
    public var since: Date
    /// A retry is on its way: no second one until it is back.
    public var inFlight = false

    public init(kind: Kind, since: Date) {
        self.kind = kind
        self.since = since
    }

    /// One key per change: a second unknown of the same change replaces the first.
    public var key: String {
        switch kind {
        case .startStream(let conference, _, let request, _): "start \(conference)/\(request.name ?? "")"
        case .stopStream(let conference, let stream, _): "stop \(conference)/\(stream)"
        case .participant(let conference, let call, _, _): "participant \(conference)/\(call)"
        }
    }

    /// For the header: `start of stream cd-ana-1f2e3d`, `mute of CA…`.
    public var label: String {
        switch kind {
        case .startStream(_, _, let request, let call):
            "start of stream \(request.name ?? "?")\(call.map { " on call \($0)" } ?? "")"
        case .stopStream(_, _, let label): "stop of stream \(label)"
        case .participant(_, let call, let change, _): "\(change.word) of \(call)"
        }
    }

    /// Reads of a participant that must agree the change did not happen, over at least this
    /// long, before it counts as not done: a request held somewhere (a service that answers
    /// late) can still land seconds after a read that missed it.
    static let readsBeforeNotDone = 3
    static let secondsBeforeNotDone: TimeInterval = 15
}

extension AppState {
    mutating func keepUnsettled(_ change: UnsettledChange) {
        unsettled[change.key] = change
    }

    /// For the header's problem line: `outcome unknown: start of stream cd-ana-1f2e3d (settling…)`.
    public var unsettledSummary: String? {
        guard !unsettled.isEmpty else { return nil }
        let labels = unsettled.values.sorted { $0.since < $1.since }.map(\.label)
        let first = labels[0]
        let more = labels.count > 1 ? " and \(labels.count - 1) more" : ""
        return "outcome unknown: \(first)\(more); settling it with the service"
    }
}

/// After a successful poll: sends again the starts and stops whose answer never came (the
/// service is answering now), and settles participant changes by what the poll read.
func settleAfterPoll(_ state: inout AppState, _ snapshot: PollSnapshot) -> [Effect] {
    var effects: [Effect] = []
    for (key, var change) in state.unsettled {
        switch change.kind {
        case .startStream(let conference, let conferenceName, let request, let call):
            guard !change.inFlight else { continue }
            change.inFlight = true
            state.unsettled[key] = change
            // Sent again where it went the first time: a call stream to its call, by the same name.
            if let call {
                effects.append(
                    .startCallStream(conference: conference, conferenceName: conferenceName, call: call, StartCallStreamRequest(request)))
            } else {
                effects.append(.startStream(conference: conference, conferenceName: conferenceName, request))
            }
        case .stopStream(let conference, let stream, _):
            guard !change.inFlight else { continue }
            change.inFlight = true
            state.unsettled[key] = change
            effects.append(.stopStream(conference: conference, stream: stream))
        case .participant(let conference, let call, let what, let reads):
            guard let participants = snapshot.participants[conference] else { continue }
            let participant = participants.first { $0.callSid == call }
            if what.happened(participant) {
                state.unsettled[key] = nil
                effects.append(.recordSettlement(conference: conference, callSid: call, change: what, happened: true))
                showOutcome(&state, "settled: the \(what.word) of \(call) reached the service (\(what.shown(participant)))", .success)
            } else if reads + 1 >= UnsettledChange.readsBeforeNotDone,
                state.now.timeIntervalSince(change.since) >= UnsettledChange.secondsBeforeNotDone
            {
                state.unsettled[key] = nil
                effects.append(.recordSettlement(conference: conference, callSid: call, change: what, happened: false))
                showOutcome(&state, "settled: the \(what.word) of \(call) did not happen (\(what.shown(participant)))", .warning)
            } else {
                change.kind = .participant(conference: conference, callSid: call, change: what, reads: reads + 1)
                state.unsettled[key] = change
            }
        }
    }
    return effects.sorted { "\($0)" < "\($1)" }
}
