import Foundation
import Testing

/// What the redesign step promises, in the built binary: a key acts on the row the operator
/// picked, a ledger that cannot record says so, and a remapped key is the key named.
@Suite struct RedesignEndToEndTests {
    /// A `confdash emulator` with one live conference of three callers, and how to reach it.
    struct Bridge {
        let emulator: ProfileEndToEndTests.RunningEmulator
        let conference: String
        let calls: [String]

        var base: String { "http://127.0.0.1:\(emulator.port)" }
        var environment: [String: String] {
            [
                "SIGNALWIRE_SPACE": base, "SIGNALWIRE_PROJECT_ID": emulator.projectID,
                "SIGNALWIRE_API_TOKEN": emulator.token,
            ]
        }
        var participantsPath: String {
            "\(base)/api/laml/2010-04-01/Accounts/\(emulator.projectID)/Conferences/\(conference)/Participants"
        }

        static func start() async throws -> Bridge {
            let emulator = try await ProfileEndToEndTests.RunningEmulator.start(seed: 5, conferences: 0)
            let directory = emulator.session.directory
            let created = try curl(
                ["-X", "POST", "-H", "Content-Type: application/json", "-d", #"{"friendlyName": "Support Bridge", "participants": 3}"#,
                 "http://127.0.0.1:\(emulator.port)/__admin/conferences"], in: directory)
            let conference = try #require(created["sid"] as? String)
            var bridge = Bridge(emulator: emulator, conference: conference, calls: [])
            bridge = Bridge(emulator: emulator, conference: conference, calls: try bridge.participants().map(\.call))
            #expect(bridge.calls.count == 3)
            return bridge
        }

        /// A curl config file holding the credentials, so the token is never in argv (even the
        /// emulator's demo token: a test does what the product does).
        func credentialsFile() throws -> String {
            let path = emulator.session.directory.appendingPathComponent("curl-credentials").path
            try "user = \"\(emulator.projectID):\(emulator.token)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// Each caller's call sid and whether the service has them muted, in the service's order.
        func participants() throws -> [(call: String, muted: Bool)] {
            let list = try Self.curl(["-K", try credentialsFile(), "\(participantsPath).json"], in: emulator.session.directory)
            let participants = try #require(list["participants"] as? [[String: Any]])
            return participants.compactMap { p in (p["call_sid"] as? String).map { ($0, p["muted"] as? Bool ?? false) } }
        }

        func remove(_ call: String) throws {
            let output = emulator.session.directory.appendingPathComponent("remove.txt").path
            let status = try ChildProcess.run(
                ["curl", "-fsS", "-X", "DELETE", "-K", try credentialsFile(), "\(participantsPath)/\(call).json"],
                outputPath: output)
            #expect(status == 0)
        }

        static func curl(_ arguments: [String], in directory: URL) throws -> [String: Any] {
            let output = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(6)).json").path
            let status = try ChildProcess.run(["curl", "-fsS"] + arguments, outputPath: output)
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            #expect(status == 0, "curl \(arguments.last ?? ""): \(String(decoding: data, as: UTF8.self))")
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    @Test func thePickedCallerIsMutedAfterTheOneAboveLeaves() async throws {
        let bridge = try await Bridge.start()
        defer { bridge.emulator.session.kill() }
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 1", width: 120, height: 40,
            environment: Demo.environment(bridge.environment))
        defer { session.kill() }
        #expect(await session.waitFor(text: "Support Bridge", timeout: .seconds(15)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: String(bridge.calls[2].prefix(18)), timeout: .seconds(10)))
        // Pick the second caller; the first leaves (through the API) and the list closes up.
        try session.send(keys: "j")
        try bridge.remove(bridge.calls[0])
        #expect(await session.waitUntil("the first caller gone from the screen", timeout: .seconds(10)) { screen in
            !screen.contains(String(bridge.calls[0].prefix(18)))
        })
        let before = Dictionary(uniqueKeysWithValues: try bridge.participants().map { ($0.call, $0.muted) })
        try session.send(keys: "m")
        let word = before[bridge.calls[1]] == true ? "Unmuted" : "Muted"
        #expect(await session.waitFor(text: "\(word) \(bridge.calls[1])", timeout: .seconds(10)))
        var expected = before
        expected[bridge.calls[1]]?.toggle()
        let after = Dictionary(uniqueKeysWithValues: try bridge.participants().map { ($0.call, $0.muted) })
        #expect(after == expected, "only the picked caller's mute changed")
    }

    /// `confdash streams stop` on a ledger that cannot write: the stop happened at the service,
    /// so it says so, says the ledger did not record it, and exits 8 ("done at the service, not
    /// recorded by confdash"; 2 is a usage error).
    @Test func aStopTheLedgerCannotRecordExitsEight() async throws {
        let bridge = try await Bridge.start()
        defer { bridge.emulator.session.kill() }
        let directory = bridge.emulator.session.directory
        let ledger = directory.appendingPathComponent("ledger.sqlite").path
        let binary = try Demo.binary()
        let environment = bridge.environment.merging(Demo.environment()) { current, _ in current }
        let startOutput = directory.appendingPathComponent("start.txt").path
        let started = try ChildProcess.run(
            [binary, "streams", "start", bridge.conference, "--url", "wss://media.example.com/in", "--name", "recorder",
             "--ledger", ledger],
            outputPath: startOutput, environment: environment)
        let startText = try String(contentsOfFile: startOutput, encoding: .utf8)
        #expect(started == 0, "\(startText)")
        let sid = try #require(startText.firstMatch(of: /Started stream (\S+)/).map { String($0.1) })

        // From here on the ledger refuses every write (as root, a file mode would not stop SQLite).
        let faultOutput = directory.appendingPathComponent("fault.txt").path
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for table, event in [("stream", "UPDATE"), ("stream_event", "INSERT"), ("audit", "INSERT")]:
                db.execute(f"CREATE TRIGGER refuse_{table}_{event} BEFORE {event} ON {table} "
                           "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
            db.commit()
            """
        #expect(try ChildProcess.run(["python3", "-c", script, ledger], outputPath: faultOutput) == 0)

        let stopOutput = directory.appendingPathComponent("stop.txt").path
        let stopped = try ChildProcess.run(
            [binary, "streams", "stop", bridge.conference, sid, "--ledger", ledger], outputPath: stopOutput,
            environment: environment)
        let stopText = try String(contentsOfFile: stopOutput, encoding: .utf8)
        #expect(stopped == 8, "\(stopText)")
        #expect(stopText.contains("Stream \(sid) (recorder) on \(bridge.conference): stopped"))
        #expect(stopText.contains("the stream ledger did not record it"))
        #expect(stopText.contains("the audit trail did not record it"))
        let streams = try #require(
            try JSONSerialization.jsonObject(
                with: try Data(
                    contentsOf: URL(fileURLWithPath: try adminStreams(bridge, in: directory)))) as? [[String: Any]])
        #expect(streams.first?["status"] as? String == "stopped")
    }

    func adminStreams(_ bridge: Bridge, in directory: URL) throws -> String {
        let output = directory.appendingPathComponent("streams.json").path
        #expect(
            try ChildProcess.run(
                ["curl", "-fsS", "\(bridge.base)/__admin/conferences/\(bridge.conference)/streams"], outputPath: output) == 0)
        return output
    }

    /// With `stopStream = "X"` in the profile, no message names `x`: the help and the nudge on
    /// the participants pane both say X.
    @Test func aRemappedKeyIsTheKeyEveryMessageNames() async throws {
        let bridge = try await Bridge.start()
        defer { bridge.emulator.session.kill() }
        let home = bridge.emulator.session.directory.appendingPathComponent("home")
        let configDirectory = home.appendingPathComponent("config/confdash")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        try """
        default_profile = "ops"

        [profiles.ops]
        space = "\(bridge.base)"
        project_id = "\(bridge.emulator.projectID)"
        token_env = "OPS_TOKEN"

        [profiles.ops.keys]
        stopStream = "X"
        """.write(to: configDirectory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 1", width: 120, height: 40,
            environment: Demo.environment([
                "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "OPS_TOKEN": bridge.emulator.token,
                "SIGNALWIRE_SPACE": "", "SIGNALWIRE_PROJECT_ID": "", "SIGNALWIRE_API_TOKEN": "",
            ]))
        defer { session.kill() }
        #expect(await session.waitFor(text: "Support Bridge", timeout: .seconds(15)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Participants ("))
        try session.send(keys: "X")
        #expect(await session.waitFor(text: "pick a stream, then X"))
        let nudge = session.capture()
        #expect(!nudge.contains("then x"))
        try session.send(keys: "?")
        #expect(await session.waitFor(text: "Keys ("))
        let help = session.capture()
        #expect(help.contains("X") && help.contains("stop the stream or recording"))
        #expect(!help.split(separator: "\n").contains { $0.contains(" x ") && $0.contains("stop the stream or recording") })
    }
}
