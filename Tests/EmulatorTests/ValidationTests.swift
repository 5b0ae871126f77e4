import CompatAPI
import Emulator
import Foundation
import Testing

/// The emulator refuses what the service refuses, with the service's codes and error shapes.
@Suite struct ValidationTests {
    @Test func badCredentialsAnswer401WithCode20003() async throws {
        try await withEmulator { api in
            let wrongToken = try await api.send(
                "GET", "\(api.laml)/Conferences",
                authorization: Emulated.basicAuth(EmulatorConfiguration.demoProjectID, "PTwrong"))
            #expect(wrongToken.status == 401)
            #expect(wrongToken.object["code"] as? Int == 20003)
            #expect(wrongToken.object["message"] as? String == "Authentication Failed")
            #expect(wrongToken.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            await expectMatchesSpec(wrongToken.body, schema: "CompatibilityErrorResponse")

            let none = try await api.send("GET", "\(api.laml)/Conferences", authorization: nil)
            #expect(none.status == 401)

            // Good credentials, somebody else's account in the path.
            let otherAccount = try await api.send("GET", "/api/laml/2010-04-01/Accounts/\(UUID())/Conferences")
            #expect(otherAccount.status == 401)
            #expect(otherAccount.object["code"] as? Int == 20003)
        }
    }

    @Test func unknownSidsAnswer404WithCode20404() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let missing = UUID().uuidString.lowercased()
            for path in [
                "\(api.laml)/Conferences/\(missing)",
                "\(api.laml)/Conferences/\(missing)/Participants",
                "\(api.laml)/Conferences/\(conference.sid)/Participants/\(missing)",
            ] {
                let response = try await api.send("GET", path)
                #expect(response.status == 404, "\(path)")
                #expect(response.object["code"] as? Int == 20404)
                await expectMatchesSpec(response.body, schema: "CompatibilityErrorResponse")
            }
            let stop = try await api.postForm(
                "\(api.laml)/Conferences/\(conference.sid)/Streams/\(missing)", [("Status", "stopped")])
            #expect(stop.status == 404)
            #expect(stop.object["code"] as? Int == 20404)
        }
    }

    @Test func streamUrlMustBeAbsoluteWssWithoutQuery() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            for url in [
                "ws://media.example.com/ws", "/relative/ws", "wss://media.example.com/ws?token=abc",
                "https://media.example.com/ws",
            ] {
                let response = try await api.postForm(path, [("Url", url)])
                #expect(response.status == 422, "\(url): \(response.body)")
                let errors = response.object["errors"] as? [String] ?? []
                #expect(errors.count == 1, "\(url): \(errors)")
                await expectMatchesSpec(response.body, schema: "CompatibilityErrorStringArrayResponse")
            }
            let missing = try await api.postForm(path, [("Name", "no-url")])
            #expect(missing.status == 422)
            #expect((missing.object["errors"] as? [String])?.contains("Url is required") == true)
        }
    }

    @Test func everyStreamProblemIsListedAtOnce() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let response = try await api.postForm(
                "\(api.laml)/Conferences/\(conference.sid)/Streams",
                [
                    ("Url", "ws://media.example.com/ws"), ("Track", "both"), ("StreamCodec", "pcmu"),
                    ("StatusCallback", "/relative"), ("StatusCallbackMethod", "PUT"), ("StreamRealTime", "yes"),
                ])
            #expect(response.status == 422)
            let errors = response.object["errors"] as? [String] ?? []
            #expect(errors.count == 6, "\(errors)")
            #expect(errors.contains { $0.hasPrefix("Track") })
            #expect(errors.contains { $0.hasPrefix("StreamCodec") })
            #expect(await api.world.streams(conferenceSid: conference.sid)?.isEmpty == true)
        }
    }

    @Test func duplicateStreamNameIsRefusedUntilTheFirstStops() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            let fields = [("Url", "wss://media.example.com/ws"), ("Name", "recorder")]
            let first = try await api.postForm(path, fields)
            #expect(first.status == 200)
            let duplicate = try await api.postForm(path, fields)
            #expect(duplicate.status == 422)
            #expect(duplicate.object["errors"] as? [String] == ["Duplicated stream name"])

            // Stopped by name, as Twilio allows; then the name is free again.
            let stopped = try await api.postForm("\(path)/recorder", [("Status", "stopped")])
            #expect(stopped.status == 200)
            #expect(stopped.object["sid"] as? String == first.object["sid"] as? String)
            #expect(try await api.postForm(path, fields).status == 200)
        }
    }

    @Test func atMost99CustomParameters() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            func fields(_ count: Int, name: String) -> [(String, String)] {
                var fields = [("Url", "wss://media.example.com/ws"), ("Name", name)]
                for index in 1...count {
                    fields.append(("Parameter\(index).Name", "key\(index)"))
                    fields.append(("Parameter\(index).Value", "value \(index)"))
                }
                return fields
            }
            let ninetyNine = try await api.postForm(path, fields(99, name: "ok"))
            #expect(ninetyNine.status == 200, "\(ninetyNine.body)")
            let sid = try #require(ninetyNine.object["sid"] as? String)
            #expect(await api.world.stream(sid: sid)?.parameters.count == 99)

            let hundred = try await api.postForm(path, fields(100, name: "too-many"))
            #expect(hundred.status == 422)
            #expect((hundred.object["errors"] as? [String])?.first?.contains("Parameter100") == true)
        }
    }

    @Test func streamsStartOnlyOnLiveConferences() async throws {
        try await withEmulator { api in
            let done = await api.world.createConference(friendlyName: "Finished", participants: 2, status: .completed)
            let response = try await api.postForm(
                "\(api.laml)/Conferences/\(done.sid)/Streams", [("Url", "wss://media.example.com/ws")])
            #expect(response.status == 422)
            await expectMatchesSpec(response.body, schema: "CompatibilityErrorStringArrayResponse")
        }
    }

    @Test func endingACompletedConferenceAnswers422Code10000() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)"
            let ended = try await api.postForm(path, [("Status", "completed")])
            #expect(ended.status == 200)
            #expect(ended.object["status"] as? String == "completed")
            await expectMatchesSpec(ended.body, schema: "ConferenceResponse")

            let again = try await api.postForm(path, [("Status", "completed")])
            #expect(again.status == 422)
            #expect(again.object["code"] as? Int == 10000)
            await expectMatchesSpec(again.body, schema: "CompatibilityErrorResponse")

            // Its participants completed with it, and cannot be changed either.
            let participants = await api.world.participants(conferenceSid: conference.sid)
            #expect(participants.allSatisfy { $0.status == .completed })
            let callSid = try #require(participants.first?.callSid)
            let mute = try await api.postForm("\(path)/Participants/\(callSid)", [("Muted", "true")])
            #expect(mute.status == 422)
            #expect(mute.object["code"] as? Int == 10000)
        }
    }

    @Test func conferenceUpdateOnlyTakesCompletedAndAbsoluteAnnounceUrls() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)"
            for fields in [[("Status", "in-progress")], [("AnnounceUrl", "announce.xml")], [("AnnounceMethod", "PUT")]]
            {
                let response = try await api.postForm(path, fields)
                #expect(response.status == 422, "\(fields)")
                #expect(response.object["code"] as? Int == 10000)
            }
            let announced = try await api.postForm(
                path, [("AnnounceUrl", "https://example.com/announce.xml"), ("AnnounceMethod", "GET")])
            #expect(announced.status == 200)
            #expect(announced.object["status"] as? String == "in-progress")
        }
    }

    @Test func coachingNeedsAnotherParticipantOfTheSameConference() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 3)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            let path = "\(api.laml)/Conferences/\(conference.sid)/Participants/\(calls[1])"
            let alone = try await api.postForm(path, [("Coaching", "true")])
            #expect(alone.status == 422)
            let stranger = try await api.postForm(
                path, [("Coaching", "true"), ("CallSidToCoach", UUID().uuidString.lowercased())])
            #expect(stranger.status == 422)
            let coaching = try await api.postForm(path, [("Coaching", "true"), ("CallSidToCoach", calls[2])])
            #expect(coaching.status == 200)
            #expect(coaching.object["coaching"] as? Bool == true)
            #expect(coaching.object["call_sid_to_coach"] as? String == calls[2])
            await expectMatchesSpec(coaching.body, schema: "ConferenceParticipantResponse")
        }
    }

    @Test func listQueriesAreChecked() async throws {
        try await withEmulator { api in
            for query in [
                "PageSize=0", "PageSize=1001", "PageSize=ten", "Page=-1", "Status=live", "DateCreated%3E=yesterday",
                "PageToken=XX12",
            ] {
                let response = try await api.send("GET", "\(api.laml)/Conferences?\(query)")
                #expect(response.status == 400, "\(query)")
                #expect(response.object["code"] as? Int == 10000, "\(query)")
                await expectMatchesSpec(response.body, schema: "CompatibilityErrorResponse")
            }
            #expect(try await api.send("GET", "\(api.laml)/Conferences?PageSize=1000").status == 200)
            #expect(try await api.send("GET", "\(api.laml)/Conferences?PageSize=1").status == 200)
        }
    }

    @Test func postParametersMustBeInTheBody() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference()
            // A client that puts the update in the query string changes nothing.
            let response = try await api.send("POST", "\(api.laml)/Conferences/\(conference.sid)?Status=completed")
            #expect(response.status == 200)
            #expect(response.object["status"] as? String == "in-progress")
            let unknown = try await api.postForm("\(api.laml)/Conferences/\(conference.sid)", [("Staus", "completed")])
            #expect(unknown.status == 422)
        }
    }
}
