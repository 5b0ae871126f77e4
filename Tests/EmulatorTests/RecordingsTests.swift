import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// Conference recordings (some from the start; pause with skip or silence, resume, stop,
/// completed, delete), call recordings and call streams with signed callbacks, and coaching.
/// Serialized: beside the other suites' emulators on two cores, thirty more tests at once
/// held the fault tests' virtual-clock requests past their clients' 30 s deadline.
@Suite(.serialized) struct RecordingsTests {
    @Test func someSeededConferencesRecordFromTheStart() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { api in
            var live = 0
            var completed = 0
            for summary in await api.world.summaries() {
                for recording in await api.world.recordings(conferenceSid: summary.sid) ?? [] {
                    if summary.status == "completed" {
                        #expect(recording.status == "completed")
                        completed += 1
                    } else {
                        #expect(recording.status == "in-progress")
                        live += 1
                    }
                }
            }
            #expect(live > 0 && completed > 0)
        }
    }

    @Test func lifecycleInProgressPausedResumedStoppedCompletedDeleted() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let conference = await api.liveConference(participants: 2)
            let admin = "/__admin/conferences/\(conference.sid)/recordings"
            let created = try await api.send("POST", admin)
            #expect(created.status == 200)
            let sid = try #require(created.object["sid"] as? String)
            let path = "\(api.twilio)/Conferences/\(conference.sid)/Recordings"

            let list = try await api.send("GET", "\(path).json")
            #expect(list.status == 200)
            await expectMatchesSpec(list.body, schema: "ConferenceRecordingListResponse")
            #expect((list.object["recordings"] as? [[String: Any]])?.first?["status"] as? String == "in-progress")

            await clock.advance(by: .seconds(10))
            let paused = try await api.postForm("\(path)/\(sid).json", [("Status", "paused"), ("PauseBehavior", "skip")])
            #expect(paused.status == 200, "\(paused.body)")
            await expectMatchesSpec(paused.body, schema: "ConferenceRecordingResponse")
            #expect(paused.object["status"] as? String == "paused")
            #expect(paused.object["duration"] as? Int == 10)
            // skip: the pause is left out of the file.
            await clock.advance(by: .seconds(5))
            let state = try await api.send("GET", admin)
            #expect(state.array.first?["pauseBehavior"] as? String == "skip")
            #expect(state.array.first?["duration"] as? Int == 10)

            let resumed = try await api.postForm("\(path)/\(sid).json", [("Status", "in-progress")])
            #expect(resumed.object["status"] as? String == "in-progress")
            await clock.advance(by: .seconds(5))
            // silence: the pause is recorded as silence, so the file keeps growing.
            let silent = try await api.postForm("\(path)/\(sid).json", [("Status", "paused"), ("PauseBehavior", "silence")])
            #expect(silent.object["duration"] as? Int == 15)
            await clock.advance(by: .seconds(5))
            #expect(try await api.send("GET", "\(path)/\(sid).json").object["duration"] as? Int == 20)

            let stopped = try await api.postForm("\(path)/\(sid).json", [("Status", "stopped")])
            #expect(stopped.object["status"] as? String == "stopped")
            #expect(stopped.object["end_time"] as? String != nil)
            // Pausing a stopped recording is refused in the spec's shape for this operation.
            let refused = try await api.postForm("\(path)/\(sid).json", [("Status", "paused")])
            #expect(refused.status == 422)
            await expectMatchesSpec(refused.body, schema: "CompatibilityErrorStringArrayResponse")
            #expect((refused.object["errors"] as? [String])?.first?.contains("cannot be paused") == true)

            await clock.advance(by: .seconds(2))
            #expect(
                await eventually {
                    (try? await api.send("GET", "\(path)/\(sid).json").object["status"] as? String) == "completed"
                })
            let resumeCompleted = try await api.postForm("\(path)/\(sid).json", [("Status", "in-progress")])
            #expect(resumeCompleted.status == 422)

            let deleted = try await api.send("DELETE", "\(path)/\(sid).json")
            #expect(deleted.status == 204)
            let gone = try await api.send("GET", "\(path)/\(sid).json")
            #expect(gone.status == 404)
            #expect(gone.object["code"] as? Int == 20404)
            await expectMatchesSpec(gone.body, schema: "CompatibilityErrorResponse")
            #expect(try await api.send("GET", admin).array.isEmpty)
        }
    }

    @Test func badRecordingUpdatesAndUnknownSidsAreRefused() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let sid = try #require(try await api.send("POST", "/__admin/conferences/\(conference.sid)/recordings").object["sid"] as? String)
            let path = "\(api.laml)/Conferences/\(conference.sid)/Recordings"
            for body in [[("Status", "resumed")], [("PauseBehavior", "skip")], [("Status", "paused"), ("PauseBehavior", "mute")]] {
                let refused = try await api.postForm("\(path)/\(sid)", body)
                #expect(refused.status == 422, "\(body)")
                #expect((refused.object["errors"] as? [String])?.isEmpty == false, "\(body)")
            }
            let missing = UUID().uuidString.lowercased()
            for (method, target) in [
                ("GET", "\(path)/\(missing)"), ("DELETE", "\(path)/\(missing)"),
                ("GET", "\(api.laml)/Conferences/\(missing)/Recordings"),
            ] {
                let response = try await api.send(method, target)
                #expect(response.status == 404, "\(method) \(target)")
                #expect(response.object["code"] as? Int == 20404)
            }
            let update = try await api.postForm("\(path)/\(missing)", [("Status", "paused")])
            #expect(update.status == 404)
            #expect(await api.world.recordings(conferenceSid: conference.sid)?.first?.status == "in-progress")
        }
    }

    @Test func endingTheConferenceStopsAndCompletesItsRecordings() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let conference = await api.liveConference()
            _ = try await api.send("POST", "/__admin/conferences/\(conference.sid)/recordings")
            _ = try await api.postForm("\(api.laml)/Conferences/\(conference.sid)", [("Status", "completed")])
            #expect(await api.world.recordings(conferenceSid: conference.sid)?.first?.status == "stopped")
            await clock.advance(by: .seconds(2))
            #expect(await eventually { await api.world.recordings(conferenceSid: conference.sid)?.first?.status == "completed" })
        }
    }

    @Test func callRecordingsSendSignedStatusCallbacks() async throws {
        let receiver = try await CallbackReceiver.start()
        let clock = TestClock<Duration>()
        do {
            try await withEmulator(clock: clock) { api in
                let conference = await api.liveConference(participants: 2)
                let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
                let path = "\(api.twilio)/Calls/\(call)/Recordings"
                let started = try await api.postForm(
                    "\(path).json",
                    [
                        ("RecordingChannels", "dual"), ("RecordingTrack", "inbound"),
                        ("RecordingStatusCallback", receiver.url),
                        ("RecordingStatusCallbackEvent", "in-progress completed"),
                    ])
                #expect(started.status == 200, "\(started.body)")
                await expectMatchesSpec(started.body, schema: "CallRecordingResponse")
                #expect(started.object["call_sid"] as? String == call)
                #expect(started.object["channels"] as? String == "2")
                #expect(started.object["source"] as? String == "StartCallRecordingApi")
                let sid = try #require(started.object["sid"] as? String)
                #expect(await eventually { await receiver.received.count == 1 })

                await clock.advance(by: .seconds(4))
                let paused = try await api.postForm("\(path)/\(sid).json", [("Status", "paused"), ("PauseBehavior", "skip")])
                #expect(paused.object["status"] as? String == "paused")
                await expectMatchesSpec(paused.body, schema: "CallRecordingResponse")
                let stopped = try await api.postForm("\(path)/\(sid).json", [("Status", "stopped")])
                #expect(stopped.object["status"] as? String == "stopped")
                let refused = try await api.postForm("\(path)/\(sid).json", [("Status", "paused")])
                #expect(refused.status == 422)
                #expect(refused.object["code"] as? Int == 21220)
                await expectMatchesSpec(refused.body, schema: "CompatibilityErrorResponse")
                await clock.advance(by: .seconds(2))
                #expect(await eventually { await receiver.received.count == 2 })

                let received = await receiver.received
                #expect(received.map { $0.field("RecordingStatus") } == ["in-progress", "completed"])
                #expect(received.last?.field("RecordingDuration") == "4")
                let last = try #require(received.last)
                let payload = Dictionary(last.fields, uniquingKeysWith: { a, _ in a })
                let json = String(
                    decoding: try JSONSerialization.data(
                        withJSONObject: payload.mapValues { value -> Any in Int(value) ?? value }), as: UTF8.self)
                await expectMatchesSpec(json, schema: "RecordingStatusCallbackPayload")
                for callback in received {
                    #expect(callback.field("CallSid") == call)
                    #expect(callback.field("RecordingSid") == sid)
                    #expect(callback.field("RecordingChannels") == "2")
                    #expect(callback.field("RecordingSource") == "StartCallRecordingApi")
                    let signature = try #require(callback.signature)
                    #expect(
                        WebhookSignature.verify(
                            signature: signature, url: receiver.url, parameters: callback.fields,
                            key: EmulatorConfiguration.demoSigningKey))
                }
                let snapshot = try await api.send("GET", "/__admin/calls/\(call)/recordings")
                #expect(snapshot.array.first?["track"] as? String == "inbound")
                #expect(snapshot.array.first?["status"] as? String == "completed")

                // A call that has ended cannot be recorded; an unknown one is not found.
                let other = try #require(await api.world.participants(conferenceSid: conference.sid).last?.callSid)
                _ = try await api.send("DELETE", "\(api.laml)/Conferences/\(conference.sid)/Participants/\(other)")
                let late = try await api.postForm("\(api.laml)/Calls/\(other)/Recordings", [])
                #expect(late.status == 422)
                #expect(late.object["code"] as? Int == 21220)
                let unknown = try await api.postForm("\(api.laml)/Calls/\(UUID().uuidString.lowercased())/Recordings", [])
                #expect(unknown.status == 404)
                let bad = try await api.postForm("\(api.laml)/Calls/\(call)/Recordings", [("RecordingChannels", "stereo")])
                #expect(bad.status == 422)
                #expect(bad.object["code"] as? Int == 10000)
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func callStreamsFollowTheStreamLifecycleWithCallbacks() async throws {
        let receiver = try await CallbackReceiver.start()
        let clock = TestClock<Duration>()
        do {
            try await withEmulator(clock: clock) { api in
                let conference = await api.liveConference(participants: 2)
                let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
                let path = "\(api.twilio)/Calls/\(call)/Streams"
                let started = try await api.postForm(
                    "\(path).json",
                    [
                        ("Url", "wss://media.example.com/agent"), ("Name", "agent-leg"), ("Track", "inbound_track"),
                        ("StatusCallback", receiver.url), ("StatusCallbackMethod", "POST"),
                        ("AuthorizationBearerToken", "very-secret"),
                        ("Parameter1.Name", "team"), ("Parameter1.Value", "ops"),
                    ])
                #expect(started.status == 200, "\(started.body)")
                await expectMatchesSpec(started.body, schema: "CallStreamResponse")
                #expect(started.object["status"] as? String == "queued")
                #expect(started.object["call_sid"] as? String == call)
                let sid = try #require(started.object["sid"] as? String)
                await clock.advance(by: .seconds(2))
                #expect(await eventually { await receiver.received.count == 1 })
                let streams = try await api.send("GET", "/__admin/calls/\(call)/streams")
                #expect(streams.array.first?["status"] as? String == "in-progress")
                #expect(streams.array.first?["hasBearerToken"] as? Bool == true)
                #expect(streams.array.first?["conferenceSid"] as? String == conference.sid)

                let duplicate = try await api.postForm(path, [("Url", "wss://media.example.com/x"), ("Name", "agent-leg")])
                #expect(duplicate.status == 422)
                await expectMatchesSpec(duplicate.body, schema: "CompatibilityErrorResponse")

                // By name, as the spec's "used to stop a Stream by name" allows.
                let stopped = try await api.postForm("\(path)/agent-leg.json", [("Status", "stopped")])
                #expect(stopped.status == 200)
                #expect(stopped.object["sid"] as? String == sid)
                #expect(stopped.object["status"] as? String == "stopped")
                await expectMatchesSpec(stopped.body, schema: "CallStreamResponse")
                #expect(await eventually { await receiver.received.count == 2 })
                let received = await receiver.received
                #expect(received.map { $0.field("StreamEvent") } == ["stream-started", "stream-stopped"])
                for callback in received {
                    #expect(callback.field("CallSid") == call)
                    #expect(callback.field("ConferenceSid") == conference.sid)
                    #expect(callback.field("StreamSid") == sid)
                    #expect(callback.field("StreamName") == "agent-leg")
                    #expect(!callback.body.contains("very-secret"))
                    #expect(
                        WebhookSignature.verify(
                            signature: callback.signature ?? "", url: receiver.url, parameters: callback.fields,
                            key: EmulatorConfiguration.demoSigningKey))
                }
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func callStreamsTakeNoCodecAndNeedALiveCall() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 2)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            let path = "\(api.laml)/Calls/\(call)/Streams"
            let codec = try await api.postForm(path, [("Url", "wss://media.example.com/ws"), ("StreamCodec", "PCMU")])
            #expect(codec.status == 422)
            #expect(codec.object["code"] as? Int == 10000)
            #expect((codec.object["message"] as? String)?.contains("StreamCodec") == true)
            let insecure = try await api.postForm(path, [("Url", "ws://media.example.com/ws")])
            #expect(insecure.status == 422)
            #expect(insecure.object["code"] as? Int == 31922)
            await expectMatchesSpec(insecure.body, schema: "CompatibilityErrorResponse")
            #expect(await api.world.callStreams(callSid: call).isEmpty)

            _ = try await api.postForm("\(api.laml)/Conferences/\(conference.sid)", [("Status", "completed")])
            let ended = try await api.postForm(path, [("Url", "wss://media.example.com/ws")])
            #expect(ended.status == 422)
            #expect(ended.object["code"] as? Int == 21220)
            let unknown = try await api.postForm(
                "\(api.laml)/Calls/\(call)/Streams/\(UUID().uuidString.lowercased())", [("Status", "stopped")])
            #expect(unknown.status == 404)
            #expect(unknown.object["code"] as? Int == 20404)
        }
    }

    @Test func coachingAnotherParticipantAndTheServiceRefusal() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 3)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            let path = "\(api.twilio)/Conferences/\(conference.sid)/Participants"
            let coached = try await api.postForm(
                "\(path)/\(calls[1]).json", [("Coaching", "true"), ("CallSidToCoach", calls[2])])
            #expect(coached.status == 200, "\(coached.body)")
            #expect(coached.object["coaching"] as? Bool == true)
            #expect(coached.object["call_sid_to_coach"] as? String == calls[2])
            let state = try await api.send("GET", "/__admin/conferences/\(conference.sid)/participants/\(calls[2])")
            #expect(state.object["coachedBy"] as? [String] == [calls[1]])

            let other = await api.liveConference(participants: 2)
            let stranger = try #require(await api.world.participants(conferenceSid: other.sid).first?.callSid)
            let refused = try await api.postForm(
                "\(path)/\(calls[0]).json", [("Coaching", "true"), ("CallSidToCoach", stranger)])
            #expect(refused.status == 422)
            #expect(refused.object["code"] as? Int == 16002)
            #expect((refused.object["message"] as? String)?.contains("is not a participant") == true)
            await expectMatchesSpec(refused.body, schema: "CompatibilityErrorResponse")
            #expect(await api.world.participantState(conferenceSid: conference.sid, callSid: calls[0])?.coaching == false)

            let announced = try await api.postForm(
                "\(path)/\(calls[0]).json", [("AnnounceUrl", "https://example.com/one.xml"), ("AnnounceMethod", "GET")])
            #expect(announced.status == 200)
            #expect(
                await api.world.participantState(conferenceSid: conference.sid, callSid: calls[0])?.lastAnnouncement
                    == "https://example.com/one.xml")

            let ended = try await api.postForm("\(path)/\(calls[1]).json", [("Coaching", "false")])
            #expect(ended.object["coaching"] as? Bool == false)
            #expect(ended.object["call_sid_to_coach"] is NSNull)
        }
    }
}
