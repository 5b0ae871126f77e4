import CompatAPI
import Emulator
import Foundation
import Testing

/// Conference status callbacks: sent to the URL set through the admin surface, signed like the
/// service signs them, in each conference's order, whatever caused the change.
@Suite struct ConferenceEventTests {
    /// Subscribes `receiver` through the admin surface, as a test or `confdash demo` does.
    static func subscribe(_ api: Emulated, _ url: String, events: [String]? = nil, method: String? = nil) async throws
        -> RawResponse
    {
        var body: [String: Any] = ["url": url]
        if let events { body["events"] = events }
        if let method { body["method"] = method }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await Emulated.send(
            "POST", "\(api.origin)/__admin/conference-events", headers: [("Content-Type", "application/json")], body: json)
    }

    /// Runs `body` with a fresh emulator and a receiver for its events; stops both after.
    static func withReceiver(
        _ configuration: EmulatorConfiguration = EmulatorConfiguration(), answering: Bool = true,
        _ body: (Emulated, CallbackReceiver) async throws -> Void
    ) async throws {
        let receiver = try await CallbackReceiver.start(answering: answering)
        do {
            try await withEmulator(configuration) { api in try await body(api, receiver) }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// Waits until the emulator has sent `count` conference events and every delivery is over
    /// (its test hook), then returns them as the receiver got them.
    static func received(_ receiver: CallbackReceiver, _ api: Emulated, count: Int) async
        -> [CallbackReceiver.Received]
    {
        #expect(
            await eventually {
                let deliveries = api.server.conferenceEventDeliveries
                return deliveries.sent >= count && deliveries.pending == 0
            })
        #expect(await eventually { await receiver.received.count >= count })
        return await receiver.received
    }

    static func expectSigned(_ callback: CallbackReceiver.Received, url: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let signature = callback.signature else {
            Issue.record("no signature on \(callback.field("StatusCallbackEvent") ?? "?")", sourceLocation: sourceLocation)
            return
        }
        let signedURL = callback.method == "GET" ? url + "?" + (callback.query ?? "") : url
        let parameters = callback.method == "GET" ? [] : callback.fields
        #expect(
            WebhookSignature.verify(
                signature: signature, url: signedURL, parameters: parameters, key: EmulatorConfiguration.demoSigningKey),
            sourceLocation: sourceLocation)
        #expect(
            !WebhookSignature.verify(signature: signature, url: signedURL, parameters: parameters, key: "PSKsomebody-else"),
            sourceLocation: sourceLocation)
    }

    @Test func apiMuteAndHoldAndAnAdminJoinAreSentSignedAndInOrder() async throws {
        try await Self.withReceiver { api, receiver in
            let conference = await api.liveConference(participants: 2)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            #expect(try await Self.subscribe(api, receiver.url).status == 200)

            let joined = try await Emulated.send(
                "POST", "\(api.origin)/__admin/conferences/\(conference.sid)/participants",
                headers: [("Content-Type", "application/json")], body: #"{"muted": true}"#)
            #expect(joined.status == 200)
            let newcomer = try #require(joined.object["call_sid"] as? String)
            let path = "\(api.laml)/Conferences/\(conference.sid)/Participants/\(call)"
            #expect(try await api.postForm(path, [("Muted", "true")]).status == 200)
            #expect(try await api.postForm(path, [("Hold", "true")]).status == 200)
            #expect(try await api.postForm(path, [("Muted", "false"), ("Hold", "false")]).status == 200)

            let received = await Self.received(receiver, api, count: 5)
            #expect(
                received.map { $0.field("StatusCallbackEvent") } == [
                    "participant-join", "participant-mute", "participant-hold", "participant-unmute",
                    "participant-unhold",
                ])
            #expect(received.map { $0.field("CallSid") } == [newcomer, call, call, call, call])
            #expect(received.map { $0.field("SequenceNumber") } == ["1", "2", "3", "4", "5"])
            #expect(received.map { $0.field("Muted") } == ["true", "true", "true", "false", "false"])
            #expect(received.map { $0.field("Hold") } == ["false", "false", "true", "true", "false"])
            for callback in received {
                #expect(callback.method == "POST")
                #expect(callback.field("AccountSid") == api.account)
                #expect(callback.field("ConferenceSid") == conference.sid)
                #expect(callback.field("FriendlyName") == "Test bridge")
                #expect(callback.field("Coaching") == "false")
                #expect(callback.field("StartConferenceOnEnter") != nil)
                #expect(callback.field("EndConferenceOnExit") != nil)
                #expect(callback.field("Timestamp").flatMap(ServiceDate.parse) != nil, "RFC 2822, as documented")
                Self.expectSigned(callback, url: receiver.url)
                // What the receiver parses is what was sent.
                let event = try ConferenceStatusEvent.parse(callback.fields, receivedAt: Date())
                #expect(event.conferenceSid == conference.sid)
                #expect(event.event.isKnown)
            }
            #expect(api.server.conferenceEventDeliveries == ConferenceEventDeliveries(sent: 5, delivered: 5, failed: 0))
        }
    }

    @Test func endingAConferenceSendsEveryLeaveThenTheEndWithItsReason() async throws {
        try await Self.withReceiver { api, receiver in
            let conference = await api.liveConference(participants: 3)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            #expect(try await Self.subscribe(api, receiver.url).status == 200)
            #expect(
                try await api.postForm("\(api.laml)/Conferences/\(conference.sid)", [("Status", "completed")]).status
                    == 200)
            let received = await Self.received(receiver, api, count: 4)
            #expect(
                received.map { $0.field("StatusCallbackEvent") }
                    == ["participant-leave", "participant-leave", "participant-leave", "conference-end"])
            #expect(received.prefix(3).map { $0.field("CallSid") } == calls)
            let end = try #require(received.last)
            #expect(end.field("ReasonConferenceEnded") == "conference-ended-via-api")
            #expect(end.field("CallSid") == nil)
            #expect(end.field("SequenceNumber") == "4")
        }
    }

    @Test func kickingTheLastParticipantEndsTheConferenceWithThatCall() async throws {
        try await Self.withReceiver { api, receiver in
            let conference = await api.liveConference(participants: 1)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            #expect(try await Self.subscribe(api, receiver.url).status == 200)
            let removed = try await api.send("DELETE", "\(api.laml)/Conferences/\(conference.sid)/Participants/\(call)")
            #expect(removed.status == 204)
            let received = await Self.received(receiver, api, count: 2)
            #expect(received.map { $0.field("StatusCallbackEvent") } == ["participant-leave", "conference-end"])
            #expect(received.last?.field("ReasonConferenceEnded") == "last-participant-kicked")
            #expect(received.last?.field("CallSidEndingConference") == call)
        }
    }

    @Test func aSpeakerWhoIsMutedStopsSpeakingFirst() async throws {
        try await Self.withReceiver { api, receiver in
            let conference = await api.liveConference(participants: 2)
            let calls = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            // The seeded moderator is never muted or held; the other may be: take whoever can be heard.
            let speaker = try #require(
                await api.world.participants(conferenceSid: conference.sid).first { !$0.muted && !$0.hold }?.callSid)
            #expect(calls.contains(speaker))
            #expect(try await Self.subscribe(api, receiver.url, events: ["mute", "speaker"]).status == 200)
            let speech = "\(api.origin)/__admin/conferences/\(conference.sid)/participants/\(speaker)/speech"
            let started = try await Emulated.send(
                "POST", speech, headers: [("Content-Type", "application/json")], body: #"{"speaking": true}"#)
            #expect(started.status == 200)
            #expect(await api.world.speakers(conferenceSid: conference.sid) == [speaker])
            #expect(
                try await api.postForm(
                    "\(api.laml)/Conferences/\(conference.sid)/Participants/\(speaker)", [("Muted", "true")]
                ).status == 200)
            let received = await Self.received(receiver, api, count: 3)
            #expect(
                received.map { $0.field("StatusCallbackEvent") }
                    == ["participant-speech-start", "participant-speech-stop", "participant-mute"])
            #expect(await api.world.speakers(conferenceSid: conference.sid) == [])
            // Muted, nobody hears them: the admin surface will not make them speak.
            let refused = try await Emulated.send(
                "POST", speech, headers: [("Content-Type", "application/json")], body: #"{"speaking": true}"#)
            #expect(refused.status == 422)
        }
    }

    @Test func onlyTheEventsAskedForAreSentAndGETCarriesThemInTheSignedQuery() async throws {
        try await Self.withReceiver { api, receiver in
            let conference = await api.liveConference(participants: 2)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            #expect(try await Self.subscribe(api, receiver.url, events: ["join", "leave"], method: "GET").status == 200)
            // A mute is not asked for: nothing goes out, and no number is used up.
            #expect(
                try await api.postForm(
                    "\(api.laml)/Conferences/\(conference.sid)/Participants/\(call)", [("Muted", "true")]
                ).status == 200)
            _ = try await api.world.addParticipant(conferenceSid: conference.sid)
            let received = await Self.received(receiver, api, count: 1)
            #expect(received.count == 1)
            let join = try #require(received.first)
            #expect(join.method == "GET")
            #expect(join.field("StatusCallbackEvent") == "participant-join")
            #expect(join.field("SequenceNumber") == "1")
            Self.expectSigned(join, url: receiver.url)
        }
    }

    @Test func theAdminSurfaceSaysWhereEventsGoAndRefusesWhatTheServiceWouldNot() async throws {
        try await withEmulator { api in
            let admin = "\(api.origin)/__admin/conference-events"
            #expect(try await Self.subscribe(api, "ftp://example.com/x").status == 400)
            #expect(try await Self.subscribe(api, "http://127.0.0.1:9/x", events: ["join", "talk"]).status == 400)
            #expect(try await Self.subscribe(api, "http://127.0.0.1:9/x", events: ["join"]).status == 200)
            let state = try await Emulated.send("GET", admin)
            #expect(state.object["url"] as? String == "http://127.0.0.1:9/x")
            #expect(state.object["events"] as? [String] == ["join"])
            #expect(state.object["method"] as? String == "POST")
            #expect(try await Emulated.send("DELETE", admin).status == 200)
            let cleared = try await Emulated.send("GET", admin)
            #expect(cleared.object["url"] is NSNull)
            #expect(cleared.object["sent"] as? Int == 0)
            // Nowhere to send: changes make no callbacks.
            let conference = await api.liveConference()
            _ = try await api.world.addParticipant(conferenceSid: conference.sid)
            #expect(api.server.conferenceEventDeliveries.sent == 0)
        }
    }

    /// A receiver that never answers holds no API request: delivery is off the request's path.
    @Test func aReceiverThatNeverAnswersDoesNotHoldTheAPI() async throws {
        try await Self.withReceiver(answering: false) { api, receiver in
            let conference = await api.liveConference(participants: 2)
            let call = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            #expect(try await Self.subscribe(api, receiver.url).status == 200)
            let path = "\(api.laml)/Conferences/\(conference.sid)/Participants/\(call)"
            // The second change is answered while the first one's callback is still unanswered.
            for muted in ["true", "false"] {
                #expect(try await api.postForm(path, [("Muted", muted)]).status == 200)
            }
            #expect(try await api.send("GET", "\(path).json").status == 200)
            #expect(api.server.conferenceEventDeliveries.sent == 2)
            #expect(api.server.conferenceEventDeliveries.delivered == 0)
        }
    }

    @Test func churnGivesSpeakingTurnsOnlyWhileSomeoneListens() async throws {
        try await Self.withReceiver(EmulatorConfiguration(seed: 4, conferences: 6)) { (api: Emulated, receiver: CallbackReceiver) async throws in
            for _ in 0..<5 { await api.world.churnStep() }
            #expect(api.server.conferenceEventDeliveries.sent == 0)
            #expect(try await Self.subscribe(api, receiver.url, events: ["speaker"]).status == 200)
            for _ in 0..<10 { await api.world.churnStep() }
            let sent = api.server.conferenceEventDeliveries.sent
            #expect(sent > 0)
            let received = await Self.received(receiver, api, count: sent)
            #expect(
                Set(received.compactMap { $0.field("StatusCallbackEvent") })
                    == ["participant-speech-start", "participant-speech-stop"])
            // Per conference, numbered 1, 2, 3… in the order received.
            for (_, events) in Dictionary(grouping: received, by: { $0.field("ConferenceSid") ?? "" }) {
                #expect(events.map { Int($0.field("SequenceNumber") ?? "") } == Array(1...events.count))
                // Only someone who started speaking stops.
                var speaking = Set<String>()
                for event in events {
                    let call = event.field("CallSid") ?? ""
                    if event.field("StatusCallbackEvent") == "participant-speech-start" {
                        speaking.insert(call)
                    } else {
                        #expect(speaking.remove(call) != nil)
                    }
                }
            }
        }
    }
}
