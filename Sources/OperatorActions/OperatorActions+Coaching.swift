import CompatAPI
import Foundation
import Ledger

// Coaching (whisper) and announcements to one participant: participant updates, each one
// request and one audit row whose target is the participant's call.

extension OperatorActions {
    /// Makes `coach` coach `callSidToCoach`: the coach hears both, only the coached call hears
    /// the coach. The service refuses a call that is not in the conference (16002) in its own
    /// words, which the result's message carries.
    public func coach(conference: String, coach: String, callSidToCoach: String) async
        -> OperatorActionResult<Participant>
    {
        await perform(
            .coach, conference: conference, target: coach, parameters: ["callSidToCoach": callSidToCoach],
            success: { "\($0.callSid) now coaches \($0.callSidToCoach ?? callSidToCoach)" }
        ) { try await client.coach(conference: conference, coach: coach, callSidToCoach: callSidToCoach) }
    }

    /// Ends `call`'s coaching: it becomes an ordinary participant again.
    public func stopCoaching(conference: String, call: String) async -> OperatorActionResult<Participant> {
        await perform(
            .stopCoaching, conference: conference, target: call, parameters: [:],
            success: { "\($0.callSid) stopped coaching" }
        ) { try await client.stopCoaching(conference: conference, callSid: call) }
    }

    /// Plays the TwiML/LaML at `url` to one participant alone.
    public func announceToParticipant(conference: String, call: String, url: String, method: CallbackMethod?) async
        -> OperatorActionResult<Participant>
    {
        var parameters = ["announceUrl": url]
        parameters["announceMethod"] = method?.rawValue
        return await perform(
            .announceParticipant, conference: conference, target: call, parameters: parameters,
            success: { "Announcement sent to \($0.callSid)" }
        ) { try await client.announceToParticipant(conference: conference, callSid: call, url: url, method: method) }
    }
}
