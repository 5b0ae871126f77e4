import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Testing

/// Read-only: every mutating action is refused inside the process. The emulator's request log
/// proves nothing that could change the service reached it, and its world is untouched.
@Suite struct OperatorActionsReadOnlyTests {
    @Test func everyActionIsRefusedBeforeAnyRequestLeaves() async throws {
        try await AuditHarness.run(readOnly: true) { h in
            let (conference, calls) = await h.conference()
            let recording = try await h.server.world.startConferenceRecording(conferenceSid: conference).sid
            await h.server.clearRequests()
            let results: [(AuditAction, AuditOutcome, String)] = [
                await summary(h.actions.startStream(
                    conference: conference, conferenceName: nil,
                    StartStreamRequest(url: "wss://media.example.com/x", bearerToken: "secret"))),
                await summary(h.actions.stopStream(conference: conference, stream: "MZ0")),
                await summary(h.actions.endConference(conference: conference)),
                await summary(h.actions.announceConference(conference: conference, url: "https://e.example.com/a")),
                await summary(h.actions.setMuted(conference: conference, call: calls[0], true)),
                await summary(h.actions.setMuted(conference: conference, call: calls[0], false)),
                await summary(h.actions.setHold(conference: conference, call: calls[0], true)),
                await summary(h.actions.setHold(conference: conference, call: calls[0], false)),
                await summary(h.actions.removeParticipant(conference: conference, call: calls[0])),
                await summary(h.actions.pauseRecording(conference: conference, recording: recording, behavior: .skip)),
                await summary(h.actions.resumeRecording(conference: conference, recording: recording)),
                await summary(h.actions.stopRecording(conference: conference, recording: recording)),
                await summary(h.actions.deleteRecording(conference: conference, recording: recording)),
                await summary(h.actions.startCallRecording(
                    conference: conference, call: calls[0], StartCallRecordingRequest(channels: .dual))),
                await summary(h.actions.coach(conference: conference, coach: calls[0], callSidToCoach: calls[1])),
                await summary(h.actions.stopCoaching(conference: conference, call: calls[0])),
                await summary(h.actions.announceToParticipant(
                    conference: conference, call: calls[0], url: "https://e.example.com/a", method: nil)),
            ]
            #expect(results.map(\.0) == AuditAction.known)
            // The same actions on one call's stream and recording: audited as start-stream and pause-recording.
            let onCalls: [(AuditAction, AuditOutcome, String)] = [
                await summary(h.actions.startCallStream(
                    conference: conference, conferenceName: nil, call: calls[0],
                    StartCallStreamRequest(url: "wss://media.example.com/x", bearerToken: "secret"))),
                await summary(h.actions.updateCallRecording(
                    conference: conference, call: calls[0], recording: recording, .pause(nil))),
            ]
            #expect(onCalls.map(\.0) == [.startStream, .pauseRecording])
            #expect((results + onCalls).allSatisfy { $0.1 == .refused && $0.2 == OperatorActions.readOnlyMessage })

            #expect(await h.server.requests().filter { $0.method != "GET" } == [])
            #expect(await h.server.requests() == [])
            #expect(await h.server.world.conference(sid: conference)?.status == .inProgress)
            #expect(await h.server.world.participants(conferenceSid: conference).map(\.callSid) == calls)
            #expect(await h.server.world.streams(conferenceSid: conference)?.isEmpty == true)
            #expect(await h.server.world.callStreams(callSid: calls[0]).isEmpty)
            #expect(await h.server.world.callRecordings(callSid: calls[0]).isEmpty)
            #expect(await h.server.world.recordings(conferenceSid: conference)?.first { $0.sid == recording }?.status == "in-progress")
            #expect(await h.server.world.participantState(conferenceSid: conference, callSid: calls[0])?.coaching == false)
            #expect(try await h.ledger.streams().isEmpty)

            // Refusals are audited, newest first, so an attempt from a read-only session is on record.
            let entries = try await h.ledger.auditEntries()
            #expect(entries.map(\.action) == (AuditAction.known + [.startStream, .pauseRecording]).reversed())
            #expect(entries.allSatisfy { $0.outcome == .refused && $0.detail == OperatorActions.readOnlyMessage })
        }
    }

    @Test func theSameActionsGoThroughWhenNotReadOnly() async throws {
        // The counterpart, so the test above cannot pass because nothing is ever sent.
        try await AuditHarness.run(readOnly: false) { h in
            let (conference, calls) = await h.conference()
            await h.server.clearRequests()
            _ = await h.actions.setMuted(conference: conference, call: calls[0], true)
            #expect(await h.server.requests().map(\.method) == ["POST"])
        }
    }

    func summary<Value>(_ result: OperatorActionResult<Value>) -> (AuditAction, AuditOutcome, String) {
        (result.action, result.outcome, result.message)
    }
}
