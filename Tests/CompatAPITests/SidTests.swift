import CompatAPI
import Foundation
import Testing

/// Sids kept as sixteen bytes when they are lowercase UUIDs: the text always comes back exactly
/// as it was read, whatever its form.
struct SidTests {
    @Test(arguments: [
        "5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c17",  // SignalWire's form: kept as bytes
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "5E1F0C2A-7D4B-4C8E-9A31-0F6B2D8E4C17",  // upper case: kept as text, not lowered
        "5e1f0c2a7d4b4c8e9a310f6b2d8e4c17abcd",  // 36 characters without dashes
        "5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c1g",  // not hexadecimal
        "CA0123456789abcdef0123456789abcdef",  // Twilio's form
        "CA-c1", "", "é5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c1",
    ])
    func theTextComesBackAsRead(_ text: String) {
        #expect(Sid(text).text == text)
        #expect(Sid(text) == Sid(text))
        #expect(Sid(text).hashValue == Sid(text).hashValue)
    }

    @Test func aRandomUUIDRoundTripsAndDiffersFromItsNeighbours() {
        for _ in 0..<200 {
            let text = UUID().uuidString.lowercased()
            #expect(Sid(text).text == text)
            var other = Array(text.utf8)
            other[35] = other[35] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            #expect(Sid(text) != Sid(String(decoding: other, as: UTF8.self)))
        }
        // The same characters in upper case are another sid (the service never mixes them).
        #expect(Sid("5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c17") != Sid("5E1F0C2A-7D4B-4C8E-9A31-0F6B2D8E4C17"))
    }

    @Test func aParticipantKeepsItsCallSidExactly() throws {
        let sid = "5e1f0c2a-7d4b-4c8e-9a31-0f6b2d8e4c17"
        var p = Participant(
            callSid: sid, conferenceSid: "CF1", accountSid: "AC1", status: "connected", dateCreated: ServiceDate(raw: ""),
            dateUpdated: ServiceDate(raw: ""), uri: "")
        #expect(p.callSid == sid && p.id == sid && p.callSidKey == Sid(sid))
        p.callSid = "CA-c1"
        #expect(p.callSid == "CA-c1")
        let json = try JSONEncoder().encode(p)
        #expect(try JSONDecoder().decode(Participant.self, from: json) == p)
    }
}
