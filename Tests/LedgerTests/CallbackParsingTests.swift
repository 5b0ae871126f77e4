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

    /// The callback decoder on mutated real fields: duplicated, dropped, emptied, swapped for
    /// odd text (controls, huge, non-ASCII, odd dates). It parses or names what is missing; it
    /// never traps, and what it parses keeps the sids it was given.
    @Test func fuzzedCallbacksParseOrNameWhatIsMissing() {
        var rng = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        var state = seed
        func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        let odd = [
            "", " ", "\u{0}", "\u{1B}[2J", String(repeating: "x", count: 70_000), "東京🚑", "stream-stopped ",
            "2027-02-30T25:00:00Z", "-1", "1e309", "Thu, 01 Jan 1970 00:00:00 +0000", "%zz", "inbound_track\n",
        ]
        var parsed = 0
        var refused = 0
        for _ in 0..<5000 {
            var fields = Self.errorFields
            for _ in 0...next(4) {
                let at = next(fields.count)
                switch next(4) {
                case 0: fields.remove(at: at)
                case 1: fields.append(fields[at])
                case 2: fields[at].1 = odd[next(odd.count)]
                default: fields.append((odd[next(odd.count)], odd[next(odd.count)]))
                }
                if fields.isEmpty { break }
            }
            do {
                let callback = try StreamCallback.parse(fields, receivedAt: Self.received)
                parsed += 1
                #expect(!callback.streamSid.isEmpty && !callback.accountSid.isEmpty, "seed \(seed)")
            } catch {
                refused += 1
                #expect(!error.missingFields.isEmpty, "seed \(seed)")
                #expect("\(error)".hasPrefix("stream callback without "), "seed \(seed)")
            }
        }
        #expect(parsed > 0 && refused > 0, "seed \(seed): parsed \(parsed), refused \(refused)")
    }
}
