import CompatAPI
import Emulator
import Foundation
import Ledger
import OperatorActions
import Testing

/// Recordings, coaching, single-participant announcements and call streams through
/// OperatorActions against the real emulator over loopback: the emulator's world proves each
/// happened (or did not), the ledger's audit trail proves it was recorded.
@Suite struct OperatorActionsRecordingsTests {
    /// A live conference recording from the start, its calls and the recording's sid.
    static func recordedConference(_ h: AuditHarness) async throws -> (conference: String, calls: [String], recording: String) {
        let (conference, calls) = await h.conference()
        let recording = try await h.server.world.startConferenceRecording(conferenceSid: conference)
        return (conference, calls, recording.sid)
    }

    static func snapshot(_ h: AuditHarness, _ conference: String, _ sid: String) async -> RecordingSnapshot? {
        await h.server.world.recordings(conferenceSid: conference)?.first { $0.sid == sid }
    }

    @Test func recordingsAreReadWithoutAnAuditRowEvenWhenReadOnly() async throws {
        try await AuditHarness.run(readOnly: true) { h in
            let (conference, _, sid) = try await Self.recordedConference(h)
            let listed = try await h.actions.recordings(conference: conference)
            #expect(listed.contains { $0.sid == sid && $0.status == .inProgress && $0.conferenceSid == conference })
            #expect(Set(listed.map(\.sid)) == Set((await h.server.world.recordings(conferenceSid: conference) ?? []).map(\.sid)))
            #expect(try await h.ledger.auditEntries().isEmpty)
        }
    }

    @Test func pauseResumeStopAndDeleteChangeTheRecordingAndAreAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, _, sid) = try await Self.recordedConference(h)

            let paused = await h.actions.pauseRecording(conference: conference, recording: sid, behavior: .skip)
            #expect(paused.outcome == .ok)
            #expect(paused.value?.status == .paused)
            #expect(paused.message == "Paused recording \(sid) (skip)")
            let pausedThere = await Self.snapshot(h, conference, sid)
            #expect(pausedThere?.status == "paused")
            #expect(pausedThere?.pauseBehavior == "skip")

            let silenced = await h.actions.pauseRecording(conference: conference, recording: sid, behavior: nil)
            #expect(silenced.message == "Paused recording \(sid) (silence, the service's default)")

            let resumed = await h.actions.resumeRecording(conference: conference, recording: sid)
            #expect(resumed.outcome == .ok)
            #expect(await Self.snapshot(h, conference, sid)?.status == "in-progress")

            let stopped = await h.actions.stopRecording(conference: conference, recording: sid)
            #expect(stopped.outcome == .ok)
            #expect(stopped.message == "Stopped recording \(sid)")
            #expect(["stopped", "completed"].contains(await Self.snapshot(h, conference, sid)?.status))

            let deleted = await h.actions.deleteRecording(conference: conference, recording: sid)
            #expect(deleted.outcome == .ok)
            #expect(deleted.message == "Deleted recording \(sid) of \(conference)")
            #expect(await Self.snapshot(h, conference, sid) == nil)

            let entries = try await h.ledger.auditEntries(conferenceSid: conference)
            #expect(
                entries.map(\.action)
                    == [.deleteRecording, .stopRecording, .resumeRecording, .pauseRecording, .pauseRecording])
            #expect(entries.allSatisfy { $0.targetSid == sid && $0.outcome == .ok && $0.conferenceSid == conference })
            #expect(entries.map(\.parameters) == [[:], [:], [:], [:], ["pauseBehavior": "skip"]])
        }
    }

    @Test func pausingAStoppedRecordingIsRefusedInTheServiceWordsAndChangesNothing() async throws {
        try await AuditHarness.run { h in
            let (conference, _, sid) = try await Self.recordedConference(h)
            #expect(await h.actions.stopRecording(conference: conference, recording: sid).outcome == .ok)
            let before = await Self.snapshot(h, conference, sid)?.status
            let refused = await h.actions.pauseRecording(conference: conference, recording: sid, behavior: .silence)
            #expect(refused.outcome == .refused)
            #expect(refused.value == nil)
            #expect(refused.error?.httpStatus == 422)
            // The service's own words, as CompatError.operatorMessage puts them.
            #expect(refused.message.contains("Recording \(sid) is"))
            #expect(refused.message.contains("and cannot be paused"))
            #expect(refused.message == refused.error?.operatorMessage)
            let after = await Self.snapshot(h, conference, sid)
            #expect(after?.status == before || after?.status == "completed")
            #expect(after?.pauseBehavior == nil)
            let entry = try #require(try await h.ledger.auditEntries().first)
            #expect(entry.action == .pauseRecording)
            #expect(entry.outcome == .refused)
            #expect(entry.detail == refused.message)
        }
    }

    @Test func anUnknownRecordingIsNotFound() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference()
            let missing = "RE" + String(repeating: "0", count: 32)
            let result = await h.actions.deleteRecording(conference: conference, recording: missing)
            #expect(result.outcome == .refused)
            #expect(result.error?.httpStatus == 404)
            #expect(result.message.contains("not found"))
            let entry = try await h.onlyAuditEntry()
            #expect(entry?.targetSid == missing)
        }
    }

    @Test func aCallIsRecordedAndItsRecordingPausedAndStoppedWithTheCallAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let call = calls[1]
            let started = await h.actions.startCallRecording(
                conference: conference, call: call, StartCallRecordingRequest(channels: .dual, track: .inbound))
            #expect(started.outcome == .ok)
            let recording = try #require(started.value)
            #expect(recording.callSid == call)
            #expect(recording.channels == 2)
            let there = await h.server.world.callRecordings(callSid: call)
            #expect(there.map(\.sid) == [recording.sid])
            #expect(there.first?.track == "inbound")

            let paused = await h.actions.updateCallRecording(
                conference: conference, call: call, recording: recording.sid, .pause(.silence))
            #expect(paused.outcome == .ok)
            #expect(await h.server.world.callRecordings(callSid: call).first?.status == "paused")
            let stopped = await h.actions.updateCallRecording(
                conference: conference, call: call, recording: recording.sid, .stop)
            #expect(stopped.outcome == .ok)
            #expect(["stopped", "completed"].contains(await h.server.world.callRecordings(callSid: call).first?.status))

            let entries = try await h.ledger.auditEntries(conferenceSid: conference)
            #expect(entries.map(\.action) == [.stopRecording, .pauseRecording, .startCallRecording])
            #expect(entries.map(\.targetSid) == [recording.sid, recording.sid, call])
            #expect(entries.last?.parameters == ["channels": "dual", "track": "inbound"])
            #expect(entries[1].parameters == ["call": call, "pauseBehavior": "silence"])
            #expect(entries[0].parameters == ["call": call])
        }
    }

    /// The spec lists a call's recordings only account-wide (`GET …/Recordings?CallSid=`) and
    /// deletes one there (`DELETE …/Recordings/{Sid}`): what the dashboard's poll and `D` use.
    @Test func aCallsRecordingsAreListedByCallAndDeletedAccountWide() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let started = await h.actions.startCallRecording(conference: conference, call: calls[0], StartCallRecordingRequest())
            let recording = try #require(started.value)
            _ = await h.actions.startCallRecording(conference: conference, call: calls[1], StartCallRecordingRequest())
            let listed = try await h.actions.client.callRecordings(call: calls[0])
            #expect(listed.map(\.sid) == [recording.sid], "only that call's")
            #expect(listed.first?.callSid == calls[0])

            let deleted = await h.actions.deleteCallRecording(conference: conference, call: calls[0], recording: recording.sid)
            #expect(deleted.outcome == .ok)
            #expect(deleted.message == "Deleted recording \(recording.sid) of call \(calls[0])")
            #expect(await h.server.world.callRecordings(callSid: calls[0]).isEmpty)
            #expect(try await h.actions.client.callRecordings(call: calls[0]).isEmpty)
            #expect(try await h.actions.client.callRecordings(call: calls[1]).count == 1)
            let entry = try #require(try await h.ledger.auditEntries(conferenceSid: conference).first)
            #expect(entry.action == .deleteRecording)
            #expect(entry.parameters == ["call": calls[0]])

            let again = await h.actions.deleteCallRecording(conference: conference, call: calls[0], recording: recording.sid)
            #expect(again.outcome != .ok, "a recording already gone is the service's 404")
        }
    }

    @Test func coachingSetsAndEndsAndIsAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let coached = await h.actions.coach(conference: conference, coach: calls[0], callSidToCoach: calls[1])
            #expect(coached.outcome == .ok)
            #expect(coached.value?.coaching == true)
            #expect(coached.message == "\(calls[0]) now coaches \(calls[1])")
            let coach = await h.server.world.participantState(conferenceSid: conference, callSid: calls[0])
            #expect(coach?.coaching == true)
            #expect(coach?.callSidToCoach == calls[1])
            #expect(await h.server.world.participantState(conferenceSid: conference, callSid: calls[1])?.coachedBy == [calls[0]])

            let ended = await h.actions.stopCoaching(conference: conference, call: calls[0])
            #expect(ended.outcome == .ok)
            #expect(ended.value?.callSidToCoach == nil)
            #expect(await h.server.world.participantState(conferenceSid: conference, callSid: calls[0])?.coaching == false)

            let entries = try await h.ledger.auditEntries(conferenceSid: conference)
            #expect(entries.map(\.action) == [.stopCoaching, .coach])
            #expect(entries.map(\.targetSid) == [calls[0], calls[0]])
            #expect(entries.map(\.parameters) == [[:], ["callSidToCoach": calls[1]]])
        }
    }

    @Test func coachingACallNotInTheConferenceIsRefusedWith16002InTheServiceWords() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let (_, elsewhere) = await h.conference(participants: 1)
            let refused = await h.actions.coach(conference: conference, coach: calls[0], callSidToCoach: elsewhere[0])
            #expect(refused.outcome == .refused)
            #expect(refused.error?.serviceError?.code == 16002)
            #expect(refused.message.contains("is not a participant in conference"))
            #expect(refused.message.contains("[code 16002]"))
            let state = await h.server.world.participantState(conferenceSid: conference, callSid: calls[0])
            #expect(state?.coaching == false)
            #expect(state?.callSidToCoach == nil)
            let entry = try #require(try await h.ledger.auditEntries(conferenceSid: conference).first)
            #expect(entry.action == .coach)
            #expect(entry.outcome == .refused)
            #expect(entry.detail == refused.message)
        }
    }

    @Test func anAnnouncementReachesOneParticipantAndIsAudited() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            let url = "https://hooks.example.com/whisper.xml"
            let result = await h.actions.announceToParticipant(conference: conference, call: calls[2], url: url, method: .post)
            #expect(result.outcome == .ok)
            #expect(result.message == "Announcement sent to \(calls[2])")
            #expect(await h.server.world.participantState(conferenceSid: conference, callSid: calls[2])?.lastAnnouncement == url)
            #expect(await h.server.world.participantState(conferenceSid: conference, callSid: calls[0])?.lastAnnouncement == nil)
            let entry = try #require(try await h.onlyAuditEntry())
            #expect(entry.action == .announceParticipant)
            #expect(entry.targetSid == calls[2])
            #expect(entry.parameters == ["announceUrl": url, "announceMethod": "POST"])
        }
    }

    @Test func aCallStreamIsStartedAndStoppedUnderItsCallAndRecordedWithIt() async throws {
        try await AuditHarness.run(origin: .cli) { h in
            let (conference, calls) = await h.conference()
            let call = calls[1]
            let request = StartCallStreamRequest(
                url: "wss://media.example.com/agent", track: .inbound, bearerToken: "s3cret-token",
                parameters: [StreamParameter(name: "leg", value: "agent")])
            let started = await h.actions.startCallStream(
                conference: conference, conferenceName: "Support Bridge", call: call, request)
            #expect(started.outcome == .ok)
            let record = try #require(started.value)
            #expect(record.callSid == call)
            #expect(record.conferenceSid == conference)
            let name = try #require(record.name)
            #expect(name.hasPrefix("cd-"), "a start without a name gets one")
            #expect(record.startedFrom == .cli)
            #expect(await h.server.world.callStream(sid: record.sid)?.callSid == call)
            #expect(await h.server.world.callStream(sid: record.sid)?.hasBearerToken == true)
            #expect(await h.server.world.streams(conferenceSid: conference)?.isEmpty == true, "not a conference stream")
            let kept = try #require(try await h.ledger.stream(sid: record.sid))
            #expect(kept.callSid == call)
            #expect(kept.codec == nil)

            await h.server.clearRequests()
            let stopped = await h.actions.stopStream(conference: conference, stream: name)
            #expect(stopped.outcome == .ok)
            #expect(stopped.value?.sid == record.sid)
            #expect(await h.server.world.callStream(sid: record.sid)?.status == "stopped")
            let paths = await h.server.requests().map(\.path)
            #expect(paths.count == 1)
            #expect(paths.first?.contains("/Calls/\(call)/Streams/\(record.sid)") == true, "\(paths)")
            #expect(try await h.ledger.stream(sid: record.sid)?.status == .stopped)
            #expect(try await h.ledger.stream(sid: record.sid)?.callSid == call)

            let entries = try await h.ledger.auditEntries(conferenceSid: conference)
            #expect(entries.map(\.action) == [.stopStream, .startStream])
            #expect(entries.map(\.targetSid) == [record.sid, record.sid])
            #expect(entries[1].parameters["call"] == call)
            #expect(entries[1].parameters["bearerToken"] == "set")
            #expect(entries[1].parameters["parameter.leg"] == "agent")
            #expect(entries[1].parameters["conferenceName"] == "Support Bridge")
            #expect(entries[0].parameters["call"] == call)
            // The token went to the service and nowhere else.
            #expect(!entries.contains { $0.parameters.values.contains("s3cret-token") || ($0.detail ?? "").contains("s3cret") })
        }
    }

    @Test func anUnansweredCallStreamStartIsKeptAsUnknownWithItsCallAndSettledByTheSameStart() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference(participants: 2)
            let (actions, client) = UnknownOutcomeActionTests.impatient(h)
            await h.server.setFaults(FaultSettings(hangSeconds: 2))
            let request = StartCallStreamRequest(url: "wss://media.example.com/caller")
            let first = await actions.startCallStream(
                conference: conference, conferenceName: nil, call: calls[0], request)
            #expect(first.outcome == .unknown)
            #expect(first.message.hasPrefix("outcome unknown:"))
            let kept = try #require(first.value)
            #expect(kept.status == .unknown)
            #expect(kept.callSid == calls[0])
            let name = try #require(kept.name)
            // The service took the first one after all, once its hang was over.
            #expect(await eventually { await h.server.world.callStreams(callSid: calls[0]).count == 1 })
            await h.server.setFaults(FaultSettings())

            var again = request
            again.name = name
            let second = await h.actions.startCallStream(conference: conference, conferenceName: nil, call: calls[0], again)
            #expect(second.outcome == .ok)
            #expect(second.message.hasPrefix("Stream \(name) runs: the first start reached the service"))
            #expect(await h.server.world.callStreams(callSid: calls[0]).count == 1)
            let ledger = try await h.ledger.streams(conferenceSid: conference)
            #expect(ledger.count == 1)
            #expect(ledger.first?.callSid == calls[0])
            #expect(try await h.ledger.auditEntries().map(\.outcome) == [.ok, .unknown])
            await client.shutdown()
        }
    }

    @Test func aCallStreamWithACodecIsRefusedBeforeAnythingIsSent() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference()
            await h.server.clearRequests()
            let request = StartCallStreamRequest(StartStreamRequest(url: "wss://media.example.com/x", codec: .pcmu))
            let result = await h.actions.startCallStream(conference: conference, conferenceName: nil, call: calls[0], request)
            #expect(result.outcome == .refused)
            #expect(result.message.contains("StreamCodec"))
            #expect(await h.server.requests().isEmpty)
            let kept = try await h.ledger.streams()
            #expect(kept.isEmpty)
        }
    }
}
