import Foundation
import Testing

/// Starting and stopping a stream from the dashboard, against the in-process emulator, with
/// the callback receiver on: the form, its validation, a double Enter, the stop confirmation,
/// and the emulator's own account of what happened.
@Suite struct StreamEndToEndTests {
    /// The emulator's port and the open conference's sid, read off the screen.
    static func demoPort(_ screen: String) -> String? {
        screen.firstMatch(of: /emulator on port (\d+)/).map { String($0.1) }
    }

    static func openConferenceSid(_ screen: String) -> String? {
        screen.firstMatch(of: /sid ([0-9a-f-]{36})  region/).map { String($0.1) }
    }

    /// What the emulator's admin surface says about a conference's streams.
    static func adminStreams(port: String, conference: String, in directory: URL) throws -> [[String: Any]] {
        let output = directory.appendingPathComponent("admin-\(UUID().uuidString.prefix(6)).json").path
        let status = try ChildProcess.run(
            ["curl", "-fsS", "http://127.0.0.1:\(port)/__admin/conferences/\(conference)/streams"], outputPath: output)
        #expect(status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    @Test func startWithTheFormThenStopWithConfirmation() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 120, height: 40, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Participants ("))
        let screen = session.capture()
        let port = try #require(Self.demoPort(screen))
        let conference = try #require(Self.openConferenceSid(screen))

        // A ws:// URL is refused by the form, with the reason under the field. `n` on the
        // streams pane starts the conference's stream (on the participants pane, the call's).
        try session.send(keys: "Tab")
        #expect(await session.waitFor(text: "new stream"))
        try session.send(keys: "n")
        #expect(await session.waitFor(text: "Start a stream on"))
        try session.type(literal: "ws://media.example.com/e2e")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Url must use wss://"))
        #expect(try Self.adminStreams(port: port, conference: conference, in: session.directory).isEmpty)

        // Fixed, named, and submitted with a double Enter: exactly one stream starts.
        try session.send(keys: "C-u")
        try session.type(literal: "wss://media.example.com/e2e")
        try session.send(keys: "Tab")
        try session.type(literal: "e2e-rec")
        try session.send(keys: "Enter", "Enter")
        #expect(await session.waitFor(text: "started stream e2e-rec"))
        #expect(await session.waitUntil("the stream in progress (a signed callback)", timeout: .seconds(10)) { screen in
            screen.split(separator: "\n").contains { $0.contains("e2e-rec") && $0.contains("in-progress") }
        })
        let running = try Self.adminStreams(port: port, conference: conference, in: session.directory)
        #expect(running.count == 1)

        // x asks first with Cancel focused: Enter alone stops nothing. (The streams pane is in
        // front already: the stream was started from it.)
        try session.send(keys: "x")
        #expect(await session.waitFor(text: "Stop stream e2e-rec"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "nothing done"))
        #expect(try Self.adminStreams(port: port, conference: conference, in: session.directory).first?["status"] as? String == "in-progress")
        try session.send(keys: "x")
        #expect(await session.waitFor(text: "[ Cancel ]"))
        try session.send(keys: "Tab", "Enter")
        #expect(await session.waitFor(text: "stopped stream e2e-rec"))
        #expect(await session.waitUntil("the stream stopped on screen") { screen in
            screen.split(separator: "\n").contains { $0.contains("e2e-rec") && $0.contains("stopped") }
        })
        let after = try Self.adminStreams(port: port, conference: conference, in: session.directory)
        #expect(after.count == 1)
        #expect(after.first?["status"] as? String == "stopped")
        #expect(after.first?["url"] as? String == "wss://media.example.com/e2e")
    }
}

/// Operator actions and read-only mode, driven by keys in the real binary.
@Suite struct OperatorEndToEndTests {
    @Test func readOnlyRemovesEveryMutatingKey() async throws {
        let session = try TmuxSession(
            command: try Demo.command("--readonly"), width: 120, height: 40, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        #expect(session.capture().contains("READ-ONLY"))
        #expect(!session.capture().contains("start a stream"))
        // A refused key says why in a notice that keeps what is typed next from the table.
        try session.send(keys: "n")
        #expect(await session.waitFor(text: "dashboard is read-only"))
        try session.send(keys: "Enter")
        #expect(await session.waitForAbsence(of: "dashboard is read-only"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Participants ("))
        try session.send(keys: "m")
        #expect(await session.waitFor(text: "mute/unmute the participant"))
        try session.send(keys: "E")
        #expect(!session.capture().contains("End conference"))
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "mute/unmute the participant"))
        try session.send(keys: "E")
        #expect(await session.waitFor(text: "dashboard is read-only"))
        #expect(!session.capture().contains("End conference"))
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "dashboard is read-only"))
        try session.send(keys: "?")
        #expect(await session.waitFor(text: "Keys ("))
        #expect(!session.capture().contains("remove the participant"))
        let port = try #require(StreamEndToEndTests.demoPort(session.capture()))
        let output = session.directory.appendingPathComponent("requests.json").path
        #expect(try ChildProcess.run(["curl", "-fsS", "http://127.0.0.1:\(port)/__admin/requests"], outputPath: output) == 0)
        let log = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!log.contains("\"POST\"") && !log.contains("\"DELETE\""), "a mutating request reached the emulator: \(log)")
    }

    @Test func muteShowsAtOnceAndEndConferenceAsksFirst() async throws {
        // Wide enough for the whole call sid beside SPEAKING, WHO and QUALITY.
        let session = try TmuxSession(command: try Demo.command(), width: 160, height: 40, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "CALL SID"))
        // The picked participant, from the pane's last line (the call `m` acts on, in full), and
        // whether its row's FLAGS says muted. Not the first row read off the screen: a poll that
        // lands between the capture and the key may have moved the pick.
        #expect(await session.waitUntil("the picked call's line") { $0.contains(" ● from ") })
        let screen = session.capture()
        let detail = try #require(screen.split(separator: "\n").first { $0.contains(" ● from ") })
        let call = try #require(detail.dropFirst().split(separator: " ").first.map(String.init))
        let row = try #require(
            screen.split(separator: "\n").first { $0.hasPrefix("│") && $0.contains(call.prefix(18)) && $0.contains("in-progress") })
        let mutedBefore = row.contains("muted")
        try session.send(keys: "m")
        // The service's own answer, from the audited action: "Muted CALL" or "Unmuted CALL".
        #expect(
            await session.waitFor(text: "\(mutedBefore ? "Unmuted" : "Muted") \(call)", timeout: .seconds(20)), "\(session.capture())")
        try session.send(keys: "E")
        #expect(await session.waitFor(text: "End conference"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "nothing done"))
        // The event log pane shows the audited mute.
        try session.send(keys: "L")
        #expect(await session.waitFor(text: "Event log"))
        #expect(await session.waitUntil("the mute in the event log") { screen in
            screen.split(separator: "\n").contains { $0.contains(mutedBefore ? "unmute" : "mute") && $0.contains(call.prefix(8)) && $0.contains("ok") }
        })
        // The request behind it: in its row, and in full on the pane's last line for the pick
        // (the newest entry, the mute).
        #expect(await session.waitUntil("the mute's request") { screen in
            screen.split(separator: "\n").contains { $0.contains(call.prefix(8)) && $0.contains("POST 200 ") }
                && screen.contains("request: POST → 200 in ") && screen.contains("/Participants/")
        }, "\(session.capture())")
    }
}
