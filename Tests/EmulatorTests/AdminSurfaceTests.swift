import CompatAPI
import Emulator
import Foundation
import Testing

/// The admin surface shows what the API hides (url, track, codec, parameters), never a
/// bearer token, and records what clients sent.
@Suite struct AdminSurfaceTests {
    @Test func streamDetailsShowEverythingButTheBearerToken() async throws {
        try await withEmulator { api in
            let created = try await Emulated.send(
                "POST", api.server.adminURL + "/conferences", headers: [("Content-Type", "application/json")],
                body: #"{"friendlyName": "🚑 on-call", "participants": 4, "status": "in-progress"}"#)
            #expect(created.status == 200)
            await expectMatchesSpec(created.body, schema: "ConferenceResponse")
            let sid = try #require(created.object["sid"] as? String)
            #expect(created.object["friendly_name"] as? String == "🚑 on-call")

            let started = try await api.postForm(
                "\(api.laml)/Conferences/\(sid)/Streams",
                [
                    ("Url", "wss://media.example.com/ws"), ("Name", "rec"), ("StreamCodec", "PCMA"),
                    ("AuthorizationBearerToken", "top-secret-token"), ("Parameter1.Name", "tenant"),
                    ("Parameter1.Value", "acme"),
                ])
            #expect(started.status == 200)

            let streams = try await Emulated.send("GET", api.server.adminURL + "/conferences/\(sid)/streams")
            #expect(streams.status == 200)
            #expect(!streams.body.contains("top-secret-token"))
            let stream = try #require(streams.array.first)
            #expect(stream["hasBearerToken"] as? Bool == true)
            #expect(stream["url"] as? String == "wss://media.example.com/ws")
            #expect(stream["codec"] as? String == "PCMA")
            #expect(stream["track"] as? String == "both_tracks")
            #expect((stream["parameters"] as? [[String: String]]) == [["name": "tenant", "value": "acme"]])

            let summaries = try await Emulated.send("GET", api.server.adminURL + "/conferences")
            let summary = try #require(summaries.array.first { $0["sid"] as? String == sid })
            #expect(summary["participants"] as? Int == 4)
            #expect(summary["streams"] as? Int == 1)
        }
    }

    @Test func requestLogKeepsWhatClientsSent() async throws {
        try await withEmulator { api in
            _ = try await api.send(
                "GET", "\(api.twilio)/Conferences.json?DateCreated%3E=2024-01-01",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            let log = try await Emulated.send("GET", api.server.adminURL + "/requests")
            let entry = try #require(log.array.last)
            #expect(entry["method"] as? String == "GET")
            #expect(entry["path"] as? String == "\(api.twilio)/Conferences.json")
            #expect(entry["query"] as? String == "DateCreated%3E=2024-01-01")
            #expect(entry["contentType"] as? String == "application/x-www-form-urlencoded")
            #expect(entry["status"] as? Int == 200)
            #expect(!log.body.contains(EmulatorConfiguration.demoAPIToken))
        }
    }
}
