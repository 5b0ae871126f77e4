import Foundation
import Testing

/// Columns and saved views across runs: a column hidden and a view saved in one run are there in
/// the next, by `--view` and by the profile's `default_view`; an unknown view is refused before
/// the screen opens.
struct ViewsEndToEndTests {
    typealias Space = CLIContractEndToEndTests.Space

    @Test func aSavedViewComesBackInTheNextRun() async throws {
        let space = try await Space.start("views")
        defer { space.stop() }
        _ = try space.conference("Support desk")
        _ = try space.conference("Night shift")
        let configDirectory = space.directory.appendingPathComponent("config/confdash")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let config = configDirectory.appendingPathComponent("config.toml")
        let profile = """
            [profiles.ops]
            space = "\(space.variables["SIGNALWIRE_SPACE"] ?? "")"
            project_id = "\(space.variables["SIGNALWIRE_PROJECT_ID"] ?? "")"
            token_env = "SIGNALWIRE_API_TOKEN"

            """
        try profile.write(to: config, atomically: true, encoding: .utf8)
        let environment = space.variables.merging(["LANG": "C.UTF-8"]) { current, _ in current }
        let binary = Demo.quoted(try Demo.binary())

        // The first run: REGION hidden, the table filtered, the view saved, and quit.
        let first = try TmuxSession(
            command: "\(binary) --profile ops --refresh 1; echo confdash-exit=$?; sleep 60", width: 140, height: 30,
            environment: environment)
        defer { first.kill() }
        #expect(await first.waitFor(text: "Night shift", timeout: .seconds(20)), "\(first.capture())")
        #expect(first.capture().contains("REGION"))
        for line in ["columns hide region", "filter Support", "view save desk"] {
            try first.send(keys: ":")
            try first.type(literal: line)
            try first.send(keys: "Enter")
        }
        #expect(await first.waitFor(text: "view desk saved"), "\(first.capture())")
        #expect(await first.waitForAbsence(of: "Night shift"), "\(first.capture())")
        #expect(!first.capture().contains("REGION"))
        try first.send(keys: "q")
        #expect(await first.waitFor(text: "confdash-exit=0"), "\(first.capture())")
        let saved = space.directory.appendingPathComponent("state/confdash/layouts/ops.json")
        #expect(FileManager.default.fileExists(atPath: saved.path))

        // The next run, with that view: the same filter and columns, named in the header.
        let second = try TmuxSession(
            command: "\(binary) --profile ops --refresh 1 --view desk", width: 140, height: 30, environment: environment)
        defer { second.kill() }
        #expect(await second.waitFor(text: "Support desk", timeout: .seconds(20)), "\(second.capture())")
        #expect(await second.waitFor(text: "view: desk   filter: Support"), "\(second.capture())")
        let screen = second.capture()
        #expect(!screen.contains("Night shift") && !screen.contains("REGION") && screen.contains("STATUS"), "\(screen)")
        second.kill()

        // The profile's default view: the same without the flag.
        try (profile + "default_view = \"desk\"\n").write(to: config, atomically: true, encoding: .utf8)
        let third = try TmuxSession(
            command: "\(binary) --profile ops --refresh 1", width: 140, height: 30, environment: environment)
        defer { third.kill() }
        #expect(await third.waitFor(text: "view: desk   filter: Support", timeout: .seconds(20)), "\(third.capture())")
        third.kill()

        // A view that does not exist: refused, with what there is, before anything starts.
        let unknown = try space.run(["--profile", "ops", "--view", "dsek"])
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("--view dsek: no such saved view for ops (saved: desk)"), "\(unknown)")
    }
}
