import AsyncHTTPClient
import CompatAPI
import Emulator
import Foundation
import Ledger
import Logging
import ReceiverService
import Testing

/// The two engines the receiver's store tests run on.
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Conference status callbacks at `/p/<profile>/conferences/events`, over real HTTP, into a real
/// store on either engine: the emulator's land with their form parameters beside its stream
/// callbacks; forged, replayed and malformed ones are refused and counted; a store that fails
/// is a 503, and one that does not answer is a failed health check, not a hung one.
@Suite struct ReceiverConferenceEventsTests {
    typealias H = ReceiverServiceHarness

    @Test(arguments: zip(Engine.allCases, [CallbackMethod.get, .post]))
    func emulatorStreamCallbacksAndConferenceEventsLandInTheStore(engine: Engine, method: CallbackMethod) async throws {
        let configuration = EmulatorConfiguration(
            conferences: 0, signingKey: H.keyA, streamStartDelay: .milliseconds(50),
            // Every delivery is counted below: a 2xx that comes late on a loaded machine is still a 2xx.
            callbackTimeout: .seconds(30))
        try await H.run(store: try await .fresh(engine)) { h async throws in
            let server = try await EmulatorServer.start(configuration, logger: H.quiet)
            let client = CompatClient(
                endpoint: try Endpoint(server.baseURL),
                credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
                logger: H.quiet)
            let outcome: Result<Void, any Error>
            do {
                // The application's cXML: <Conference statusCallback="…/p/a/conferences/events" statusCallbackEvent="…">.
                await server.setConferenceEvents(ConferenceEventSubscription(url: h.url("a", .conference), method: method))
                let conference = await server.world.createConference(friendlyName: "Team bridge", participants: 2)
                let newcomer = try await server.world.addParticipant(conferenceSid: conference.sid)
                try await server.world.setSpeaking(conferenceSid: conference.sid, callSid: newcomer.callSid, speaking: true)
                let stream = try await client.startStream(
                    conference: conference.sid,
                    StartStreamRequest(
                        url: "wss://media.example.com/listen", name: "team", statusCallback: h.url("a"),
                        statusCallbackMethod: method))
                try #require(try await waitUntil { try await h.ledger.stream(sid: stream.sid)?.status == .inProgress })
                _ = try await client.stopStream(conference: conference.sid, stream: stream.sid)
                try #require(try await waitUntil { try await h.ledger.stream(sid: stream.sid)?.status == .stopped })
                await server.world.endConference(sid: conference.sid)

                // Every event the emulator sent has had its answer.
                try #require(
                    await waitUntil {
                        let deliveries = server.conferenceEventDeliveries
                        return deliveries.pending == 0 && deliveries.sent >= 9
                    })
                let deliveries = server.conferenceEventDeliveries
                #expect(deliveries.failed == 0)
                let stored = try await h.storedConferenceEvents()
                #expect(stored.count == deliveries.delivered)
                // Sent one after another in the conference's order, stored in that order.
                #expect(stored.map(\.sequence) == (1...deliveries.sent).map { Int64($0) })
                #expect(
                    Array(stored.map(\.event).prefix(5)) == [
                        "participant-join", "participant-join", "conference-start", "participant-join",
                        "participant-speech-start",
                    ])
                #expect(stored.last?.event == "conference-end")
                #expect(stored.filter { $0.event == "participant-leave" }.count == 3)
                for event in stored {
                    #expect(event.conferenceSid == conference.sid)
                    #expect(event.accountSid == configuration.accountSid)
                    #expect((event.callSid != nil) == event.event.hasPrefix("participant-"))
                    // The form as it came: what the dashboard parses again.
                    #expect(event.parameters["FriendlyName"] == "Team bridge")
                    #expect(event.parameters["StatusCallbackEvent"] == event.event)
                    #expect(event.parameters["SequenceNumber"] == event.sequence.map(String.init))
                    let timestamp = try #require(event.parameters["Timestamp"].flatMap(ServiceDate.parse))
                    #expect(event.at == timestamp)
                }
                #expect(stored[3].callSid == newcomer.callSid)

                #expect(try await h.accepted("a", .conference) == Double(deliveries.delivered))
                #expect(try await h.accepted("a", .stream) == 2)
                #expect(try await h.accepted("b", .conference) == 0)
                #expect(try await h.rejections().values.allSatisfy { $0 == 0 })
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await client.shutdown()
            await server.stop()
            try outcome.get()
        }
    }

    @Test(arguments: Engine.allCases)
    func forgedReplayedAndMalformedConferenceEventsAreRefusedAndCounted(engine: Engine) async throws {
        let log = try JSONLogFile()
        try await H.run(logger: log.logger, store: try await .fresh(engine)) { h async throws in
            let event = Sample.conferenceFields("participant-join", call: "CA-1", sequence: 1)
            // Signed with a key this receiver does not hold, and not signed at all.
            #expect(try await h.post(event, to: "a", .conference, key: "PSKforged-0000").status == 403)
            #expect(try await h.post(event, to: "a", .conference, unsigned: true).status == 403)
            // Profile b's genuine event, replayed to profile a's URL.
            #expect(try await h.post(event, to: "a", .conference, signedFor: ("b", .conference)).status == 403)
            // Signed for a's stream route and sent to its conference route, and the other way round.
            #expect(try await h.post(event, to: "a", .conference, signedFor: ("a", .stream)).status == 403)
            #expect(try await h.post(event, to: "a", .stream, signedFor: ("a", .conference)).status == 403)
            // Genuinely signed, but a participant event that names no call.
            let malformed = try await h.post(Sample.conferenceFields(call: nil), to: "a", .conference)
            #expect(malformed.status == 400)
            #expect(malformed.body.contains("CallSid"))
            // A profile this receiver does not serve.
            let unknown = try await h.send(
                h.request(event, to: "nobody", .conference, signedURL: h.url("nobody", .conference), key: H.keyA))
            #expect(unknown.status == 404)

            #expect(try await h.storedConferenceEvents().isEmpty)
            #expect(
                try await h.rejections() == [
                    "bad_signature": 2, "wrong_url": 3, "malformed": 1, "unknown_profile": 1, "store_unavailable": 0,
                ])
            #expect(try await h.accepted("a", .conference) == 0)

            // The genuine ones are stored as they came, fields the receiver does not know included,
            // and answered only once stored.
            let genuine = event + [("Reason", "joined from the lobby")]
            #expect(try await h.post(genuine, to: "a", .conference).status == 204)
            let start = Sample.conferenceFields("conference-start", call: nil, sequence: 2, conference: "CF-other")
            #expect(try await h.post(start, to: "b", .conference).status == 204)
            let stored = try await h.storedConferenceEvents()
            #expect(stored.count == 2)
            let first = try #require(stored.first)
            #expect(first.conferenceSid == Sample.conference)
            #expect(first.accountSid == Sample.account)
            #expect(first.event == "participant-join")
            #expect(first.callSid == "CA-1")
            #expect(first.sequence == 1)
            #expect(first.at == ISO8601DateFormatter().date(from: "2027-01-15T08:00:00Z"))
            #expect(first.parameters == Dictionary(genuine, uniquingKeysWith: { a, _ in a }))
            #expect(stored.last?.event == "conference-start")
            #expect(stored.last?.callSid == nil)
            #expect(try await h.accepted("a", .conference) == 1)
            #expect(try await h.accepted("b", .conference) == 1)
            #expect(try await h.accepted("a", .stream) == 0)
        }
        let lines = try log.lines()
        let refusals = lines.filter { $0["level"] as? String == "warning" }
        #expect(refusals.count == 7)
        let crossed = refusals.compactMap { $0["metadata"] as? [String: String] }.filter { $0["signed_for"] != nil }
        #expect(crossed.map { "\($0["kind"] ?? "?") signed for \($0["signed_for"] ?? "?") \($0["signed_for_kind"] ?? "")" }.sorted() == [
            "conference signed for a stream", "conference signed for b ", "stream signed for a conference",
        ])
        let stored = lines.filter { $0["message"] as? String == "conference event stored" }
        #expect(stored.count == 2)
        #expect((stored.first?["metadata"] as? [String: String])?["call"] == "CA-1")
        #expect(!log.text.contains(H.keyA) && !log.text.contains(H.keyB))
    }

    @Test func aStoreThatFailsIs503AndOneThatDoesNotAnswerFailsTheHealthCheck() async throws {
        try await H.run(healthTimeout: .milliseconds(200), serving: BrokenStore()) { h async throws in
            let refused = try await h.post(Sample.conferenceFields(), to: "a", .conference)
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "5")
            #expect(try await h.post(Sample.fields("MZ1"), to: "b").status == 503)
            #expect(try await h.metric("confdash_receiver_callbacks_rejected_total", ["reason": "store_unavailable"]) == 2)
            #expect(try await h.metric("confdash_receiver_store_write_seconds_count", ["result": "failed"]) == 2)
            #expect(try await h.accepted("a", .conference) == 0)

            // The store never answers the health read: /healthz answers anyway, once it has waited enough.
            let health = try await h.get(ReceiverService.healthPath)
            #expect(health.status == 503)
            let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: String]
            #expect(json == ["status": "unavailable", "store": "unreachable"])
        }
    }

    @Test func aWriteThatNeverReturnsIs503() async throws {
        try await H.run(storeTimeout: .milliseconds(200), serving: BrokenStore(writesHang: true)) { h async throws in
            let refused = try await h.post(Sample.conferenceFields(), to: "a", .conference)
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "5")
            #expect(try await h.post(Sample.fields("MZ1"), to: "a").status == 503)
            #expect(try await h.metric("confdash_receiver_callbacks_rejected_total", ["reason": "store_unavailable"]) == 2)
            #expect(try await h.metric("confdash_receiver_requests_in_flight") == 0)
        }
    }
}

/// A store whose writes fail (or never answer, until cancelled) and whose health read never
/// answers.
struct BrokenStore: CallbackStore {
    struct Down: Error {}
    var writesHang = false

    func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome {
        try await fail()
    }

    func recordConferenceEvent(_ event: StoredConferenceEvent) async throws -> Int64 {
        try await fail()
    }

    func checkReachable() async throws {
        try await Task.sleep(for: .seconds(3600))
    }

    private func fail<T>() async throws -> T {
        if writesHang { try await Task.sleep(for: .seconds(3600)) }
        throw Down()
    }
}
