import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The scripting contract (issue 12, item 6), in the built binary against `confdash emulator`
/// over real HTTP: every `--json` output valid against its schema in schemas/, every exit status
/// of the README's table, counts and hints on stderr, and completed conferences ending the
/// ledger's open streams.
///
/// Serialized: each test starts an emulator process, and a dozen starting at once beside the
/// other end-to-end suites' dashboards kept a tmux-started emulator from printing within its 10 s.
@Suite(.serialized) struct CLIContractEndToEndTests {
    /// A `confdash emulator` of its own, and everything a CLI command needs to run against it: the
    /// credentials in the environment (never argv), a private state directory (log, ledger) and
    /// an empty config directory (no profile of the machine's user leaks in).
    struct Space {
        let emulator: FaultMatrixEndToEndTests.EmulatorProcess
        let directory: URL
        let variables: [String: String]

        var base: String { "http://127.0.0.1:\(emulator.port)" }
        var ledger: String { directory.appendingPathComponent("state/confdash/ledger.sqlite").path }

        static func start(_ name: String, seed: Int = 3) async throws -> Space {
            let directory = try scratch(name)
            let emulator = try await FaultMatrixEndToEndTests.EmulatorProcess.start(port: 0, in: directory, name: name, seed: seed)
            var variables = environment(in: directory)
            for line in emulator.exports.split(separator: "\n") {
                guard let match = line.firstMatch(of: /export (SIGNALWIRE_[A-Z_]+)=(\S+)/) else { continue }
                variables[String(match.1)] = String(match.2)
            }
            return Space(emulator: emulator, directory: directory, variables: variables)
        }

        /// The emulator dies with the test (it is this test's own process, killed by its pid), and
        /// its scratch directory (the emulator's log holds its demo credentials) goes with it.
        func stop() {
            _ = kill(emulator.pid, SIGKILL)
            try? FileManager.default.removeItem(at: directory)
        }

        func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIRun {
            try CLIRun.run(arguments, in: directory, environment: variables.merging(extra) { _, new in new })
        }

        /// One request to the emulator's admin surface; its JSON answer.
        @discardableResult
        func admin(_ method: String, _ path: String, json: String? = nil) throws -> Any {
            var arguments = ["curl", "-fsS", "-X", method, "\(base)/__admin/\(path)"]
            if let json { arguments += ["-H", "Content-Type: application/json", "-d", json] }
            let output = directory.appendingPathComponent("admin-\(UUID().uuidString.prefix(6)).json").path
            let status = try ChildProcess.run(arguments, outputPath: output)
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            #expect(status == 0, "admin \(method) \(path): \(String(decoding: data, as: UTF8.self))")
            return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        }

        /// A live conference of `participants` callers, made through the admin surface; its sid.
        func conference(_ name: String, participants: Int = 3) throws -> String {
            let created = try admin(
                "POST", "conferences", json: #"{"friendlyName": "\#(name)", "participants": \#(participants)}"#)
            return try #require((created as? [String: Any])?["sid"] as? String)
        }

        func fault(_ json: String) throws { try admin("POST", "faults", json: json) }
    }

    /// What one run of `confdash` came to: its exit status, and stdout and stderr apart.
    struct CLIRun: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        let stdoutPath: String

        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

        static func run(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CLIRun {
            let id = UUID().uuidString.prefix(8)
            let out = directory.appendingPathComponent("cli-\(id).out").path
            let err = directory.appendingPathComponent("cli-\(id).err").path
            let status = try ChildProcess.run(
                [try Demo.binary()] + arguments, stdout: out, stderr: err, environment: environment)
            return CLIRun(
                status: status, stdout: try String(contentsOfFile: out, encoding: .utf8),
                stderr: try String(contentsOfFile: err, encoding: .utf8), stdoutPath: out)
        }

        /// stdout as JSON.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        }
    }

    /// A fresh scratch directory under the system's temporary one.
    static func scratch(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "confdash-cli-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Private state and config directories; no connection variable from the test's own
    /// environment (each test sets its own).
    static func environment(in directory: URL) -> [String: String] {
        [
            "LANG": "C.UTF-8", "NO_COLOR": "1",
            "XDG_STATE_HOME": directory.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
            "SIGNALWIRE_SPACE": "", "SIGNALWIRE_PROJECT_ID": "", "SIGNALWIRE_API_TOKEN": "", "SIGNALWIRE_SIGNING_KEY": "",
            "CONFDASH_PROFILE": "", "CONFDASH_STREAM_BEARER_TOKEN": "",
        ]
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var schemas: URL { repositoryRoot.appendingPathComponent("schemas") }

    /// `2026-12-01T18:42:16Z`: the one date form of the contract.
    static func isTimestamp(_ value: Any?) -> Bool {
        (value as? String)?.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil
    }

    /// Checks a run's stdout against `schemas/<schema>.schema.json` with schemas/validate.py
    /// (python3 and jsonschema). A validator that cannot run fails the test: a check that
    /// silently did not happen proves nothing.
    static func expectValid(
        _ run: CLIRun, against schema: String, in directory: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let report = directory.appendingPathComponent("validate-\(schema)-\(UUID().uuidString.prefix(6)).txt").path
        let status = try ChildProcess.run(
            ["python3", schemas.appendingPathComponent("validate.py").path, schema], stdin: run.stdoutPath,
            stdout: report, stderr: nil)
        let said = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(schema): \(status == 2 ? "could not validate (python3 with jsonschema is required): " : "")\(said)\n\(run)", sourceLocation: sourceLocation)
    }

    // MARK: the output contract

    /// Every command's `--json`, on a small world that has something for each: valid against its
    /// schema, snake_case, dates in ISO 8601 UTC. Every command schema in schemas/ is used.
    @Test func everyJSONOutputMatchesItsSchema() async throws {
        let space = try await Space.start("schemas")
        defer { space.stop() }
        let conference = try space.conference("Contract Bridge")
        var checked: Set<String> = []

        func check(_ schema: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
            -> Any
        {
            let run = try space.run(arguments + ["--json"])
            #expect(run.status == 0, "\(arguments.joined(separator: " ")): \(run)", sourceLocation: sourceLocation)
            try Self.expectValid(run, against: schema, in: space.directory, sourceLocation: sourceLocation)
            checked.insert(schema)
            return try run.json()
        }

        let conferences = try #require(try check("conferences-list", ["conferences", "list"]) as? [[String: Any]])
        let bridge = try #require(conferences.first { $0["sid"] as? String == conference })
        #expect(bridge["friendly_name"] as? String == "Contract Bridge")
        #expect(Self.isTimestamp(bridge["date_created"]), "\(bridge)")

        let participants = try #require(
            try check("participants-list", ["participants", "list", conference]) as? [[String: Any]])
        let calls = participants.compactMap { $0["call_sid"] as? String }
        #expect(calls.count == 3)
        #expect(Self.isTimestamp(participants.first?["date_created"]))

        let muted = try check("participants-mute", ["participants", "mute", conference, calls[0]]) as? [String: Any]
        #expect(muted?["muted"] as? Bool == true)
        let unmuted = try check("participants-unmute", ["participants", "unmute", conference, calls[0]]) as? [String: Any]
        #expect(unmuted?["muted"] as? Bool == false)
        let held = try check("participants-hold", ["participants", "hold", conference, calls[1]]) as? [String: Any]
        #expect(held?["hold"] as? Bool == true)
        let unheld = try check("participants-unhold", ["participants", "unhold", conference, calls[1]]) as? [String: Any]
        #expect(unheld?["hold"] as? Bool == false)

        // Recordings: one the application's cXML would have started (the admin surface does it here).
        let recording = try #require(
            (try space.admin("POST", "conferences/\(conference)/recordings") as? [String: Any])?["sid"] as? String)
        let recordings = try #require(
            try check("recordings-list", ["recordings", "list", conference]) as? [[String: Any]])
        let listedRecording = try #require(recordings.first { $0["sid"] as? String == recording })
        #expect(listedRecording["status"] as? String == "in-progress")
        #expect(listedRecording["conference_sid"] as? String == conference)
        #expect(listedRecording["channels"] is Int)
        #expect(Self.isTimestamp(listedRecording["start_time"]), "\(listedRecording)")
        let paused = try check(
            "recordings-pause", ["recordings", "pause", conference, recording, "--pause-behavior", "skip"]) as? [String: Any]
        #expect(paused?["status"] as? String == "paused")
        let resumed = try check("recordings-resume", ["recordings", "resume", conference, recording]) as? [String: Any]
        #expect(resumed?["status"] as? String == "in-progress")
        let recordedCall = try #require(
            try check(
                "participants-record",
                ["participants", "record", conference, calls[0], "--channels", "dual", "--track", "inbound"])
                as? [String: Any])
        #expect(recordedCall["call_sid"] as? String == calls[0])
        #expect(recordedCall["channels"] as? Int == 2)
        let callRecording = try #require(recordedCall["sid"] as? String)
        let stoppedCallRecording = try check(
            "recordings-stop", ["recordings", "stop", conference, callRecording, "--call", calls[0]]) as? [String: Any]
        #expect(stoppedCallRecording?["call_sid"] as? String == calls[0])
        let stoppedRecording = try check("recordings-stop", ["recordings", "stop", conference, recording]) as? [String: Any]
        #expect(["stopped", "completed"].contains(stoppedRecording?["status"] as? String))
        let deleted = try check("recordings-delete", ["recordings", "delete", conference, recording, "--yes"]) as? [String: Any]
        #expect(deleted?["deleted"] as? Bool == true)
        #expect(deleted?["sid"] as? String == recording)

        // Coaching and an announcement to one participant.
        let coaching = try check(
            "participants-coach", ["participants", "coach", conference, calls[0], "--call-to-coach", calls[1]])
            as? [String: Any]
        #expect(coaching?["coaching"] as? Bool == true)
        #expect(coaching?["call_sid_to_coach"] as? String == calls[1])
        let uncoached = try check("participants-stop-coaching", ["participants", "stop-coaching", conference, calls[0]])
            as? [String: Any]
        #expect(uncoached?["coaching"] as? Bool == false)
        let whispered = try check(
            "participants-announce",
            ["participants", "announce", conference, calls[1], "https://media.example.com/whisper.xml", "--method", "GET"])
            as? [String: Any]
        #expect(whispered?["call_sid"] as? String == calls[1])

        let started = try #require(
            try check(
                "streams-start",
                ["streams", "start", conference, "--url", "wss://media.example.com/contract", "--name", "contract-rec",
                 "--track", "inbound_track", "--param", "lang=en"]) as? [String: Any])
        #expect(started["name"] as? String == "contract-rec")
        #expect(started["started_from"] as? String == "cli")
        #expect(Self.isTimestamp(started["started_at"]), "\(started)")
        let sid = try #require(started["sid"] as? String)

        let listed = try #require(try check("streams-list", ["streams", "list"]) as? [[String: Any]])
        #expect(listed.map { $0["sid"] as? String } == [sid])

        let stopped = try #require(
            try check("streams-stop", ["streams", "stop", conference, "contract-rec"]) as? [String: Any])
        #expect(stopped["outcome"] as? String == "stopped")
        #expect((stopped["stream"] as? [String: Any])?["status"] as? String == "stopped")

        // A stream on one participant's call: the same schema, with its call.
        let onCall = try #require(
            try check(
                "streams-start",
                ["streams", "start", conference, "--url", "wss://media.example.com/agent", "--call", calls[0]])
                as? [String: Any])
        #expect(onCall["call_sid"] as? String == calls[0])
        #expect(onCall["conference_sid"] as? String == conference)

        let announced = try check(
            "conferences-announce",
            ["conferences", "announce", conference, "--url", "https://media.example.com/announce.xml"]) as? [String: Any]
        #expect(announced?["sid"] as? String == conference)
        let removed = try check("participants-remove", ["participants", "remove", conference, calls[2], "--yes"]) as? [String: Any]
        #expect(removed?["removed"] as? Bool == true)
        let ended = try check("conferences-end", ["conferences", "end", conference, "--yes"]) as? [String: Any]
        #expect(ended?["status"] as? String == "completed")

        let audit = try #require(try check("audit", ["audit"]) as? [[String: Any]])
        // mute, unmute, hold, unhold, pause, resume, record, stop twice, delete, coach, stop
        // coaching, announce to one, start, stop, start on a call, announce, remove, end.
        #expect(audit.count == 19, "\(audit.map { $0["action"] as? String ?? "?" })")
        let callStart = try #require(
            audit.first {
                $0["action"] as? String == "start-stream" && ($0["parameters"] as? [String: String])?["call"] == calls[0]
            })
        #expect(callStart["outcome"] as? String == "ok")
        #expect(audit.allSatisfy { Self.isTimestamp($0["at"]) })
        // Every one of them went to the service: its request is there, without a query.
        for entry in audit {
            let request = try #require(entry["request"] as? [String: Any], "\(entry)")
            #expect(["POST", "DELETE"].contains(request["method"] as? String ?? ""), "\(entry)")
            #expect((request["path"] as? String)?.hasPrefix("/api/laml/2010-04-01/Accounts/") == true, "\(entry)")
            #expect((request["path"] as? String)?.contains("?") == false && request["status"] is Int, "\(entry)")
        }
        let end = try #require(audit.first { $0["action"] as? String == "end-conference" }?["request"] as? [String: Any])
        #expect(end["status"] as? Int == 200 && (end["path"] as? String)?.contains(conference) == true, "\(end)")
        // Parameter names are snake_case too, but a custom parameter's own name is the operator's.
        let start = try #require(
            audit.first {
                $0["action"] as? String == "start-stream" && ($0["parameters"] as? [String: String])?["call"] == nil
            })
        let parameters = try #require(start["parameters"] as? [String: String])
        #expect(parameters["parameter.lang"] == "en")
        #expect(parameters["track"] == "inbound_track")
        #expect(!parameters.keys.contains { !$0.hasPrefix("parameter.") && $0 != $0.lowercased() }, "\(parameters)")

        let info = try #require(try check("info", ["info"]) as? [String: Any])
        #expect((info["paths"] as? [String: Any])?["ledger"] as? String == space.ledger)

        // Every command's schema was used (the four resources' are what they refer to).
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.schemas.path)
        let commands = Set(files.filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) })
            .subtracting(["conference", "participant", "recording", "stream"])
        #expect(checked == commands, "schemas without a run: \(commands.subtracting(checked)); runs without a schema file: \(checked.subtracting(commands))")
    }

    /// Tables and JSON on stdout, and only them: a count, "nothing matched" and hints on stderr.
    /// Every list command's `--csv` is its `--json`, field for field, as Python's own RFC 4180
    /// reader reads it back: the same names, dates in ISO 8601, true/false and numbers plain, a
    /// comma, a quote or a line break in a value quoted. Both flags at once is refused.
    @Test func everyListPrintsItsJSONFieldsAsCSV() async throws {
        let space = try await Space.start("csv")
        defer { space.stop() }
        let conference = try space.conference(#"Acme, \"Blue\" Bridge"#)
        let started = try space.run([
            "streams", "start", conference, "--url", "wss://media.example.com/csv", "--name", "left, \"right\"", "--json",
        ])
        #expect(started.status == 0, "\(started)")
        let checker = """
            import csv, json, sys
            raw = open(sys.argv[1], newline="").read()
            assert raw.endswith("\\r\\n"), "a record must end with CRLF"
            rows = list(csv.DictReader(open(sys.argv[1], newline="")))
            shapes = json.load(open(sys.argv[2]))
            def field(v):
                if v is None: return ""
                if isinstance(v, bool): return "true" if v else "false"
                if isinstance(v, (dict, list)): return json.dumps(v, sort_keys=True, separators=(",", ":"))
                return str(v)
            assert len(rows) == len(shapes) > 0, f"{len(rows)} rows, {len(shapes)} in the JSON"
            for row, shape in zip(rows, shapes):
                assert list(row.keys()) == sorted(shape.keys()), f"{list(row.keys())} != {sorted(shape.keys())}"
                for key, value in shape.items():
                    if isinstance(value, float) and not isinstance(value, bool):
                        assert float(row[key]) == value, f"{key}: {row[key]!r} != {value!r}"
                    else:
                        assert row[key] == field(value), f"{key}: {row[key]!r} != {field(value)!r}"
            print(len(rows), "rows match")
            """
        let script = space.directory.appendingPathComponent("check-csv.py")
        try checker.write(to: script, atomically: true, encoding: .utf8)
        for arguments in [
            ["conferences", "list"], ["participants", "list", conference], ["streams", "list"],
            ["recordings", "list", conference], ["audit"],
        ] {
            let csv = try space.run(arguments + ["--csv"])
            let json = try space.run(arguments + ["--json"])
            #expect(csv.status == 0 && json.status == 0 && csv.stderr.isEmpty, "\(arguments): \(csv)")
            if arguments[0] == "recordings" {
                // Nothing recorded: no record, and so no header either.
                #expect(csv.stdout.isEmpty && json.stdout == "[]\n", "\(csv)")
                continue
            }
            let report = space.directory.appendingPathComponent("csv-\(UUID().uuidString.prefix(6)).txt").path
            let status = try ChildProcess.run(
                ["python3", script.path, csv.stdoutPath, json.stdoutPath], stdout: report, stderr: nil)
            #expect(status == 0, "\(arguments): \((try? String(contentsOfFile: report, encoding: .utf8)) ?? "")\n\(csv)")
        }
        let names = try space.run(["conferences", "list", "--csv"]).stdout
        #expect(names.contains(#""Acme, ""Blue"" Bridge""#), "\(names)")
        let both = try space.run(["audit", "--csv", "--json"])
        #expect(both.status == 2 && both.stderr.contains("--json and --csv print the same list two ways"), "\(both)")
    }

    /// `:export` in the dashboard writes the table it shows, every row, as CSV and as JSON; the
    /// conferences are those `conferences list --csv` prints for the same space, with the same
    /// names; a second export to the same file asks before it writes over it.
    @Test func theDashboardExportsWhatTheCommandLineLists() async throws {
        let space = try await Space.start("export")
        defer { space.stop() }
        _ = try space.conference(#"Acme, \"Blue\" Bridge"#)
        let session = try TmuxSession(
            command: Demo.quoted(try Demo.binary()) + " --refresh 1", width: 140, height: 40,
            environment: space.variables.merging(["LANG": "C.UTF-8"]) { current, _ in current })
        defer { session.kill() }
        #expect(await session.waitFor(text: "Acme, \"Blue\" Bridge", timeout: .seconds(20)))
        #expect(await session.waitFor(text: "live conferences"))
        let csvPath = space.directory.appendingPathComponent("table.csv").path
        let jsonPath = space.directory.appendingPathComponent("table.json").path
        for path in [csvPath, jsonPath] {
            try session.send(keys: ":")
            try session.type(literal: "export \(path)")
            try session.send(keys: "Enter")
            #expect(await session.waitFor(text: "conferences to \(path)"), "\(session.capture())")
        }
        let listed = try space.run(["conferences", "list", "--csv"])
        #expect(listed.status == 0, "\(listed)")
        let checker = """
            import csv, json, sys
            exported = list(csv.DictReader(open(sys.argv[1], newline="")))
            objects = json.load(open(sys.argv[2]))
            listed = list(csv.DictReader(open(sys.argv[3], newline="")))
            by_sid = {row["sid"]: row for row in listed}
            assert [row["sid"] for row in exported] == [o["sid"] for o in objects], "CSV and JSON differ"
            assert sorted(by_sid) == sorted(row["sid"] for row in exported), f"{sorted(by_sid)} != {[r['sid'] for r in exported]}"
            for row in exported:
                for key in ["friendly_name", "status", "region", "date_created", "date_updated"]:
                    assert row[key] == by_sid[row["sid"]][key], f"{key}: {row[key]!r} != {by_sid[row['sid']][key]!r}"
            print(len(exported), "conferences match")
            """
        let script = space.directory.appendingPathComponent("check-export.py")
        try checker.write(to: script, atomically: true, encoding: .utf8)
        let report = space.directory.appendingPathComponent("export-report.txt").path
        let status = try ChildProcess.run(
            ["python3", script.path, csvPath, jsonPath, listed.stdoutPath], stdout: report, stderr: nil)
        #expect(status == 0, "\((try? String(contentsOfFile: report, encoding: .utf8)) ?? "")")
        // Again to the same file: asked first, and Cancel (focused) leaves it as it was.
        let before = try String(contentsOfFile: csvPath, encoding: .utf8)
        try session.send(keys: ":")
        try session.type(literal: "export \(csvPath)")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "Overwrite file"), "\(session.capture())")
        #expect(session.capture().contains("table.csv exists"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "nothing done"))
        #expect(try String(contentsOfFile: csvPath, encoding: .utf8) == before)
        // A directory that is not there: said, and nothing written.
        try session.send(keys: ":")
        try session.type(literal: "export \(space.directory.path)/missing/table.csv")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "export failed: there is no directory"), "\(session.capture())")
    }

    @Test func countsAndHintsGoToStderr() async throws {
        let space = try await Space.start("stderr")
        defer { space.stop() }
        let list = try space.run(["conferences", "list"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.hasPrefix("SID"), "\(list)")
        #expect(list.stderr.wholeMatch(of: /\d+ conferences\n/) != nil, "\(list)")
        #expect(!list.stdout.contains(" conferences\n"), "\(list)")

        let empty = try space.run(["streams", "list"])
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr == "No streams recorded.\n", "\(empty)")
        let emptyJSON = try space.run(["streams", "list", "--json"])
        #expect(emptyJSON.status == 0 && emptyJSON.stdout == "[]\n" && emptyJSON.stderr.isEmpty, "\(emptyJSON)")
    }

    // MARK: the exit statuses

    @Test func exit0WhenItWorked() async throws {
        let space = try await Space.start("exit0")
        defer { space.stop() }
        let run = try space.run(["conferences", "list", "--json"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
    }

    /// Not the API's fault: the ledger cannot be opened (its directory is a file).
    @Test func exit1WhenTheLedgerCannotBeOpened() throws {
        let directory = try Self.scratch("exit1")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLIRun.run(
            ["streams", "list", "--ledger", "/dev/null/ledger.sqlite"], in: directory,
            environment: Self.environment(in: directory))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasPrefix("confdash: cannot open the stream ledger at /dev/null/ledger.sqlite"), "\(run)")
    }

    /// A bad option (swift-argument-parser's own EX_USAGE, 64, is 2 here) and a missing credential.
    @Test func exit2ForUsage() throws {
        let directory = try Self.scratch("exit2")
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = Self.environment(in: directory)
        environment["SIGNALWIRE_SPACE"] = "http://127.0.0.1:1"
        let bad = try CLIRun.run(["conferences", "list", "--status", "bogus"], in: directory, environment: environment)
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.hasPrefix("confdash: --status must be one of init, in-progress, completed (got bogus)"), "\(bad)")
        #expect(bad.stdout.isEmpty, "\(bad)")
        let missing = try CLIRun.run(["conferences", "list"], in: directory, environment: environment)
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.hasPrefix("confdash: missing credentials: set SIGNALWIRE_PROJECT_ID"), "\(missing)")
    }

    /// A revoked token: a read and a change both exit 3.
    @Test func exit3ForAuthentication() async throws {
        let space = try await Space.start("exit3")
        defer { space.stop() }
        let conference = try space.conference("Auth Bridge")
        try space.fault(#"{"status": 401}"#)
        let list = try space.run(["conferences", "list"])
        #expect(list.status == 3, "\(list)")
        #expect(list.stderr.hasPrefix("confdash: authentication failed (check the Project ID and API token)"), "\(list)")
        let start = try space.run(["streams", "start", conference, "--url", "wss://media.example.com/auth"])
        #expect(start.status == 3, "\(start)")
        #expect(start.stderr.contains("authentication failed"), "\(start)")
    }

    /// A conference that does not exist (a read), and a stream the service does not know (a change).
    @Test func exit4ForNotFound() async throws {
        let space = try await Space.start("exit4")
        defer { space.stop() }
        let list = try space.run(["participants", "list", "00000000-0000-4000-8000-000000000000"])
        #expect(list.status == 4, "\(list)")
        #expect(list.stderr.hasPrefix("confdash: not found"), "\(list)")
        let conference = try space.conference("Not Found Bridge")
        let stop = try space.run(["streams", "stop", conference, "nosuch"])
        #expect(stop.status == 4, "\(stop)")
        #expect(stop.stderr.contains("not found"), "\(stop)")
    }

    /// The service says no: a stream on a conference that has ended. (A second start of a name
    /// already running is no refusal: the CLI says it already runs, exit 0.)
    @Test func exit5WhenTheServiceRefuses() async throws {
        let space = try await Space.start("exit5")
        defer { space.stop() }
        let conference = try space.conference("Refusing Bridge")
        let arguments = ["streams", "start", conference, "--url", "wss://media.example.com/dup", "--name", "dup"]
        let first = try space.run(arguments)
        #expect(first.status == 0, "\(first)")
        let again = try space.run(arguments)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.hasPrefix("Stream dup already runs"), "\(again)")
        let ended = try space.run(["conferences", "end", conference, "--yes"])
        #expect(ended.status == 0, "\(ended)")
        let refused = try space.run(
            ["streams", "start", conference, "--url", "wss://media.example.com/late", "--name", "late"])
        #expect(refused.status == 5, "\(refused)")
        #expect(refused.stderr.hasPrefix("confdash: request refused (422)"), "\(refused)")
        #expect(refused.stderr.contains("completed"), "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
    }

    /// Nothing listens there: said at once (no silent retries), and a failing service (503,
    /// after the read's retries) is the same status.
    @Test func exit6WhenUnreachable() async throws {
        let directory = try Self.scratch("exit6")
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = Self.environment(in: directory)
        environment["SIGNALWIRE_SPACE"] = "http://127.0.0.1:1"
        environment["SIGNALWIRE_PROJECT_ID"] = "project"
        environment["SIGNALWIRE_API_TOKEN"] = "not-a-real-token"
        let began = ContinuousClock.now
        let refused = try CLIRun.run(["conferences", "list"], in: directory, environment: environment)
        let took = ContinuousClock.now - began
        #expect(refused.status == 6, "\(refused)")
        #expect(refused.stderr == "confdash: cannot reach 127.0.0.1: connection refused\n", "\(refused)")
        print("connection refused reported in \(Int((took / .milliseconds(1)).rounded())) ms")

        let space = try await Space.start("exit6")
        defer { space.stop() }
        try space.fault(#"{"status": 503}"#)
        let failing = try space.run(["conferences", "list"])
        #expect(failing.status == 6, "\(failing)")
        #expect(failing.stderr.hasPrefix("confdash: the service is failing (HTTP 503)"), "\(failing)")
    }

    /// A start whose answer never came (the service holds it past --timeout): outcome unknown,
    /// in the exit status, on stderr and in the audit trail.
    @Test func exit7WhenTheOutcomeIsUnknown() async throws {
        let space = try await Space.start("exit7")
        defer { space.stop() }
        let conference = try space.conference("Hanging Bridge")
        try space.fault(#"{"hangSeconds": 8}"#)
        let start = try space.run(
            ["streams", "start", conference, "--url", "wss://media.example.com/hang", "--name", "maybe", "--timeout", "2"])
        #expect(start.status == 7, "\(start)")
        #expect(start.stderr.contains("confdash: outcome unknown: "), "\(start)")
        #expect(start.stderr.contains("run the same command again with --name maybe"), "\(start)")
        #expect(start.stderr.contains("no complete answer within 2 s"), "\(start)")
        #expect(start.stdout.isEmpty, "\(start)")
        let audit = try #require(try space.run(["audit", "--json"]).json() as? [[String: Any]])
        #expect(audit.first?["action"] as? String == "start-stream")
        #expect(audit.first?["outcome"] as? String == "unknown")
    }

    /// Done at the service, not recorded: a start whose ledger refuses every write prints the
    /// stream, says how to stop it, and exits 8.
    @Test func exit8WhenDoneButNotRecorded() async throws {
        let space = try await Space.start("exit8")
        defer { space.stop() }
        let conference = try space.conference("Unrecorded Bridge")
        #expect(try space.run(["streams", "list"]).status == 0)  // creates the ledger
        try Self.refuseWrites(to: space.ledger, in: space.directory)
        let start = try space.run(["streams", "start", conference, "--url", "wss://media.example.com/unrecorded", "--json"])
        #expect(start.status == 8, "\(start)")
        let stream = try #require(try start.json() as? [String: Any])
        let sid = try #require(stream["sid"] as? String)
        #expect(start.stderr.contains("the stream ledger did not record it"), "\(start)")
        #expect(start.stderr.contains("stop it with: confdash streams stop \(conference) \(sid)"), "\(start)")
        let running = try #require(try space.admin("GET", "conferences/\(conference)/streams") as? [[String: Any]])
        #expect(running.map { $0["sid"] as? String } == [sid])
    }

    /// From here on the ledger at `path` refuses every write (as root, a file mode would not
    /// stop SQLite): `drop` removes the triggers again.
    static func refuseWrites(to path: String, in directory: URL, drop: Bool = false) throws {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for table in ["stream", "stream_event", "audit"]:
                for event in ["INSERT", "UPDATE"]:
                    if sys.argv[2] == "drop":
                        db.execute(f"DROP TRIGGER IF EXISTS refuse_{table}_{event}")
                    else:
                        db.execute(f"CREATE TRIGGER refuse_{table}_{event} BEFORE {event} ON {table} "
                                   "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
            db.commit()
            """
        let output = directory.appendingPathComponent("sqlite-\(UUID().uuidString.prefix(6)).txt").path
        let status = try ChildProcess.run(["python3", "-c", script, path, drop ? "drop" : "add"], outputPath: output)
        #expect(status == 0, "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
    }

    // MARK: completed conferences end their streams

    /// `conferences list` sees a conference completed while the ledger holds its stream queued
    /// (no callbacks here): the stream is marked ended. A ledger that cannot write is a warning,
    /// never the list's failure.
    @Test func aCompletedConferenceEndsItsOpenStreams() async throws {
        let space = try await Space.start("ended")
        defer { space.stop() }
        let conference = try space.conference("Ending Bridge")
        let start = try space.run(["streams", "start", conference, "--url", "wss://media.example.com/ending", "--json"])
        #expect(start.status == 0, "\(start)")
        let sid = try #require((try start.json() as? [String: Any])?["sid"] as? String)
        try space.admin("POST", "conferences/\(conference)/end")

        try Self.refuseWrites(to: space.ledger, in: space.directory)
        let refused = try space.run(["conferences", "list", "--json"])
        #expect(refused.status == 0, "\(refused)")
        #expect(refused.stderr.hasPrefix("confdash: warning: could not mark the streams of completed conferences ended"), "\(refused)")
        #expect(try Self.streamStatus(sid, space) == "queued")

        try Self.refuseWrites(to: space.ledger, in: space.directory, drop: true)
        let list = try space.run(["conferences", "list", "--json"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stderr == "1 stream of completed conference \(conference) marked ended in the ledger\n", "\(list)")
        #expect(try Self.streamStatus(sid, space) == "ended")
        // Once only: the next listing finds nothing open.
        let again = try space.run(["conferences", "list", "--json"])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again)")
    }

    static func streamStatus(_ sid: String, _ space: Space) throws -> String? {
        let streams = try #require(try space.run(["streams", "list", "--json"]).json() as? [[String: Any]])
        return streams.first { $0["sid"] as? String == sid }?["status"] as? String
    }
}
