import CompatAPI
import Foundation
import Testing

@testable import Ledger

@Suite struct CallbackParsingTests {
    static let received = Date(timeIntervalSince1970: 1_800_000_000)

    static let errorFields: [(String, String)] = [
        ("AccountSid", "AC1"), ("CallSid", ""), ("ConferenceSid", "CF1"), ("StreamSid", "MZ1"),
        ("StreamName", "agent-audio"), ("StreamTrack", "inbound_track"), ("StreamEvent", "stream-error"),
        ("StreamError", "connection_refused"), ("Timestamp", "2027-01-15T08:00:01.250Z"), ("Unique-ID", "u-1"),
    ]

    @Test func readsEveryFieldTheServiceSends() throws {
        let callback = try StreamCallback.parse(Self.errorFields, receivedAt: Self.received)
        #expect(
            callback
                == StreamCallback(
                    accountSid: "AC1", conferenceSid: "CF1", streamSid: "MZ1", streamName: "agent-audio",
                    track: .inbound, event: .error, error: "connection_refused",
                    at: Date(timeIntervalSince1970: 1_800_000_001.25)))
    }

    @Test func missingRequiredFieldsAreNamed() {
        let fields = Self.errorFields.filter { $0.0 != "StreamSid" && $0.0 != "AccountSid" }
        #expect(StreamCallback(fields: fields) == nil)
        #expect(throws: MalformedCallback(missingFields: ["AccountSid", "StreamSid"])) {
            try StreamCallback.parse(fields, receivedAt: Self.received)
        }
        #expect("\(MalformedCallback(missingFields: ["StreamSid"]))" == "stream callback without StreamSid")
    }

    @Test func anEmptyRequiredFieldCountsAsMissing() {
        let fields = Self.errorFields.map { $0.0 == "StreamEvent" ? ($0.0, "") : $0 }
        #expect(throws: MalformedCallback(missingFields: ["StreamEvent"])) {
            try StreamCallback.parse(fields, receivedAt: Self.received)
        }
    }

    @Test func theDefaultNameIsNoName() throws {
        let fields = Self.errorFields.map { $0.0 == "StreamName" ? ($0.0, "MZ1") : $0 }
        #expect(try StreamCallback.parse(fields, receivedAt: Self.received).streamName == nil)
    }

    @Test func timestampWithoutFractionOrUnreadable() throws {
        let whole = Self.errorFields.map { $0.0 == "Timestamp" ? ($0.0, "2027-01-15T08:00:01Z") : $0 }
        #expect(
            try StreamCallback.parse(whole, receivedAt: Self.received).at == Date(timeIntervalSince1970: 1_800_000_001))
        let odd = Self.errorFields.map { $0.0 == "Timestamp" ? ($0.0, "Sept 5th") : $0 }
        #expect(try StreamCallback.parse(odd, receivedAt: Self.received).at == Self.received)
    }
}
