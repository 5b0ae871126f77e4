import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// The client's calls, recordings, call streams, coaching and single-participant announcements
/// against the emulator over loopback HTTP, and the refusals an operator must read in the
/// service's own words.
/// Serialized, as the emulator suites' new tests are: fewer emulators at once on two cores.
@Suite(.serialized) struct CallsClientTests {
    @Test func inProgressCallsCoverEveryParticipantInOneListing() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { server, client in
            await server.clearRequests()
            let calls = try await client.inProgressCalls()
            // PageSize=1000: one request covers the account.
            #expect(await server.requests().filter { $0.path.hasSuffix("/Calls") }.count == 1)
            var participants: Set<String> = []
            // Callers waiting in a conference not yet started (`init`) are on in-progress calls too.
            for conference in try await client.conferences() where conference.status.isLive {
                for participant in try await client.participants(conference: conference.sid) {
                    participants.insert(participant.callSid)
                }
            }
            #expect(Set(calls.keys) == participants)
            #expect(calls.values.allSatisfy { $0.status == .inProgress && !$0.from.isEmpty && !$0.to.isEmpty })
            #expect(calls.values.contains { $0.isPoorQuality })
            #expect(calls.values.allSatisfy { $0.quality.mos != nil && $0.quality.lossPercent != nil })

            let one = try #require(calls.values.first)
            let fetched = try await client.call(one.sid)
            #expect(fetched.sid == one.sid && fetched.from == one.from && fetched.fromFormatted == one.fromFormatted)
            let missing = await compatError { try await client.call(UUID().uuidString.lowercased()) }
            #expect(missing?.serviceError?.code == 20404)

            let byFrom = try await client.calls(CallFilter(status: .inProgress, from: one.from))
            #expect(byFrom.contains { $0.sid == one.sid } && byFrom.allSatisfy { $0.from == one.from })
            let paged = try await client.calls(CallFilter(status: .inProgress, pageSize: 7))
            #expect(paged.map(\.sid).sorted() == calls.keys.sorted())
        }
    }

    /// The listing reads each call only as far as a row shows it: those fields come out as
    /// the full reading has them.
    @Test func theListingReadsWhatARowShowsAsTheFullReadingDoes() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 20)) { _, client in
            let listed = try await client.inProgressCalls()
            let full = try await client.calls(.inProgress)
            #expect(!full.isEmpty)
            #expect(Set(listed.keys) == Set(full.map(\.sid)))
            for call in full {
                let lean = try #require(listed[call.sid])
                #expect(lean.from == call.from && lean.to == call.to)
                #expect(lean.fromFormatted == call.fromFormatted && lean.toFormatted == call.toFormatted)
                #expect(lean.callerName == call.callerName && lean.direction == call.direction)
                #expect(lean.status == call.status && lean.startTime == call.startTime)
                // Duration and quality drift between the two reads; their presence must not.
                #expect((lean.duration == nil) == (call.duration == nil))
                #expect((lean.quality.mos == nil) == (call.quality.mos == nil))
            }
        }
    }

    @Test func badFiltersAreRefusedBeforeSending() async throws {
        try await withEmulator { server, client in
            await server.clearRequests()
            for filter in [
                CallFilter(status: "talking"), CallFilter(from: " "), CallFilter(startTimeAfter: "01/02/2024"),
                CallFilter(pageSize: 0),
            ] {
                let error = await compatError { try await client.calls(filter) }
                guard case .invalidRequest(let message)? = error else {
                    Issue.record("\(filter): \(String(describing: error))")
                    continue
                }
                #expect(!message.isEmpty)
            }
            let blank = await compatError { try await client.call("") }
            #expect(blank?.operatorMessage == "the call sid must not be blank")
            #expect(await server.requests().isEmpty)
        }
    }

    @Test func pausesResumesStopsAndDeletesAConferenceRecording() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(emulatorClock: clock) { server, client in
            let conference = await server.world.createConference(friendlyName: "Recorded", participants: 2)
            let started = try await server.world.startConferenceRecording(conferenceSid: conference.sid)
            let listed = try await client.conferenceRecordings(conference: conference.sid)
            #expect(listed.map(\.sid) == [started.sid])
            #expect(listed.first?.status == .inProgress && listed.first?.conferenceSid == conference.sid)
            #expect(listed.first?.callSid == nil && listed.first?.channels == 1)

            await clock.advance(by: .seconds(3))
            let paused = try await client.pauseConferenceRecording(
                conference: conference.sid, sid: started.sid, behavior: .silence)
            #expect(paused.status == .paused)
            #expect(paused.duration == 3)
            #expect(await server.world.recordings(conferenceSid: conference.sid)?.first?.pauseBehavior == "silence")
            let resumed = try await client.resumeConferenceRecording(conference: conference.sid, sid: started.sid)
            #expect(resumed.status == .inProgress)
            let stopped = try await client.stopConferenceRecording(conference: conference.sid, sid: started.sid)
            #expect(stopped.status == .stopped)

            // Pausing a stopped recording: the service's refusal, in its words, and nothing changes.
            let refused = await compatError {
                try await client.pauseConferenceRecording(conference: conference.sid, sid: started.sid, behavior: .skip)
            }
            #expect(refused?.httpStatus == 422)
            #expect(refused?.operatorMessage.contains("is stopped and cannot be paused") == true)
            #expect(try await client.conferenceRecording(conference: conference.sid, sid: started.sid).status == .stopped)

            await clock.advance(by: .seconds(2))
            var completed = false
            for _ in 0..<3000 where !completed {
                completed = try await client.conferenceRecording(conference: conference.sid, sid: started.sid).status == .completed
                if !completed { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(completed)

            try await client.deleteConferenceRecording(conference: conference.sid, sid: started.sid)
            #expect(try await client.conferenceRecordings(conference: conference.sid).isEmpty)
            // A recording sid that does not exist: 404, code 20404, said as such.
            let gone = await compatError {
                try await client.conferenceRecording(conference: conference.sid, sid: started.sid)
            }
            #expect(gone?.httpStatus == 404)
            #expect(gone?.serviceError?.code == 20404)
            #expect(gone?.operatorMessage.hasPrefix("not found: The requested resource Recording") == true)
            let deleteAgain = await compatError {
                try await client.deleteConferenceRecording(conference: conference.sid, sid: started.sid)
            }
            #expect(deleteAgain?.serviceError?.code == 20404)
        }
    }

    @Test func badRecordingUpdatesAreRefusedBeforeSending() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Recorded", participants: 2)
            let recording = try await server.world.startConferenceRecording(conferenceSid: conference.sid)
            await server.clearRequests()
            for update in [
                RecordingUpdate(status: .completed), RecordingUpdate(status: .inProgress, pauseBehavior: .skip),
                RecordingUpdate(status: .paused, pauseBehavior: "mute"),
            ] {
                let error = await compatError {
                    try await client.updateConferenceRecording(conference: conference.sid, sid: recording.sid, update)
                }
                guard case .invalidRequest? = error else {
                    Issue.record("\(update) was not refused: \(String(describing: error))")
                    continue
                }
            }
            let start = StartCallRecordingRequest(statusCallback: "ftp://example.com", statusCallbackEvents: ["finished"])
            let error = await compatError { try await client.startCallRecording(call: "any", start) }
            #expect(error?.operatorMessage.contains("RecordingStatusCallback must be an absolute http(s) URL") == true)
            #expect(await server.requests().isEmpty)
            #expect(await server.world.recordings(conferenceSid: conference.sid)?.first?.status == "in-progress")
        }
    }

    @Test func recordsOneCallAndPausesAndStopsIt() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Legs", participants: 2)
            let call = try #require(await server.world.participants(conferenceSid: conference.sid).first?.callSid)
            let recording = try await client.startCallRecording(
                call: call, StartCallRecordingRequest(channels: .dual, track: .inbound, trim: .trimSilence))
            #expect(recording.callSid == call && recording.conferenceSid == nil)
            #expect(recording.channels == 2 && recording.source == .startCallRecordingAPI && recording.status == .inProgress)
            let paused = try await client.updateCallRecording(call: call, sid: recording.sid, .pause(.skip))
            #expect(paused.status == .paused)
            let resumed = try await client.updateCallRecording(call: call, sid: recording.sid, .resume)
            #expect(resumed.status == .inProgress)
            let stopped = try await client.updateCallRecording(call: call, sid: recording.sid, .stop)
            #expect(stopped.status == .stopped)
            let refused = await compatError { try await client.updateCallRecording(call: call, sid: recording.sid, .resume) }
            #expect(refused?.serviceError?.code == 21220)
            #expect(refused?.operatorMessage.contains("cannot be resumed") == true)
            let snapshot = await server.world.callRecordings(callSid: call)
            #expect(snapshot.first?.track == "inbound")
        }
    }

    @Test func streamsOneCallAndStopsIt() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Stream a leg", participants: 2)
            let call = try #require(await server.world.participants(conferenceSid: conference.sid).first?.callSid)
            let stream = try await client.startCallStream(
                call: call,
                StartCallStreamRequest(
                    url: "wss://media.example.com/leg", name: "leg-1", track: .inbound, bearerToken: "secret-token",
                    parameters: [StreamParameter(name: "who", value: "agent")]))
            #expect(stream.callSid == call && stream.name == "leg-1" && stream.status == .queued)
            let seen = try #require(await server.world.callStream(sid: stream.sid))
            #expect(seen.track == "inbound_track" && seen.codec == nil && seen.hasBearerToken)
            #expect(seen.conferenceSid == conference.sid)
            let stopped = try await client.stopCallStream(call: call, stream: stream.sid)
            #expect(stopped.status == .stopped)

            // The conference form's codec cannot travel on a call stream: refused, not dropped.
            await server.clearRequests()
            let form = StartStreamRequest(url: "wss://media.example.com/leg", codec: .pcmu)
            let codec = await compatError { try await client.startCallStream(call: call, StartCallStreamRequest(form)) }
            #expect(codec?.operatorMessage.contains("StreamCodec") == true)
            let insecure = await compatError {
                try await client.startCallStream(call: call, StartCallStreamRequest(url: "ws://media.example.com/leg"))
            }
            #expect(insecure?.operatorMessage.contains("wss://") == true)
            #expect(await server.requests().isEmpty)
            #expect(StartCallStreamRequest(url: "wss://x.example.com", bearerToken: "secret-token").description.contains("secret") == false)
        }
    }

    @Test func coachesAnotherParticipantAndTheRefusalIsTheServices() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Coaching", participants: 3)
            let calls = await server.world.participants(conferenceSid: conference.sid).map(\.callSid)
            let coach = try await client.coach(conference: conference.sid, coach: calls[1], callSidToCoach: calls[2])
            #expect(coach.coaching && coach.callSidToCoach == calls[2])
            #expect(await server.world.participantState(conferenceSid: conference.sid, callSid: calls[2])?.coachedBy == [calls[1]])

            // Coaching a call that is not in the conference: code 16002 in the service's words,
            // and the would-be coach is unchanged.
            let elsewhere = await server.world.createConference(friendlyName: "Elsewhere", participants: 1)
            let stranger = try #require(await server.world.participants(conferenceSid: elsewhere.sid).first?.callSid)
            let refused = await compatError {
                try await client.coach(conference: conference.sid, coach: calls[0], callSidToCoach: stranger)
            }
            #expect(refused?.serviceError?.code == 16002)
            #expect(
                refused?.operatorMessage
                    == "request refused (422): CallSidToCoach \(stranger) is not a participant in conference \(conference.sid) [code 16002]")
            let unchanged = try await client.participant(conference: conference.sid, callSid: calls[0])
            #expect(!unchanged.coaching && unchanged.callSidToCoach == nil)

            let ended = try await client.stopCoaching(conference: conference.sid, callSid: calls[1])
            #expect(!ended.coaching && ended.callSidToCoach == nil)

            let announced = try await client.announceToParticipant(
                conference: conference.sid, callSid: calls[0], url: "https://example.com/whisper.xml", method: .post)
            #expect(announced.callSid == calls[0])
            #expect(
                await server.world.participantState(conferenceSid: conference.sid, callSid: calls[0])?.lastAnnouncement
                    == "https://example.com/whisper.xml")

            await server.clearRequests()
            let noTarget = await compatError {
                try await client.updateParticipant(
                    conference: conference.sid, callSid: calls[0], ParticipantUpdate(coaching: true))
            }
            #expect(noTarget?.operatorMessage == "Coaching needs CallSidToCoach: the call to coach")
            let badURL = await compatError {
                try await client.announceToParticipant(conference: conference.sid, callSid: calls[0], url: "whisper.xml")
            }
            #expect(badURL?.operatorMessage == "AnnounceUrl must be an absolute http(s) URL")
            #expect(await server.requests().isEmpty)
        }
    }
}
