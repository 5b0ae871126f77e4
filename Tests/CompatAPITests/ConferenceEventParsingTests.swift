import CompatAPI
import Foundation
import Testing

/// Conference status callbacks read from their form fields, as documented (docs/conference-events.md).
struct ConferenceEventParsingTests {
    static let received = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aParticipantEventCarriesTheCallAndItsFlags() throws {
        let event = try ConferenceStatusEvent.parse(
            [
                ("ConferenceSid", "CFe08c870b500f6e44a9ad184defd1f391"), ("FriendlyName", "MyConf"),
                ("AccountSid", "AC25e16e9a716a4a8617a7c83f58e30482"), ("SequenceNumber", "3"),
                ("Timestamp", "Thu, 1 Jun 2017 20:48:32 +0000"), ("StatusCallbackEvent", "participant-hold"),
                ("CallSid", "CA25e16e9a716a4a1786a7c83f58e30482"), ("Muted", "True"), ("Hold", "true"),
                ("Coaching", "false"), ("EndConferenceOnExit", "false"), ("StartConferenceOnEnter", "true"),
            ], receivedAt: Self.received)
        #expect(event.event == .participantHold)
        #expect(event.event.subscription == "hold")
        #expect(event.sequenceNumber == 3)
        #expect(event.callSid == "CA25e16e9a716a4a1786a7c83f58e30482")
        #expect(event.muted == true, "booleans in any case")
        #expect(event.hold == true)
        #expect(event.coaching == false)
        #expect(event.startConferenceOnEnter == true)
        #expect(event.at == ServiceDate.parse("Thu, 1 Jun 2017 20:48:32 +0000"))
    }

    @Test func theEndSaysWhyAndWhoEndedIt() throws {
        let event = try ConferenceStatusEvent.parse(
            [
                ("ConferenceSid", "CF1"), ("AccountSid", "AC1"), ("StatusCallbackEvent", "conference-end"),
                ("ReasonConferenceEnded", "participant-with-end-conference-on-exit-left"),
                ("CallSidEndingConference", "CA9"), ("Timestamp", "not a date"),
            ], receivedAt: Self.received)
        #expect(event.event == .conferenceEnd)
        #expect(event.callSid == nil)
        #expect(event.reasonConferenceEnded == "participant-with-end-conference-on-exit-left")
        #expect(event.callSidEndingConference == "CA9")
        #expect(event.at == Self.received, "an unreadable timestamp is when it arrived")
        #expect(event.sequenceNumber == nil)
    }

    @Test func anUnknownEventKeepsItsName() throws {
        let event = try ConferenceStatusEvent.parse(
            [("ConferenceSid", "CF1"), ("AccountSid", "AC1"), ("StatusCallbackEvent", "announcement-end")],
            receivedAt: Self.received)
        #expect(event.event.rawValue == "announcement-end")
        #expect(!event.event.isKnown)
        #expect(event.event.subscription == nil)
    }

    @Test func whatCannotBeTiedToAConferenceOrACallIsRefused() {
        #expect(throws: MalformedConferenceEvent(missingFields: ["ConferenceSid"])) {
            try ConferenceStatusEvent.parse(
                [("AccountSid", "AC1"), ("ConferenceSid", ""), ("StatusCallbackEvent", "conference-start")],
                receivedAt: Self.received)
        }
        #expect(throws: MalformedConferenceEvent(missingFields: ["CallSid"])) {
            try ConferenceStatusEvent.parse(
                [("AccountSid", "AC1"), ("ConferenceSid", "CF1"), ("StatusCallbackEvent", "participant-speech-start")],
                receivedAt: Self.received)
        }
    }

    @Test func everyDocumentedEventIsKnownAndAskedForByOneWord() {
        for event in ConferenceEvent.known {
            #expect(event.subscription.map { ConferenceEvent.subscriptions.contains($0) } == true, "\(event)")
        }
        #expect(ConferenceEvent.known.count == 10)
    }
}
