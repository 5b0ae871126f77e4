import Foundation
import Testing

/// Conference status callbacks in the built binary: the dashboard polls once a minute and
/// receives callbacks on `--callback-listen`; the emulator (`confdash emulator`) sends its
/// conference events there, as an application's cXML would ask; a caller who joins and starts
/// speaking through the emulator's admin surface shows on screen with no poll in between.
@Suite struct ConferenceEventsEndToEndTests {
    typealias Bridge = RedesignEndToEndTests.Bridge

    /// A loopback port nobody listens on right now, for the dashboard's receiver: the test must
    /// know it to tell the emulator where to send.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// How many times the dashboard has read the bridge's participants, by the emulator's request log.
    static func participantReads(_ bridge: Bridge) throws -> Int {
        let log = try bridge.emulator.requestLog(in: bridge.emulator.session.directory)
        return log.components(separatedBy: "/Conferences/\(bridge.conference)/Participants").count - 1
    }

    static func admin(_ bridge: Bridge, _ path: String, _ json: String) throws -> [String: Any] {
        try Bridge.curl(
            ["-X", "POST", "-H", "Content-Type: application/json", "-d", json, "\(bridge.base)/__admin/\(path)"],
            in: bridge.emulator.session.directory)
    }

    @Test func aJoinAndWhoIsSpeakingShowBeforeAnyPollCouldBringThem() async throws {
        let bridge = try await Bridge.start()
        defer { bridge.emulator.session.kill() }
        // The emulator prints its demo signing key with its credentials; the dashboard reads it
        // from the environment, as it would the project's.
        let signingKey = try #require(
            bridge.emulator.session.capture().firstMatch(of: /SIGNALWIRE_SIGNING_KEY=(\S+)/).map { String($0.1) })
        let port = try Self.freePort()
        let ledger = bridge.emulator.session.directory.appendingPathComponent("ledger.sqlite").path
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 60 --callback-listen 127.0.0.1:\(port) "
                + "--ledger \(Demo.quoted(ledger))",
            width: 120, height: 40,
            environment: Demo.environment(bridge.environment.merging(["SIGNALWIRE_SIGNING_KEY": signingKey]) { $1 }))
        defer { session.kill() }
        #expect(await session.waitFor(text: "Support Bridge", timeout: .seconds(15)))
        let subscribed = try Self.admin(
            bridge, "conference-events", #"{"url": "http://127.0.0.1:\#(port)/conferences/events"}"#)
        #expect(subscribed["url"] as? String == "http://127.0.0.1:\(port)/conferences/events")

        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: String(bridge.calls[2].prefix(18)), timeout: .seconds(10)))
        #expect(await session.waitFor(text: "SPEAKING"), "with the receiver on, the pane has a SPEAKING column")
        // Opening the conference read its participants once more (the first poll did too); the
        // next poll is a minute away. Every read from here on would show in this count.
        #expect(try await TruthfulEndToEndTests.waitUntil("the open conference's participants read") {
            try Self.participantReads(bridge) >= 2
        })
        let reads = try Self.participantReads(bridge)

        let joined = try Self.admin(bridge, "conferences/\(bridge.conference)/participants", "{}")
        let newcomer = try #require(joined["call_sid"] as? String)
        #expect(await session.waitFor(text: String(newcomer.prefix(18)), timeout: .seconds(10)))
        #expect(try Self.participantReads(bridge) == reads, "the join came by event, not by a poll")

        let speech = try Self.admin(
            bridge, "conferences/\(bridge.conference)/participants/\(newcomer)/speech", #"{"speaking": true}"#)
        #expect(speech["speaking"] as? [String] == [newcomer])
        #expect(await session.waitUntil("\(newcomer) shown speaking", timeout: .seconds(10)) { screen in
            screen.split(separator: "\n").contains { $0.contains(newcomer.prefix(18)) && $0.contains("speaking") }
        })
        #expect(try Self.participantReads(bridge) == reads, "who speaks came by event, not by a poll")

        // Speech stops: the marker goes, and still no poll.
        _ = try Self.admin(
            bridge, "conferences/\(bridge.conference)/participants/\(newcomer)/speech", #"{"speaking": false}"#)
        #expect(await session.waitUntil("\(newcomer) no longer speaking", timeout: .seconds(10)) { screen in
            !screen.split(separator: "\n").contains { $0.contains(newcomer.prefix(18)) && $0.contains("speaking") }
        })
        #expect(try Self.participantReads(bridge) == reads)
    }
}
