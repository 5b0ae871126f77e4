import AsyncHTTPClient
import CallbackReceiver
import CompatAPI
import Foundation
import NIOCore
import Synchronization
import Testing

/// The receiver's conference-events endpoint over real HTTP on loopback: a signed event reaches
/// the handler before the service hears 204; anything unsigned, forged or signed for another
/// URL is refused with 403; a handler that cannot take it makes a 503.
@Suite struct ConferenceEventsEndpointTests {
    /// A participant joining, as the service sends it.
    static func join(_ call: String = "CA-1", sequence: Int = 1) -> [(String, String)] {
        [
            ("ConferenceSid", "CF-1"), ("FriendlyName", "Support Bridge"), ("AccountSid", "AC-test"),
            ("SequenceNumber", String(sequence)), ("Timestamp", "Fri, 15 Jan 2027 08:00:00 +0000"),
            ("StatusCallbackEvent", "participant-join"), ("CallSid", call), ("Muted", "false"), ("Hold", "false"),
            ("Coaching", "false"), ("EndConferenceOnExit", "false"), ("StartConferenceOnEnter", "true"),
        ]
    }

    /// Every event the handler took, in order.
    final class Taken: Sendable {
        private let events = Mutex<[ConferenceStatusEvent]>([])
        func append(_ event: ConferenceStatusEvent) { events.withLock { $0.append(event) } }
        var all: [ConferenceStatusEvent] { events.withLock { $0 } }
    }

    struct Refused: Error {}

    static let path = CallbackReceiverSettings.conferenceEventsPath

    func ownURL(_ h: ReceiverHarness) -> String { "http://127.0.0.1:\(h.port)\(Self.path)" }

    @Test func aSignedEventReachesTheHandlerBeforeThe204() async throws {
        let taken = Taken()
        try await ReceiverHarness.run(onConferenceEvent: { taken.append($0) }) { h async throws in
            #expect(await h.receiver.conferenceEventsURL == ownURL(h))
            let answer = try await h.post(Self.join(), signedURL: ownURL(h), path: Self.path)
            #expect(answer.status == 204)
            // No waiting: the answer came only after the handler returned.
            let event = try #require(taken.all.first)
            #expect(taken.all.count == 1)
            #expect(event.event == .participantJoin)
            #expect(event.conferenceSid == "CF-1")
            #expect(event.callSid == "CA-1")
            #expect(event.sequenceNumber == 1)
            #expect(event.muted == false)
            #expect(event.startConferenceOnEnter == true)
            #expect(event.friendlyName == "Support Bridge")
            #expect(event.at == ServiceDate.parse("Fri, 15 Jan 2027 08:00:00 +0000"))
            // Nothing of it touched the stream endpoint.
            #expect(h.events.all.isEmpty)
        }
    }

    @Test func aForgedOrUnsignedEventIsRefusedAndNeverTaken() async throws {
        let taken = Taken()
        try await ReceiverHarness.run(onConferenceEvent: { taken.append($0) }) { h async throws in
            #expect(try await h.post(Self.join(), key: "PSKsomeone-else", signedURL: ownURL(h), path: Self.path).status == 403)
            #expect(try await h.post(Self.join(), key: nil, path: Self.path).status == 403)
            // Signed with the right key for another URL (the stream endpoint's): the URL is checked.
            #expect(try await h.post(Self.join(), signedURL: h.ownURL, path: Self.path).status == 403)
            // One value changed after signing.
            let signature = WebhookSignature.compute(url: ownURL(h), parameters: Self.join(), key: ReceiverHarness.signingKey)
            let tampered = Self.join().map { $0.0 == "StatusCallbackEvent" ? ($0.0, "participant-leave") : $0 }
            var request = HTTPClientRequest(url: ownURL(h))
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: WebhookSignature.headerName, value: signature)
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(tampered)))
            #expect(try await h.send(request).status == 403)
            #expect(taken.all.isEmpty)
        }
    }

    @Test func aHandlerThatCannotTakeTheEventMakesA503() async throws {
        try await ReceiverHarness.run(onConferenceEvent: { _ in throw Refused() }) { h async throws in
            let answer = try await h.post(Self.join(), signedURL: ownURL(h), path: Self.path)
            #expect(answer.status == 503)
        }
    }

    @Test func aSignedEventWithoutItsCallIsA400() async throws {
        let taken = Taken()
        try await ReceiverHarness.run(onConferenceEvent: { taken.append($0) }) { h async throws in
            let fields = Self.join().filter { $0.0 != "CallSid" }
            let answer = try await h.post(fields, signedURL: ownURL(h), path: Self.path)
            #expect(answer.status == 400)
            #expect(answer.body.contains("CallSid"))
            #expect(taken.all.isEmpty)
        }
    }

    @Test func aGETCarriesTheEventInTheSignedQuery() async throws {
        let taken = Taken()
        try await ReceiverHarness.run(onConferenceEvent: { taken.append($0) }) { h async throws in
            let url = ownURL(h) + "?" + FormEncoding.encode(Self.join())
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.compute(url: url, parameters: [], key: ReceiverHarness.signingKey))
            #expect(try await h.send(request).status == 204)
            #expect(taken.all.map(\.callSid) == ["CA-1"])
        }
    }

    @Test func behindAProxyThePublicURLIsTheOneSigned() async throws {
        let taken = Taken()
        let publicURL = "https://ops.example.com/confdash/conferences/events"
        try await ReceiverHarness.run(conferenceEventsPublicURL: publicURL, onConferenceEvent: { taken.append($0) }) {
            h async throws in
            #expect(await h.receiver.conferenceEventsURL == publicURL)
            #expect(try await h.post(Self.join(), signedURL: ownURL(h), path: Self.path).status == 403)
            #expect(try await h.post(Self.join(), signedURL: publicURL, path: Self.path).status == 204)
            #expect(taken.all.count == 1)
        }
    }

    @Test func anotherProfilesKeyIsTrustedOnceSwitchedTo() async throws {
        let taken = Taken()
        try await ReceiverHarness.run(onConferenceEvent: { taken.append($0) }) { h async throws in
            let other = "PSKother-project-key"
            #expect(try await h.post(Self.join(), key: other, signedURL: ownURL(h), path: Self.path).status == 403)
            await h.receiver.trust(signingKey: other)
            #expect(try await h.post(Self.join(), key: other, signedURL: ownURL(h), path: Self.path).status == 204)
            #expect(taken.all.count == 1)
        }
    }

    @Test func theKeyNeverReachesTheLog() async throws {
        let capture = LogCapture()
        try await ReceiverHarness.run(logger: capture.logger) { h async throws in
            #expect(try await h.post(Self.join(), key: "PSKsomeone-else", signedURL: ownURL(h), path: Self.path).status == 403)
            #expect(try await h.post(Self.join(), signedURL: ownURL(h), path: Self.path).status == 204)
        }
        let lines = capture.all.map(\.line)
        #expect(lines.contains { $0.contains("conference event with a signature that does not match") && $0.contains("CF-1") })
        #expect(!lines.contains { $0.contains(ReceiverHarness.signingKey) || $0.contains("PSKsomeone-else") })
    }
}
