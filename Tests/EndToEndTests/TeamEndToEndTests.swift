import Foundation
import StoreTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The team view, with the built binaries: the emulator, `confdash receiver`, one shared store
/// (a PostgreSQL server the test starts, or one SQLite file) and two dashboards in two tmux
/// sessions with different state directories. A stream started in the first shows in the
/// second; a stream a third party starts directly against the service, with its StatusCallback
/// on the receiver, shows in both as the application's; the second operator stops it and the
/// first sees it stopped; the event log of the first shows the second's stop.
@Suite(.serialized) struct TeamEndToEndTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case postgres, sqlite
        var testDescription: String { rawValue }
    }

    @Test(arguments: Store.allCases) func twoDashboardsOnOneStoreSeeEachOthersStreamsLive(store: Store) async throws {
        let space = try await CLIContractEndToEndTests.Space.start("team-\(store)")
        defer { space.stop() }
        let directory = space.directory
        let location: String
        switch store {
        case .postgres: location = try await TestPostgres.shared.freshDatabase().url
        case .sqlite: location = directory.appendingPathComponent("shared/ledger.sqlite").path
        }
        // The store's password reaches confdash the way an operator's does: a command prints it.
        let passwordFile = directory.appendingPathComponent("store-password").path
        try TestPostgres.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)

        // The team receiver, on the emulator's signing key, writing into the shared store.
        let receiverConfig = directory.appendingPathComponent("receiver.toml").path
        try """
            [profiles.team]
            signing_key = "\(ReceiverEndToEndTests.emulatorSigningKey)"
            """.write(toFile: receiverConfig, atomically: true, encoding: .utf8)
        chmod(receiverConfig, 0o600)
        let stdout = directory.appendingPathComponent("receiver.out").path
        let pid = try ChildProcess.spawn(
            [try Demo.binary(), "receiver", "--listen", "127.0.0.1:0", "--config", receiverConfig, "--store", location],
            stdout: stdout, stderr: directory.appendingPathComponent("receiver.err").path,
            environment: space.variables.merging(["CONFDASH_STORE_PASSWORD": TestPostgres.password]) { $1 })
        defer {
            _ = kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
        let port = await ReceiverEndToEndTests.listeningPort(stdout)
        let receiver = "http://127.0.0.1:\(try #require(port, "the receiver did not start"))/p/team/streams/callback"

        // Both operators' config: the shared store, its password command, the receiver's URL.
        let configHome = directory.appendingPathComponent("config")
        try FileManager.default.createDirectory(
            at: configHome.appendingPathComponent("confdash"), withIntermediateDirectories: true)
        let config = configHome.appendingPathComponent("confdash/config.toml").path
        try """
            default_profile = "team"
            [profiles.team]
            store = "\(location)"
            store_password_command = "cat \(passwordFile)"
            callback_url = "\(receiver)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)

        let conference = try space.conference("Team bridge", participants: 2)
        let environment = space.variables.merging(["XDG_CONFIG_HOME": configHome.path]) { $1 }
        let first = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 2", width: 140, height: 40,
            environment: Demo.environment(environment))
        defer { first.kill() }
        let second = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 2", width: 140, height: 40,
            environment: Demo.environment(environment))
        defer { second.kill() }
        for session in [first, second] {
            #expect(await session.waitFor(text: "Team bridge", timeout: .seconds(20)))
            try session.send(keys: "Enter")
            #expect(await session.waitFor(text: "Participants ("))
        }

        // 1. The first operator starts a stream; the second sees it, with who started it. From
        // the streams pane: `n` there is the conference's stream, on the participants pane the call's.
        try first.send(keys: "Tab")
        try first.send(keys: "n")
        #expect(await first.waitFor(text: "Start a stream on"))
        try first.type(literal: "wss://media.example.com/team")
        try first.send(keys: "Enter")
        #expect(await first.waitFor(text: "Streams (1 open", timeout: .seconds(20)))
        #expect(await second.waitFor(text: "Streams (1 open", timeout: .seconds(20)), "\(second.capture())")
        let operatorName = "\(AuditUser.name)@"
        #expect(await second.waitUntil("the first operator's name on the second's screen") { $0.contains(operatorName) })

        // 2. A third party starts one directly, its StatusCallback on the receiver: both see it,
        // marked as the application's. Its own ledger is elsewhere: only the receiver tells the team.
        let thirdParty = directory.appendingPathComponent("third-party").path
        let started = try space.run(
            [
                "streams", "start", conference, "--url", "wss://media.example.com/app", "--name", "app-rec",
                "--callback", receiver, "--store", thirdParty + "/ledger.sqlite", "--json",
            ],
            environment: ["XDG_STATE_HOME": thirdParty])
        #expect(started.status == 0, "\(started)")
        for session in [first, second] {
            #expect(
                await session.waitUntil("the application's stream on screen") { screen in
                    screen.split(separator: "\n").contains { $0.contains("app-rec") && $0.contains("application") }
                }, "\(session.capture())")
        }

        // 3. The second operator stops it (newest first: its row is the top one; the selection
        // stays on the row it was on when a new one arrives, so it moves there first); the first
        // sees it stopped.
        try second.send(keys: "Tab", "g", "x")
        #expect(await second.waitFor(text: "Stop stream app-rec"))
        try second.send(keys: "Tab", "Enter")
        #expect(await second.waitFor(text: "stopped stream app-rec", timeout: .seconds(20)))
        #expect(
            await first.waitUntil("the stop on the first operator's screen") { screen in
                screen.split(separator: "\n").contains { $0.contains("app-rec") && $0.contains("stopped") }
            }, "\(first.capture())")

        // 4. The first operator's event log shows the second's stop, and the second's the first's start.
        try first.send(keys: "L")
        #expect(await first.waitFor(text: "Event log"))
        #expect(await first.waitFor(text: "stop-stream"), "\(first.capture())")
        #expect(await first.waitFor(text: "start-stream"))
        try second.send(keys: "L")
        #expect(await second.waitFor(text: "Event log"))
        #expect(await second.waitFor(text: "start-stream"), "\(second.capture())")
    }
}

/// The local account the dashboards run as (both operators here are the same account on one
/// host; their rows still say user@host).
enum AuditUser {
    static var name: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "?"
    }
}

/// PostgreSQL stopped under a running dashboard: it keeps polling the service, says in words that
/// the store cannot be reached, and catches up when the server is back.
@Suite(.serialized) struct StoreOutageEndToEndTests {
    @Test func aDashboardSaysTheStoreIsUnreachableKeepsPollingAndCatchesUp() async throws {
        let space = try await CLIContractEndToEndTests.Space.start("store-outage")
        defer { space.stop() }
        let directory = space.directory
        // A server of its own: the other tests share TestPostgres.shared.
        let postgres = TestPostgres()
        let location = try await postgres.freshDatabase().url
        let passwordFile = directory.appendingPathComponent("store-password").path
        try TestPostgres.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)
        let configHome = directory.appendingPathComponent("config")
        try FileManager.default.createDirectory(
            at: configHome.appendingPathComponent("confdash"), withIntermediateDirectories: true)
        let config = configHome.appendingPathComponent("confdash/config.toml").path
        try """
            default_profile = "team"
            [profiles.team]
            store = "\(location)"
            store_password_command = "cat \(passwordFile)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let environment = space.variables.merging(["XDG_CONFIG_HOME": configHome.path]) { $1 }
        let conference = try space.conference("Outage bridge", participants: 2)
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 1", width: 140, height: 40,
            environment: Demo.environment(environment))
        defer { session.kill() }
        #expect(await session.waitFor(text: "Outage bridge", timeout: .seconds(20)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Participants ("))

        try await postgres.stop()
        #expect(await session.waitFor(text: "cannot reach the store", timeout: .seconds(30)), "\(session.capture())")
        // Polling goes on: a caller who joins now still shows.
        try space.admin("POST", "conferences/\(conference)/participants", json: "{}")
        #expect(await session.waitFor(text: "Participants (3)", timeout: .seconds(30)), "\(session.capture())")

        try await postgres.restart()
        #expect(await session.waitForAbsence(of: "cannot reach the store", timeout: .seconds(30)), "\(session.capture())")
        // Caught up: a stream another process records now shows.
        let started = try space.run(
            ["streams", "start", conference, "--url", "wss://media.example.com/after", "--name", "after-outage", "--json"],
            environment: ["XDG_CONFIG_HOME": configHome.path])
        #expect(started.status == 0, "\(started)")
        #expect(await session.waitFor(text: "after-outage", timeout: .seconds(20)), "\(session.capture())")
    }
}

/// Conference events for a team: the application's conference status callbacks go to the team
/// receiver (`/p/<profile>/conferences/events`), which stores them; a dashboard that polls once a
/// minute and receives nothing itself shows a caller who joins and starts speaking, read from the
/// shared PostgreSQL store. Forged events and events replayed to another profile's route are
/// refused and counted in the receiver's /metrics, and never reach the screen.
@Suite(.serialized) struct TeamConferenceEventsEndToEndTests {
    typealias Bridge = RedesignEndToEndTests.Bridge
    typealias Events = ConferenceEventsEndToEndTests

    @Test func aJoinAndWhoIsSpeakingReachTheDashboardThroughTheTeamReceiverAndTheStore() async throws {
        let bridge = try await Bridge.start()
        defer { bridge.emulator.session.kill() }
        let directory = bridge.emulator.session.directory
        let location = try await TestPostgres.shared.freshDatabase().url
        let passwordFile = directory.appendingPathComponent("store-password").path
        try TestPostgres.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)

        // Two profiles, so an event signed for one and sent to the other's route is a replay.
        let otherKey = "PSKother-\(UUID().uuidString.prefix(12))"
        let receiverConfig = directory.appendingPathComponent("receiver.toml").path
        try """
            [profiles.team]
            signing_key = "\(ReceiverEndToEndTests.emulatorSigningKey)"

            [profiles.other]
            signing_key = "\(otherKey)"
            """.write(toFile: receiverConfig, atomically: true, encoding: .utf8)
        chmod(receiverConfig, 0o600)
        let stdout = directory.appendingPathComponent("receiver.out").path
        let stderr = directory.appendingPathComponent("receiver.err").path
        let pid = try ChildProcess.spawn(
            [try Demo.binary(), "receiver", "--listen", "127.0.0.1:0", "--config", receiverConfig, "--store", location],
            stdout: stdout, stderr: stderr, environment: ["CONFDASH_STORE_PASSWORD": TestPostgres.password])
        defer {
            _ = kill(pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
        let port = await ReceiverEndToEndTests.listeningPort(stdout)
        let receiver = "http://127.0.0.1:\(try #require(port, "the receiver did not start: \(ReceiverEndToEndTests.read(stderr))"))"
        let teamEvents = "\(receiver)/p/team/conferences/events"

        let configHome = directory.appendingPathComponent("config")
        try FileManager.default.createDirectory(
            at: configHome.appendingPathComponent("confdash"), withIntermediateDirectories: true)
        try """
            default_profile = "team"
            [profiles.team]
            store = "\(location)"
            store_password_command = "cat \(passwordFile)"
            """.write(toFile: configHome.appendingPathComponent("confdash/config.toml").path, atomically: true, encoding: .utf8)
        chmod(configHome.appendingPathComponent("confdash/config.toml").path, 0o600)

        // A minute between polls, and no receiver of its own: what arrives sooner came from the store.
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 60", width: 120, height: 40,
            environment: Demo.environment(bridge.environment.merging(["XDG_CONFIG_HOME": configHome.path]) { $1 }))
        defer { session.kill() }
        #expect(await session.waitFor(text: "Support Bridge", timeout: .seconds(20)), "\(session.capture())")
        // The application's cXML: <Conference statusCallback=".../p/team/conferences/events">.
        let subscribed = try Events.admin(bridge, "conference-events", #"{"url": "\#(teamEvents)"}"#)
        #expect(subscribed["url"] as? String == teamEvents)

        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: String(bridge.calls[2].prefix(18)), timeout: .seconds(10)))
        #expect(try await TruthfulEndToEndTests.waitUntil("the open conference's participants read") {
            try Events.participantReads(bridge) >= 2
        })
        let reads = try Events.participantReads(bridge)

        let joined = try Events.admin(bridge, "conferences/\(bridge.conference)/participants", "{}")
        let newcomer = try #require(joined["call_sid"] as? String)
        #expect(await session.waitFor(text: String(newcomer.prefix(18)), timeout: .seconds(15)), "\(session.capture())")
        #expect(await session.waitFor(text: "SPEAKING"), "events arrive, so the pane has a SPEAKING column")
        #expect(try Events.participantReads(bridge) == reads, "the join came through the store, not by a poll")

        _ = try Events.admin(
            bridge, "conferences/\(bridge.conference)/participants/\(newcomer)/speech", #"{"speaking": true}"#)
        #expect(await session.waitUntil("\(newcomer) shown speaking", timeout: .seconds(15)) { screen in
            screen.split(separator: "\n").contains { $0.contains(newcomer.prefix(18)) && $0.contains("speaking") }
        })
        #expect(try Events.participantReads(bridge) == reads, "who speaks came through the store, not by a poll")

        // A forged join (no signature) and one signed for the team's route replayed to the other
        // profile's: both refused, counted by reason, and the caller they name never shows.
        let forgedCall = "CA\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        let form = [
            "AccountSid": bridge.emulator.projectID, "ConferenceSid": bridge.conference, "CallSid": forgedCall,
            "FriendlyName": "Support Bridge", "StatusCallbackEvent": "participant-join", "SequenceNumber": "99",
            "Timestamp": "Wed, 02 Dec 2026 01:00:00 +0000",
        ]
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        let forged = try ReceiverEndToEndTests.curl(
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-d", body, teamEvents], in: directory)
        #expect(forged == "403", "a forged event: \(forged)")
        let signature = Self.signature(
            key: ReceiverEndToEndTests.emulatorSigningKey, url: teamEvents, form: form)
        let replayed = try ReceiverEndToEndTests.curl(
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "X-SignalWire-Signature: \(signature)",
             "-d", body, "\(receiver)/p/other/conferences/events"], in: directory)
        #expect(replayed == "403", "a replayed event: \(replayed)")
        var metrics = ""
        _ = await ReceiverEndToEndTests.waitUntil {
            metrics = (try? ReceiverEndToEndTests.curl(["-sS", "\(receiver)/metrics"], in: directory)) ?? ""
            return metrics.contains(#"confdash_receiver_callbacks_rejected_total{reason="bad_signature"} 1"#)
                && metrics.contains(#"confdash_receiver_callbacks_rejected_total{reason="wrong_url"} 1"#)
        }
        #expect(metrics.contains(#"confdash_receiver_callbacks_rejected_total{reason="bad_signature"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"confdash_receiver_callbacks_rejected_total{reason="wrong_url"} 1"#), "\(metrics)")
        #expect(!session.capture().contains(forgedCall))
        for output in [ReceiverEndToEndTests.read(stdout), ReceiverEndToEndTests.read(stderr)] {
            #expect(!output.contains(ReceiverEndToEndTests.emulatorSigningKey) && !output.contains(otherKey))
            #expect(!output.contains(TestPostgres.password))
        }
    }

    /// The service's request signature (the Twilio scheme SignalWire keeps): HMAC-SHA1 of the URL
    /// followed by each form field's name and value in name order, base64. Computed by python3
    /// from a file, so the key is never in a process's arguments.
    static func signature(key: String, url: String, form: [String: String]) -> String {
        let data = url + form.keys.sorted().map { $0 + form[$0]! }.joined()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sig-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("key").path
        let dataFile = directory.appendingPathComponent("data").path
        let script = directory.appendingPathComponent("sign.py").path
        try? key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try? data.write(toFile: dataFile, atomically: true, encoding: .utf8)
        try? """
            import base64, hashlib, hmac, sys
            key = open(sys.argv[1], 'rb').read()
            data = open(sys.argv[2], 'rb').read()
            print(base64.b64encode(hmac.new(key, data, hashlib.sha1).digest()).decode(), end='')
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out").path
        _ = try? ChildProcess.run(["python3", script, keyFile, dataFile], outputPath: output)
        return ReceiverEndToEndTests.read(output)
    }
}
