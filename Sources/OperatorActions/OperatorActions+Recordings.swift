import CompatAPI
import Foundation
import Ledger

// Recordings: a conference's (started by the application's cXML; listed, paused, resumed,
// stopped, deleted here) and one participant's call's (started and changed here). Each change is
// one request, sent once (the client never retries a POST or DELETE), and one audit row whose
// target is the recording (or, for a start, the call).

extension OperatorActions {
    /// A conference's recordings, newest first as the service lists them. A read: nothing is
    /// audited, and read-only mode allows it.
    public func recordings(conference: String) async throws -> [Recording] {
        try await client.conferenceRecordings(conference: conference)
    }

    /// Pauses a conference recording: `skip` leaves the pause out of the file, `silence` (the
    /// service's default when nil) fills it with silence.
    public func pauseRecording(conference: String, recording: String, behavior: PauseBehavior?) async
        -> OperatorActionResult<Recording>
    {
        var parameters: [String: String] = [:]
        parameters["pauseBehavior"] = behavior?.rawValue
        return await perform(
            .pauseRecording, conference: conference, target: recording, parameters: parameters,
            success: { "Paused recording \($0.sid) (\(Self.pauseText(behavior)))" }
        ) { try await client.pauseConferenceRecording(conference: conference, sid: recording, behavior: behavior) }
    }

    public func resumeRecording(conference: String, recording: String) async -> OperatorActionResult<Recording> {
        await perform(
            .resumeRecording, conference: conference, target: recording, parameters: [:],
            success: { "Resumed recording \($0.sid): \($0.status)" }
        ) { try await client.resumeConferenceRecording(conference: conference, sid: recording) }
    }

    /// Stops a conference recording. Stopping one already stopped or completed is not refused:
    /// the service answers it as it is, and the message says so.
    public func stopRecording(conference: String, recording: String) async -> OperatorActionResult<Recording> {
        await perform(
            .stopRecording, conference: conference, target: recording, parameters: [:],
            success: { Self.stoppedText($0) }
        ) { try await client.stopConferenceRecording(conference: conference, sid: recording) }
    }

    /// Deletes a conference recording for good (an in-progress one is stopped first by the
    /// service). Ask the operator before calling this: it cannot be undone.
    public func deleteRecording(conference: String, recording: String) async -> OperatorActionResult<Void> {
        await perform(
            .deleteRecording, conference: conference, target: recording, parameters: [:],
            success: { "Deleted recording \(recording) of \(conference)" }
        ) { try await client.deleteConferenceRecording(conference: conference, sid: recording) }
    }

    /// Starts recording one participant's call. Audited with the call as its target and the
    /// request's settings as parameters; the message names the new recording.
    public func startCallRecording(conference: String, call: String, _ request: StartCallRecordingRequest) async
        -> OperatorActionResult<Recording>
    {
        await perform(
            .startCallRecording, conference: conference, target: call, parameters: Self.auditParameters(request),
            success: { "Recording call \(call): \($0.sid) (\($0.status), \(Self.channelsText($0.channels)))" }
        ) { try await client.startCallRecording(call: call, request) }
    }

    /// Pauses, resumes or stops a call's recording: audited as `pause-recording`,
    /// `resume-recording` or `stop-recording` with the call as parameter `call`.
    public func updateCallRecording(conference: String, call: String, recording: String, _ update: RecordingUpdate)
        async -> OperatorActionResult<Recording>
    {
        var parameters = ["call": call]
        parameters["pauseBehavior"] = update.pauseBehavior?.rawValue
        let action: AuditAction
        let success: (Recording) -> String
        switch update.status {
        case .paused:
            action = .pauseRecording
            success = { "Paused recording \($0.sid) of call \(call) (\(Self.pauseText(update.pauseBehavior)))" }
        case .stopped:
            action = .stopRecording
            success = { Self.stoppedText($0) + " (call \(call))" }
        default:
            // `in-progress`; any other status is refused before it is sent (RecordingUpdate.problems).
            action = .resumeRecording
            parameters["status"] = update.status == .inProgress ? nil : update.status.rawValue
            success = { "Resumed recording \($0.sid) of call \(call): \($0.status)" }
        }
        return await perform(action, conference: conference, target: recording, parameters: parameters, success: success) {
            try await client.updateCallRecording(call: call, sid: recording, update)
        }
    }

    /// Deletes a call's recording for good, through the account-level `DELETE …/Recordings/{Sid}`
    /// (the spec has no delete under the call). Audited as `delete-recording` with parameter
    /// `call`. Ask the operator first: it cannot be undone.
    public func deleteCallRecording(conference: String, call: String, recording: String) async
        -> OperatorActionResult<Void>
    {
        await perform(
            .deleteRecording, conference: conference, target: recording, parameters: ["call": call],
            success: { "Deleted recording \(recording) of call \(call)" }
        ) { try await client.deleteRecording(sid: recording) }
    }

    /// `skip`, or `silence` with a note that it is the service's default when none was chosen.
    static func pauseText(_ behavior: PauseBehavior?) -> String {
        behavior?.rawValue ?? "\(PauseBehavior.silence.rawValue), the service's default"
    }

    static func stoppedText(_ recording: Recording) -> String {
        recording.status == .stopped
            ? "Stopped recording \(recording.sid)"
            : "Recording \(recording.sid) was already stopped: \(recording.status)"
    }

    static func channelsText(_ channels: Int) -> String { channels == 2 ? "dual" : "mono" }

    /// What a call recording's start is kept as: every field of the request (none is a secret).
    static func auditParameters(_ request: StartCallRecordingRequest) -> [String: String] {
        var parameters: [String: String] = [:]
        parameters["channels"] = request.channels?.rawValue
        parameters["track"] = request.track?.rawValue
        parameters["trim"] = request.trim?.rawValue
        parameters["statusCallback"] = request.statusCallback
        parameters["statusCallbackMethod"] = request.statusCallbackMethod?.rawValue
        if !request.statusCallbackEvents.isEmpty {
            parameters["statusCallbackEvent"] = request.statusCallbackEvents.map(\.rawValue).joined(separator: " ")
        }
        return parameters
    }
}
