import CompatAPI
import Foundation
import Ledger

// Conference and participant actions: each one request, sent once (the client never retries
// a POST or DELETE), and one audit row.

extension OperatorActions {
    /// Ends the conference for everybody in it (`Status=completed`).
    public func endConference(conference: String, conferenceName: String? = nil) async
        -> OperatorActionResult<Conference>
    {
        var parameters = ["status": "completed"]
        parameters["conferenceName"] = conferenceName
        return await perform(
            .endConference, conference: conference, target: nil, parameters: parameters,
            success: { "Ended conference \($0.friendlyName) (\($0.sid)): \($0.status)" }
        ) { try await client.endConference(conference) }
    }

    /// Plays the TwiML/LaML at `url` to everybody in the conference.
    public func announceConference(conference: String, url: String, method: CallbackMethod? = nil) async
        -> OperatorActionResult<Conference>
    {
        var parameters = ["announceUrl": url]
        parameters["announceMethod"] = method?.rawValue
        return await perform(
            .announceConference, conference: conference, target: nil, parameters: parameters,
            success: { "Announcement sent to \($0.friendlyName) (\($0.sid))" }
        ) { try await client.updateConference(conference, ConferenceUpdate(announceUrl: url, announceMethod: method)) }
    }

    /// Mutes (`true`) or unmutes a participant.
    public func setMuted(conference: String, call: String, _ muted: Bool) async -> OperatorActionResult<Participant> {
        await perform(
            muted ? .mute : .unmute, conference: conference, target: call, parameters: ["muted": String(muted)],
            success: { "\($0.muted ? "Muted" : "Unmuted") \($0.callSid)" }
        ) { try await client.updateParticipant(conference: conference, callSid: call, ParticipantUpdate(muted: muted)) }
    }

    /// Puts a participant on hold (with `holdUrl`'s music, or the service's) or takes them off.
    public func setHold(conference: String, call: String, _ hold: Bool, holdUrl: String? = nil) async
        -> OperatorActionResult<Participant>
    {
        var parameters = ["hold": String(hold)]
        parameters["holdUrl"] = holdUrl
        return await perform(
            hold ? .hold : .unhold, conference: conference, target: call, parameters: parameters,
            success: { $0.hold ? "Put \($0.callSid) on hold" : "Took \($0.callSid) off hold" }
        ) {
            try await client.updateParticipant(
                conference: conference, callSid: call, ParticipantUpdate(hold: hold, holdUrl: holdUrl))
        }
    }

    /// Takes a participant out of the conference; their call leaves it.
    public func removeParticipant(conference: String, call: String) async -> OperatorActionResult<Void> {
        await perform(
            .removeParticipant, conference: conference, target: call, parameters: [:],
            success: { "Removed \(call) from \(conference)" }
        ) { try await client.removeParticipant(conference: conference, callSid: call) }
    }
}

extension OperatorActions {
    /// Appends the row that settles an action audited `unknown`: a later read of the service
    /// showed whether it happened (`ok`) or not (`failed`). Nothing is sent to the service.
    /// Returns why the row could not be written, when it could not.
    public func recordSettlement(
        _ action: AuditAction, conference: String, call: String, happened: Bool, detail: String
    ) async -> String? {
        let result: OperatorActionResult<Bool> = await finish(
            action, conference: conference, target: call, parameters: ["settles": "unknown"],
            outcome: happened ? .ok : .failed, message: detail, detail: detail, value: happened)
        return result.auditError
    }
}
