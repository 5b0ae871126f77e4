import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// The client against the emulator over loopback HTTP: every operation and every error class.
struct ClientTests {
    @Test func listsEveryConferenceAcrossPages() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 37)) { server, client in
            var pages = 0
            var sids: [String] = []
            for try await page in client.conferencePages(ConferenceFilter(pageSize: 10)) {
                pages += 1
                sids += page.items.map(\.sid)
            }
            #expect(pages == 4)
            #expect(sids.count == 37)
            #expect(Set(sids).count == 37)
            #expect(await server.world.conferenceCount == 37)
        }
    }

    @Test func filtersByStatusAndName() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { server, client in
            let completed = try await client.conferences(ConferenceFilter(status: .completed))
            #expect(!completed.isEmpty)
            #expect(completed.allSatisfy { $0.status == .completed })
            let live = try await client.conferences(ConferenceFilter(status: .inProgress))
            #expect(live.allSatisfy { $0.status == .inProgress })
            let named = await server.world.createConference(friendlyName: "Zürich Ops 東京", participants: 2)
            let found = try await client.conferences(ConferenceFilter(friendlyName: "Zürich Ops 東京"))
            #expect(found.map(\.sid) == [named.sid])
            let created = try await client.conferences(ConferenceFilter(dateCreatedAfter: "2000-01-01"))
            #expect(created.count == 31)
        }
    }

    @Test func fetchesAConferenceAndNotFoundIsTyped() async throws {
        try await withEmulator { server, client in
            let any = try await client.conferences().first!
            let fetched = try await client.conference(any.sid)
            #expect(fetched.sid == any.sid)
            #expect(fetched.friendlyName == any.friendlyName)
            let error = await compatError { try await client.conference("00000000-0000-0000-0000-000000000000") }
            #expect(error?.httpStatus == 404)
            #expect(error?.serviceError?.code == 20404)
            #expect(error?.operatorMessage.hasPrefix("not found") == true)
        }
    }

    @Test func badCredentialsAreAnAuthenticationError() async throws {
        try await withEmulator(
            credentials: Credentials(projectID: EmulatorConfiguration.demoProjectID, apiToken: "wrong")
        ) { _, client in
            let error = await compatError { try await client.conferences() }
            #expect(error?.httpStatus == 401)
            #expect(error?.serviceError?.code == 20003)
            #expect(error?.operatorMessage.contains("authentication failed") == true)
            #expect(error?.operatorMessage.contains("wrong") == false)
        }
    }

    @Test func endsAConferenceAndEndingTwiceIsRefused() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "To end", participants: 2)
            let ended = try await client.endConference(conference.sid)
            #expect(ended.status == .completed)
            #expect(try await client.conference(conference.sid).status == .completed)
            let again = await compatError { try await client.endConference(conference.sid) }
            #expect(again?.serviceError?.code == 10000)
        }
    }

    @Test func announcesToAConference() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Announce", participants: 1)
            let updated = try await client.updateConference(
                conference.sid, ConferenceUpdate(announceUrl: "https://example.com/announce.xml", announceMethod: .get))
            #expect(updated.sid == conference.sid)
            #expect(updated.status == .inProgress)
            let bad = await compatError {
                try await client.updateConference(conference.sid, ConferenceUpdate(announceUrl: "not a url"))
            }
            #expect(bad?.httpStatus.map { (400...499).contains($0) } == true)
        }
    }

    @Test func participantsListFetchUpdateRemove() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "People", participants: 4)
            let participants = try await client.participants(conference: conference.sid)
            #expect(participants.count == 4)
            let first = participants[0]
            let fetched = try await client.participant(conference: conference.sid, callSid: first.callSid)
            #expect(fetched.callSid == first.callSid)
            let muted = try await client.updateParticipant(
                conference: conference.sid, callSid: first.callSid, ParticipantUpdate(muted: true))
            #expect(muted.muted)
            let held = try await client.updateParticipant(
                conference: conference.sid, callSid: first.callSid,
                ParticipantUpdate(hold: true, holdUrl: "https://example.com/hold.mp3", holdMethod: .get))
            #expect(held.hold)
            let everyone = try await client.participants(conference: conference.sid)
            let mutedOnly = try await client.participants(conference: conference.sid, filter: ParticipantFilter(muted: true))
            #expect(mutedOnly.map(\.callSid) == everyone.filter(\.muted).map(\.callSid))
            #expect(mutedOnly.contains { $0.callSid == first.callSid })
            try await client.removeParticipant(conference: conference.sid, callSid: first.callSid)
            let after = try await client.participants(conference: conference.sid)
            #expect(!after.contains { $0.callSid == first.callSid && $0.status == .inProgress })
            let missing = await compatError {
                try await client.updateParticipant(conference: conference.sid, callSid: "nobody", ParticipantUpdate(muted: true))
            }
            #expect(missing?.httpStatus == 404)
        }
    }

    @Test func startsAStreamWithEveryFieldAndStopsIt() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Streams", participants: 2)
            let request = StartStreamRequest(
                url: "wss://media.example.com/audio", name: "recorder-1", track: .inbound, codec: .l16At16k,
                realTime: true, statusCallback: "http://127.0.0.1:9/cb", statusCallbackMethod: .post,
                bearerToken: "bearer-secret-123",
                parameters: (1...99).map { StreamParameter(name: "p\($0)", value: "v \($0) é") })
            #expect(request.problems.isEmpty)
            let stream = try await client.startStream(conference: conference.sid, request)
            #expect(stream.status == .queued)
            #expect(stream.name == "recorder-1")
            #expect(stream.conferenceSid == conference.sid)
            let seen = try #require(await server.world.stream(sid: stream.sid))
            #expect(seen.url == "wss://media.example.com/audio")
            #expect(seen.track == "inbound_track")
            #expect(seen.codec == "L16@16000h")
            #expect(seen.realTime == true)
            #expect(seen.statusCallback == "http://127.0.0.1:9/cb")
            #expect(seen.parameters.count == 99)
            #expect(seen.parameters[41] == StreamParameter(name: "p42", value: "v 42 é"))
            #expect(seen.hasBearerToken)
            let stopped = try await client.stopStream(conference: conference.sid, stream: stream.sid)
            #expect(stopped.status == .stopped)
            #expect(await server.world.stream(sid: stream.sid)?.status == "stopped")
        }
    }

    @Test func streamValidationErrorsKeepTheServiceMessages() async throws {
        try await withEmulator { server, client in
            let conference = await server.world.createConference(friendlyName: "Bad streams", participants: 1)
            let ws = await compatError {
                try await client.startStream(conference: conference.sid, StartStreamRequest(url: "ws://media.example.com/x"))
            }
            #expect(ws?.httpStatus == 422)
            #expect(ws?.serviceError?.errors.isEmpty == false)
            _ = try await client.startStream(
                conference: conference.sid, StartStreamRequest(url: "wss://media.example.com/x", name: "dup"))
            let duplicate = await compatError {
                try await client.startStream(
                    conference: conference.sid, StartStreamRequest(url: "wss://media.example.com/y", name: "dup"))
            }
            #expect(duplicate?.httpStatus == 422)
            #expect(duplicate?.operatorMessage.contains("Duplicated stream name") == true)
            let tooMany = await compatError {
                try await client.startStream(
                    conference: conference.sid,
                    StartStreamRequest(
                        url: "wss://media.example.com/z", parameters: (1...100).map { StreamParameter(name: "p\($0)", value: "v") }))
            }
            #expect(tooMany?.httpStatus == 422)
            let unknown = await compatError {
                try await client.stopStream(conference: conference.sid, stream: "00000000-0000-0000-0000-00000000dead")
            }
            #expect(unknown?.httpStatus == 404)
        }
    }

    @Test func readsAreRetriedOnRateLimitHonouringRetryAfter() async throws {
        let clock = RecordingClock()
        // The emulator's rate-limit window reads a clock that never moves, so every retry lands in it.
        try await withEmulator(clock: clock, emulatorClock: TestClock()) { server, client in
            await server.setFaults(FaultSettings(rateLimit: 1))
            await server.clearRequests()
            // The first request passes. The second is limited, and retried after Retry-After: 1;
            // the recording clock does not really wait, so every retry lands in the same window.
            _ = try await client.conferences()
            let second = await compatError { try await client.conferences() }
            #expect(second?.httpStatus == 429)
            #expect(second?.serviceError?.code == 20429)
            #expect(second?.operatorMessage.contains("retry in 1 s") == true)
            #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(1)])
            #expect(await server.requests().count == 5)
        }
    }

    @Test func readsAreRetriedOnServerErrorsButWritesNever() async throws {
        let clock = RecordingClock()
        try await withEmulator(
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1)), clock: clock
        ) { server, client in
            let conference = await server.world.createConference(friendlyName: "Faulty", participants: 1)
            await server.setFaults(FaultSettings(failRate: 1))
            await server.clearRequests()
            let read = await compatError { try await client.conference(conference.sid) }
            #expect(read?.httpStatus == 500)
            #expect(await server.requests().count == 3)
            #expect(clock.sleeps.count == 2)
            await server.clearRequests()
            let write = await compatError {
                try await client.startStream(conference: conference.sid, StartStreamRequest(url: "wss://media.example.com/a"))
            }
            #expect(write?.httpStatus == 500)
            #expect(await server.requests().count == 1)
            #expect(await server.world.streams(conferenceSid: conference.sid)?.isEmpty == true)
        }
    }

    @Test func aSlowServiceHitsTheDeadline() async throws {
        try await withEmulator(requestTimeout: .milliseconds(300), retryPolicy: .never) { server, client in
            // Far longer than the deadline: only the deadline can end the request with a timeout.
            await server.setFaults(FaultSettings(latencyMs: 30_000))
            let error = await compatError { try await client.conferences() }
            guard case .timedOut = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func aClosedPortIsUnreachable() async throws {
        let client = CompatClient(
            endpoint: try Endpoint("http://127.0.0.1:1"), credentials: Credentials(projectID: "p", apiToken: "t"),
            requestTimeout: .seconds(2), retryPolicy: .never)
        let error = await compatError { try await client.conferences() }
        await client.shutdown()
        guard case .unreachable(_, let reason) = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(reason == "connection refused")
    }

    @Test func twilioStylePathsAlsoWork() async throws {
        try await withEmulator { server, client in
            let origin = client.endpoint.origin
            let twilioStyle = CompatClient(
                endpoint: try Endpoint("\(origin)/2010-04-01"), credentials: client.credentials, retryPolicy: .never)
            let conferences = try await twilioStyle.conferences()
            await twilioStyle.shutdown()
            #expect(conferences.count == 12)
        }
    }
}
