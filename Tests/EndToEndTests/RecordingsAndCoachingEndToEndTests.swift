import Foundation
import Testing

/// Who is on each call, the recordings pane and the participant keys, driven by keys in tmux
/// against the built emulator: each key's request reaches the emulator, whose admin surface says
/// what it now holds.
@Suite struct RecordingsAndCoachingEndToEndTests {
    typealias Bridge = RedesignEndToEndTests.Bridge

    /// GET on the emulator's admin surface, the answer as JSON (an object or an array).
    static func adminGet(_ bridge: Bridge, _ path: String) throws -> Any {
        let output = bridge.emulator.session.directory.appendingPathComponent("admin-\(UUID().uuidString.prefix(6)).json").path
        let status = try ChildProcess.run(["curl", "-fsS", "\(bridge.base)/__admin/\(path)"], outputPath: output)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(status == 0, "GET \(path): \(String(decoding: data, as: UTF8.self))")
        return try JSONSerialization.jsonObject(with: data)
    }

    static func recordings(_ bridge: Bridge) throws -> [[String: Any]] {
        try #require(try adminGet(bridge, "conferences/\(bridge.conference)/recordings") as? [[String: Any]])
    }

    @Test func recordingsPauseResumeAndDeleteFromTheirPane() async throws {
        let bridge = try await Bridge.start()
        let started = try ConferenceEventsEndToEndTests.admin(bridge, "conferences/\(bridge.conference)/recordings", "{}")
        let recording = try #require(started["sid"] as? String)
        let (_, _, session) = try await Self.onScreen(bridge)
        defer { TruthfulEndToEndTests.end(bridge, session) }

        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Recordings (1 active, 1 in all)", timeout: .seconds(15)), "\(session.capture())")
        try session.send(keys: "Tab", "Tab")
        #expect(await session.waitFor(text: String(recording.prefix(18))))
        try session.send(keys: "P")
        #expect(await session.waitFor(text: "Pause recording"), "\(session.capture())")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Paused recording \(recording) (skip)", timeout: .seconds(10)), "\(session.capture())")
        #expect(try Self.recordings(bridge).first?["status"] as? String == "paused")

        try session.send(keys: "P")
        #expect(await session.waitFor(text: "Resumed recording \(recording)", timeout: .seconds(10)), "\(session.capture())")
        #expect(try Self.recordings(bridge).first?["status"] as? String == "in-progress")

        try session.send(keys: "D")
        #expect(await session.waitFor(text: "Delete recording"))
        #expect(session.capture().contains("undone"), "the question says a deletion is for good")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "nothing done"), "Cancel is focused: Enter alone deletes nothing")
        #expect(try Self.recordings(bridge).count == 1)
        try session.send(keys: "D")
        #expect(await session.waitFor(text: "Delete recording"))
        try session.send(keys: "Tab", "Enter")
        #expect(await session.waitFor(text: "Deleted recording \(recording)", timeout: .seconds(10)), "\(session.capture())")
        #expect(try Self.recordings(bridge).isEmpty)
        #expect(await session.waitFor(text: "no recordings of this conference", timeout: .seconds(10)))
    }

    @Test func whoIsOnTheCallThenCoachAndAnnounceToOne() async throws {
        let bridge = try await Bridge.start()
        let (_, _, session) = try await Self.onScreen(bridge)
        defer { TruthfulEndToEndTests.end(bridge, session) }
        let first = bridge.calls[0]
        let call = try #require(try Self.adminGet(bridge, "calls/\(first)") as? [String: Any])
        let direction = try #require(call["direction"] as? String)
        let number = try #require(
            (direction == "inbound" ? call["from_formatted"] : call["to_formatted"]) as? String)

        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "WHO"))
        // The first caller's number, from the calls listing, and the picked call in full below.
        #expect(await session.waitFor(text: number, timeout: .seconds(10)), "\(session.capture())")
        #expect(await session.waitFor(text: "\(first) ● from"), "\(session.capture())")

        try session.send(keys: "c")
        #expect(await session.waitFor(text: "Whom does"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "\(first) now coaches \(bridge.calls[1])", timeout: .seconds(10)), "\(session.capture())")
        let coach = try #require(
            try Self.adminGet(bridge, "conferences/\(bridge.conference)/participants/\(first)") as? [String: Any])
        #expect(coach["coaching"] as? Bool == true)
        #expect(coach["callSidToCoach"] as? String == bridge.calls[1])
        #expect(await session.waitFor(text: "coached by", timeout: .seconds(10)), "the FLAGS column of the coached caller")
        try session.send(keys: "c")
        #expect(await session.waitFor(text: "stopped coaching", timeout: .seconds(10)), "\(session.capture())")

        try session.send(keys: "a")
        #expect(await session.waitFor(text: "Announce to one caller"))
        try session.type(literal: "https://media.example.com/hello.xml")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Announcement sent to \(first)", timeout: .seconds(10)), "\(session.capture())")
        let heard = try #require(
            try Self.adminGet(bridge, "conferences/\(bridge.conference)/participants/\(first)") as? [String: Any])
        #expect(heard["lastAnnouncement"] as? String == "https://media.example.com/hello.xml")
    }

    @Test func streamAndRecordOneParticipantsCallFromTheParticipantsPane() async throws {
        let bridge = try await Bridge.start()
        let (_, _, session) = try await Self.onScreen(bridge)
        defer { TruthfulEndToEndTests.end(bridge, session) }
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "WHO"))
        // The picked call, from the pane's last line (the call `n` and `R` act on).
        let calls = bridge.calls
        #expect(await session.waitUntil("the picked call's line", timeout: .seconds(10)) { screen in
            calls.contains { screen.contains("\($0) ● ") }
        })
        let screen = session.capture()
        let call = try #require(calls.first { screen.contains("\($0) ● ") }, "\(screen)")

        // `n` on the participants pane: the form is the call's, without codec or real time.
        try session.send(keys: "n")
        #expect(await session.waitFor(text: "Start a stream on call \(call)"), "\(session.capture())")
        #expect(!session.capture().contains("Codec"), "a call stream takes no codec")
        try session.type(literal: "wss://media.example.com/one-caller")
        try session.send(keys: "Tab")
        try session.type(literal: "e2e-call")
        try session.send(keys: "Enter")
        // The outcome, not the form's title (which names the call too).
        #expect(await session.waitFor(text: "started stream e2e-call", timeout: .seconds(10)), "\(session.capture())")
        let streams = try #require(try Self.adminGet(bridge, "calls/\(call)/streams") as? [[String: Any]])
        #expect(streams.contains { $0["name"] as? String == "e2e-call" }, "the emulator has the stream on that call: \(streams)")
        try session.send(keys: "Tab")
        #expect(await session.waitFor(text: "e2e-call (call \(call.prefix(8)))", timeout: .seconds(10)), "\(session.capture())")
        // `x` on the streams pane stops it through the call's endpoint, after asking.
        try session.send(keys: "x")
        #expect(await session.waitFor(text: "Stop stream e2e-call"), "\(session.capture())")
        try session.send(keys: "Tab", "Enter")
        #expect(await session.waitFor(text: "stopped stream e2e-call", timeout: .seconds(10)), "\(session.capture())")
        let stopped = try #require(try Self.adminGet(bridge, "calls/\(call)/streams") as? [[String: Any]])
        #expect(
            stopped.contains { $0["name"] as? String == "e2e-call" && $0["status"] as? String == "stopped" },
            "the emulator has the call's stream stopped: \(stopped)")

        // `R` on the participants pane: channels and track, then the call's recording.
        try session.send(keys: "Tab", "Tab")
        #expect(await session.waitFor(text: "stream the call"), "back on the participants pane: \(session.capture())")
        try session.send(keys: "R")
        #expect(await session.waitFor(text: "Record call"), "\(session.capture())")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Recording call \(call)", timeout: .seconds(10)), "\(session.capture())")
        let recordings = try #require(try Self.adminGet(bridge, "calls/\(call)/recordings") as? [[String: Any]])
        let recording = try #require(recordings.first?["sid"] as? String, "\(recordings)")
        try session.send(keys: "Tab", "Tab")
        #expect(await session.waitFor(text: String(recording.prefix(18)), timeout: .seconds(10)), "\(session.capture())")
        #expect(session.capture().contains("call \(call.prefix(8))"))
        // Its pause goes through the call's endpoint, and the emulator agrees.
        try session.send(keys: "P")
        #expect(await session.waitFor(text: "Pause recording"), "\(session.capture())")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Paused recording \(recording) of call", timeout: .seconds(10)), "\(session.capture())")
        let after = try #require(try Self.adminGet(bridge, "calls/\(call)/recordings") as? [[String: Any]])
        #expect(after.first?["status"] as? String == "paused")
    }

    static func onScreen(_ bridge: Bridge) async throws -> (Bridge, String, TmuxSession) {
        let ledger = bridge.emulator.session.directory.appendingPathComponent("ledger.sqlite").path
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 1 --ledger \(Demo.quoted(ledger))",
            width: 160, height: 44, environment: Demo.environment(bridge.environment))
        #expect(await session.waitFor(text: "Support Bridge", timeout: .seconds(20)))
        return (bridge, ledger, session)
    }
}
