import CompatAPI
import Emulator
import Foundation
import Testing

/// The second wave's requests exactly as twilio-python 9.x sends them (fact sheet §7): the
/// `/2010-04-01/….json` path form, a form content type even on GET, `true`/`false` booleans, only
/// the parameters given, and `next_page_uri` followed from the host. Each answer is checked
/// against the spec's schema for it.
/// Serialized: beside the other suites' emulators on two cores, thirty more tests at once
/// held the fault tests' virtual-clock requests past their clients' 30 s deadline.
@Suite(.serialized) struct SDKCallRequestTests {
    static let form = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]

    /// `client.calls.list(status='in-progress')`: one GET with `Status`, then every
    /// `next_page_uri` as given (twilio-python sends no PageSize unless asked).
    @Test func callsListInProgress() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 40)) { api in
            var url = "\(api.twilio)/Calls.json?Status=in-progress"
            var sids: [String] = []
            while true {
                let page = try await api.send("GET", url, headers: Self.form, body: "")
                #expect(page.status == 200)
                await expectMatchesSpec(page.body, schema: "CallListResponse")
                let calls = page.object["calls"] as? [[String: Any]] ?? []
                #expect(calls.allSatisfy { $0["status"] as? String == "in-progress" })
                sids += calls.compactMap { $0["sid"] as? String }
                guard let next = page.object["next_page_uri"] as? String else { break }
                url = next
            }
            let live = await api.world.calls().filter { $0.status == .inProgress }.map(\.sid)
            #expect(live.count > 50)  // more than one page of the default 50
            #expect(sids == live)
        }
    }

    /// `client.conferences(c).recordings.list()` and
    /// `client.conferences(c).recordings(r).update(status='paused', pause_behavior='skip')`.
    @Test func conferenceRecordingsListAndPause() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let recording = try await api.world.startConferenceRecording(conferenceSid: conference.sid)
            let list = try await api.send(
                "GET", "\(api.twilio)/Conferences/\(conference.sid)/Recordings.json", headers: Self.form, body: "")
            #expect(list.status == 200)
            await expectMatchesSpec(list.body, schema: "ConferenceRecordingListResponse")
            #expect((list.object["recordings"] as? [[String: Any]])?.map { $0["sid"] as? String } == [recording.sid])

            let paused = try await api.send(
                "POST", "\(api.twilio)/Conferences/\(conference.sid)/Recordings/\(recording.sid).json",
                headers: Self.form, body: "Status=paused&PauseBehavior=skip")
            #expect(paused.status == 200, "\(paused.body)")
            await expectMatchesSpec(paused.body, schema: "ConferenceRecordingResponse")
            #expect(paused.object["status"] as? String == "paused")
            #expect(await api.world.recordings(conferenceSid: conference.sid)?.first?.pauseBehavior == "skip")
        }
    }

    /// `client.conferences(c).participants(p).update(coaching=True, call_sid_to_coach=q)`.
    @Test func participantCoaching() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 2)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            let coached = try await api.send(
                "POST", "\(api.twilio)/Conferences/\(conference.sid)/Participants/\(calls[0]).json",
                headers: Self.form, body: "Coaching=true&CallSidToCoach=\(calls[1])")
            #expect(coached.status == 200, "\(coached.body)")
            await expectMatchesSpec(coached.body, schema: "ConferenceParticipantResponse")
            #expect(coached.object["coaching"] as? Bool == true)
            #expect(coached.object["call_sid_to_coach"] as? String == calls[1])
        }
    }

    /// `client.calls(c).streams.create(url=…, name=…, track=…, status_callback=…,
    /// status_callback_method=…, parameter1_name=…, parameter1_value=…)`.
    @Test func callStreamCreate() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 2)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            let body = FormEncoding.encode([
                ("Url", "wss://media.example.com/stream"), ("Name", "sdk-leg"), ("Track", "both_tracks"),
                ("StatusCallback", "http://127.0.0.1:9/stream"), ("StatusCallbackMethod", "POST"),
                ("Parameter1.Name", "team"), ("Parameter1.Value", "ops"),
            ])
            let created = try await api.send(
                "POST", "\(api.twilio)/Calls/\(call)/Streams.json", headers: Self.form, body: body)
            #expect(created.status == 200, "\(created.body)")
            await expectMatchesSpec(created.body, schema: "CallStreamResponse")
            #expect(created.object["name"] as? String == "sdk-leg")
            let sid = try #require(created.object["sid"] as? String)
            let snapshot = try #require(await api.world.callStream(sid: sid))
            #expect(snapshot.parameters == [StreamParameter(name: "team", value: "ops")])
            #expect(snapshot.callSid == call)

            // `client.calls(c).streams(sid).update(status='stopped')`.
            let stopped = try await api.send(
                "POST", "\(api.twilio)/Calls/\(call)/Streams/\(sid).json", headers: Self.form, body: "Status=stopped")
            #expect(stopped.status == 200)
            await expectMatchesSpec(stopped.body, schema: "CallStreamResponse")
        }
    }

    /// signalwire-sdk 3.0.x's compat namespace: `/api/laml` without `.json`, JSON bodies.
    @Test func signalwireSDKJSONBodiesOnTheNewPaths() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 2)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            let json = [("Content-Type", "application/json")]
            let list = try await api.send("GET", "\(api.laml)/Calls?Status=in-progress", headers: json, body: "{}")
            #expect(list.status == 200)
            let coached = try await api.postJSON(
                "\(api.laml)/Conferences/\(conference.sid)/Participants/\(calls[0])",
                #"{"Coaching": true, "CallSidToCoach": "\#(calls[1])"}"#)
            #expect(coached.object["coaching"] as? Bool == true)
            let recording = try await api.postJSON("\(api.laml)/Calls/\(calls[1])/Recordings", #"{"RecordingChannels": "mono"}"#)
            #expect(recording.status == 200, "\(recording.body)")
            await expectMatchesSpec(recording.body, schema: "CallRecordingResponse")
        }
    }
}
