import CompatAPI
import Emulator
import Foundation
import Testing

/// The emulator accepts requests exactly as the real SDKs send them (fact sheet §7), and
/// answers with bodies that match the spec's schemas field for field.
@Suite struct SDKRequestTests {
    @Test func twilioPythonFormRequestsAreServed() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 3)
            let form = [("Content-Type", "application/x-www-form-urlencoded")]

            // twilio-python sends the form content type even on GET, with `.json` on every path.
            let list = try await api.send("GET", "\(api.twilio)/Conferences.json?PageSize=5", headers: form, body: "")
            #expect(list.status == 200)
            #expect((list.object["conferences"] as? [Any])?.count == 5)
            await expectMatchesSpec(list.body, schema: "ConferenceListResponse")

            let fetched = try await api.send("GET", "\(api.twilio)/Conferences/\(conference.sid).json", headers: form)
            #expect(fetched.status == 200)
            #expect(fetched.object["sid"] as? String == conference.sid)
            await expectMatchesSpec(fetched.body, schema: "ConferenceResponse")

            let participants = try await api.send(
                "GET", "\(api.twilio)/Conferences/\(conference.sid)/Participants.json", headers: form)
            #expect(participants.status == 200)
            await expectMatchesSpec(participants.body, schema: "ConferenceParticipantListResponse")
            let callSid = try #require(
                (participants.object["participants"] as? [[String: Any]])?.last?["call_sid"] as? String)

            // twilio 6 inside the signalwire package capitalises booleans: True / False.
            for (text, expected) in [("True", true), ("false", false), ("TRUE", true)] {
                let muted = try await api.postForm(
                    "\(api.twilio)/Conferences/\(conference.sid)/Participants/\(callSid).json", [("Muted", text)])
                #expect(muted.status == 200, "Muted=\(text): \(muted.body)")
                #expect(muted.object["muted"] as? Bool == expected)
                await expectMatchesSpec(muted.body, schema: "ConferenceParticipantResponse")
            }
            let held = try await api.postForm(
                "\(api.twilio)/Conferences/\(conference.sid)/Participants/\(callSid).json",
                [("Hold", "true"), ("HoldUrl", "https://example.com/hold.xml"), ("HoldMethod", "GET")])
            #expect(held.object["hold"] as? Bool == true)
        }
    }

    @Test func signalwireSDKJSONRequestsAreServed() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let json = [("Content-Type", "application/json")]

            // signalwire-sdk: the /api/laml prefix without `.json`, a JSON content type on GET too.
            let list = try await api.send(
                "GET", "\(api.laml)/Conferences?Status=in-progress", headers: json, body: "{}")
            #expect(list.status == 200)
            let statuses = (list.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == "in-progress" })
            await expectMatchesSpec(list.body, schema: "ConferenceListResponse")

            let participants = await api.world.participants(conferenceSid: conference.sid)
            let callSid = try #require(participants.first?.callSid)
            let muted = try await api.postJSON(
                "\(api.laml)/Conferences/\(conference.sid)/Participants/\(callSid)", #"{"Muted": true}"#)
            #expect(muted.status == 200)
            #expect(muted.object["muted"] as? Bool == true)

            let started = try await api.postJSON(
                "\(api.laml)/Conferences/\(conference.sid)/Streams",
                #"{"Url": "wss://media.example.com/ws", "Name": "sdk", "StreamRealTime": true, "Parameter1.Name": "team", "Parameter1.Value": "ops"}"#
            )
            #expect(started.status == 200, "\(started.body)")
            #expect(started.object["status"] as? String == "queued")
            #expect(started.object["name"] as? String == "sdk")
            await expectMatchesSpec(started.body, schema: "ConferenceStreamResponse")
            let streamSid = try #require(started.object["sid"] as? String)
            let snapshot = try #require(await api.world.stream(sid: streamSid))
            #expect(snapshot.realTime == true)
            #expect(snapshot.parameters == [StreamParameter(name: "team", value: "ops")])

            let stopped = try await api.postJSON(
                "\(api.laml)/Conferences/\(conference.sid)/Streams/\(streamSid)", #"{"Status": "stopped"}"#)
            #expect(stopped.status == 200)
            #expect(stopped.object["status"] as? String == "stopped")
            await expectMatchesSpec(stopped.body, schema: "ConferenceStreamResponse")
        }
    }

    @Test func percentEncodedQueryKeysFilterConferences() async throws {
        try await withEmulator { api in
            let today = Self.utcDay(Date())
            let fresh = await api.world.createConference(friendlyName: "Zürich Ops late", participants: 2)

            let after = try await api.send("GET", "\(api.laml)/Conferences?DateCreated%3E=\(today)&PageSize=1000")
            #expect(after.status == 200)
            let sids = (after.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            #expect(sids.contains(fresh.sid))

            let before = try await api.send("GET", "\(api.laml)/Conferences?DateCreated%3C=2001-01-01")
            #expect((before.object["conferences"] as? [Any])?.isEmpty == true)

            let named = try await api.send(
                "GET", "\(api.laml)/Conferences?FriendlyName=\(FormEncoding.escape("Zürich Ops late"))")
            let names = (named.object["conferences"] as? [[String: Any]] ?? []).compactMap {
                $0["friendly_name"] as? String
            }
            #expect(names == ["Zürich Ops late"])

            // Every link carries the filter, encoded the same way, so following it keeps filtering.
            let paged = try await api.send("GET", "\(api.laml)/Conferences?DateCreated%3E=2001-01-01&PageSize=2")
            let next = try #require(paged.object["next_page_uri"] as? String)
            #expect(next.hasPrefix("/api/laml/2010-04-01/Accounts/\(api.account)/Conferences?"))
            #expect(next.contains("DateCreated%3E=2001-01-01"))
            #expect(next.contains("PageSize=2") && next.contains("Page=1") && next.contains("PageToken=PA"))
        }
    }

    @Test func codecWithAtSignArrivesEncodedInAFormBody() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let response = try await api.send(
                "POST", "\(api.twilio)/Conferences/\(conference.sid)/Streams.json",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "Url=wss%3A%2F%2Fmedia.example.com%2Fstream&StreamCodec=L16%4016000h&Track=inbound_track")
            #expect(response.status == 200, "\(response.body)")
            let sid = try #require(response.object["sid"] as? String)
            let snapshot = try #require(await api.world.stream(sid: sid))
            #expect(snapshot.codec == "L16@16000h")
            #expect(snapshot.track == "inbound_track")
            #expect(snapshot.url == "wss://media.example.com/stream")
        }
    }

    @Test func removingAParticipantAnswers204AndItIsGone() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 3)
            let callSid = try #require(await api.world.participants(conferenceSid: conference.sid).last?.callSid)
            let path = "\(api.laml)/Conferences/\(conference.sid)/Participants/\(callSid)"
            let removed = try await api.send("DELETE", path)
            #expect(removed.status == 204)
            #expect(removed.body.isEmpty)
            let fetched = try await api.send("GET", path)
            #expect(fetched.status == 404)
            #expect(fetched.object["code"] as? Int == 20404)
            #expect(await api.world.participants(conferenceSid: conference.sid).count == 2)
        }
    }

    static func utcDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
