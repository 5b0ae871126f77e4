import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `confdash receiver`, the built binary, beside `confdash emulator`: it serves the config file's
/// profiles, answers /healthz, stores the callbacks of a stream the CLI starts with the
/// profile's URL as StatusCallback, logs JSON lines without a secret, and exits 0 on SIGTERM.
@Suite(.serialized) struct ReceiverEndToEndTests {
    /// The emulator signs its callbacks with its demo signing key (`EmulatorConfiguration.demoSigningKey`).
    static let emulatorSigningKey = "PSKdemo2c8e6a4f1b9d47c3a5e0f8b2d6c4a1e9"
    static let otherKey = "PSKother-7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b"

    @Test func storesTheEmulatorsCallbacksAnswersHealthAndExitsCleanlyOnSIGTERM() async throws {
        let space = try await CLIContractEndToEndTests.Space.start("receiver")
        defer { space.stop() }
        let directory = space.directory
        let config = directory.appendingPathComponent("receiver.toml").path
        try """
            [profiles.team]
            signing_key = "\(Self.emulatorSigningKey)"

            [profiles.other]
            signing_key_env = "OTHER_SIGNING_KEY"

            [profiles.nokey]
            space = "example"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let ledger = directory.appendingPathComponent("team/ledger.sqlite").path
        let stdout = directory.appendingPathComponent("receiver.out").path
        let stderr = directory.appendingPathComponent("receiver.err").path
        let pid = try ChildProcess.spawn(
            [try Demo.binary(), "receiver", "--listen", "127.0.0.1:0", "--config", config, "--ledger", ledger],
            stdout: stdout, stderr: stderr,
            environment: space.variables.merging(["OTHER_SIGNING_KEY": Self.otherKey]) { _, new in new })
        var exited = false
        defer { if !exited { _ = kill(pid, SIGKILL); _ = waitpid(pid, nil, 0) } }

        // The port it bound, from its log line.
        let port = await Self.listeningPort(stdout)
        let bound = try #require(port, "no 'receiver listening' line:\n\(Self.read(stdout))\n\(Self.read(stderr))")
        let base = "http://127.0.0.1:\(bound)"

        let healthz = try Self.curl(["-sS", "-o", "-", "-w", "\n%{http_code}", "\(base)/healthz"], in: directory)
        #expect(healthz.hasSuffix("\n200"), "\(healthz)")
        #expect(healthz.contains(#""status":"ok""#))

        // A stream started with the team profile's route as StatusCallback: the emulator calls it,
        // signed with its key, and the receiver's store learns the stream.
        let conference = try space.conference("Receiver bridge", participants: 2)
        let started = try space.run(
            ["streams", "start", conference, "--url", "wss://media.example.com/team", "--name", "team-rec",
             "--callback", "\(base)/p/team/streams/callback", "--json"])
        #expect(started.status == 0, "\(started)")
        let sid = try #require((try started.json() as? [String: Any])?["sid"] as? String, "\(started)")
        var status: String?
        _ = await Self.waitUntil {
            let listed = try? space.run(["streams", "list", "--ledger", ledger, "--json"])
            status = ((try? listed?.json()) as? [[String: Any]])?.first { $0["sid"] as? String == sid }?["status"] as? String
            return status == "in-progress"
        }
        #expect(status == "in-progress")
        // One series a profile and kind; the label order is the exporter's, so each label is looked for.
        func streamsAccepted(_ metrics: String) -> Bool {
            metrics.split(separator: "\n").contains { line in
                line.hasPrefix("confdash_receiver_callbacks_accepted_total{") && line.contains(#"profile="team""#)
                    && line.contains(#"kind="stream""#) && line.hasSuffix("} 1")
            }
        }
        var metrics = ""
        _ = await Self.waitUntil {
            metrics = (try? Self.curl(["-sS", "\(base)/metrics"], in: directory)) ?? ""
            return streamsAccepted(metrics)
        }
        #expect(streamsAccepted(metrics), "\(metrics)")

        // SIGTERM: a clean exit, and a last line that says so.
        #expect(kill(pid, SIGTERM) == 0)
        let exit = await ChildProcess.waitForExit(pid, timeout: .seconds(30))
        exited = exit != nil
        #expect(exit == 0, "\(Self.read(stderr))")

        let lines = Self.logLines(stdout)
        let text = Self.read(stdout)
        #expect(lines.count == text.split(separator: "\n").count, "a line that is not a JSON object:\n\(text)")
        #expect(lines.last?["message"] as? String == "receiver stopped")
        let mounted = lines.filter { $0["message"] as? String == "route mounted" }
            .compactMap { ($0["metadata"] as? [String: String])?["path"] }
        #expect(
            mounted.sorted() == [
                "/p/other/conferences/events", "/p/other/streams/callback", "/p/team/conferences/events",
                "/p/team/streams/callback",
            ])
        #expect(lines.contains { $0["message"] as? String == "profile skipped: it has no signing key" })
        #expect(lines.contains { ($0["metadata"] as? [String: String])?["stream"] == sid })
        for output in [text, Self.read(stderr)] {
            #expect(!output.contains(Self.emulatorSigningKey) && !output.contains(Self.otherKey))
        }
    }

    @Test func aConfigWithoutAnyKeyIsAUsageError() throws {
        let directory = try CLIContractEndToEndTests.scratch("receiver-nokey")
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("receiver.toml").path
        try "[profiles.nokey]\nspace = \"example\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let run = try CLIContractEndToEndTests.CLIRun.run(
            ["receiver", "--listen", "127.0.0.1:0", "--config", config], in: directory,
            environment: CLIContractEndToEndTests.environment(in: directory))
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("no profile has a signing key"), "\(run)")

        let typo = try CLIContractEndToEndTests.CLIRun.run(
            ["receiver", "--listen", "127.0.0.1:0", "--config", directory.appendingPathComponent("absent.toml").path],
            in: directory, environment: CLIContractEndToEndTests.environment(in: directory))
        #expect(typo.status == 2, "\(typo)")
        #expect(typo.stderr.contains("no config file at"), "\(typo)")
    }

    // MARK: helpers

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// The port a `confdash receiver` started with `--listen 127.0.0.1:0` bound, from its
    /// "receiver listening" log line in `stdout`; nil when no such line came in time.
    static func listeningPort(_ stdout: String) async -> Int? {
        var port: Int?
        _ = await waitUntil {
            port = logLines(stdout).first { $0["message"] as? String == "receiver listening" }
                .flatMap { ($0["metadata"] as? [String: String])?["address"] }
                .flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
            return port != nil
        }
        return port
    }

    /// The receiver's stdout, each line as a JSON object (lines that are not one are left out).
    static func logLines(_ path: String) -> [[String: Any]] {
        read(path).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// curl's output (stdout and stderr together).
    static func curl(_ arguments: [String], in directory: URL) throws -> String {
        let output = directory.appendingPathComponent("curl-\(UUID().uuidString.prefix(6)).out").path
        _ = try ChildProcess.run(["curl"] + arguments, outputPath: output)
        return read(output)
    }

    static func waitUntil(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        repeat {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        } while clock.now < deadline
        return await condition()
    }
}
