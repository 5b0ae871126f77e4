import Foundation
import Testing

/// Profiles end to end: the dashboard reads a config file with two profiles, each pointing at
/// its own `confdash emulator`, and `:profile NAME` moves the running dashboard from one to the
/// other. Along the way the API token must never show on screen or reach the log file.
struct ProfileEndToEndTests {
    /// One `confdash emulator` in its own tmux server, and what it printed: its port and the
    /// demo credentials it accepts.
    struct RunningEmulator {
        let session: TmuxSession
        let port: String
        let projectID: String
        let token: String

        static func start(seed: Int, conferences: Int) async throws -> RunningEmulator {
            let session = try TmuxSession(
                command: "\(Demo.quoted(try Demo.binary())) emulator --port 0 --seed \(seed) --conferences \(conferences)",
                width: 160, height: 20, environment: Demo.environment())
            #expect(await session.waitFor(text: "Press Ctrl-C to stop", timeout: .seconds(40)))
            let screen = session.capture()
            let port = try #require(screen.firstMatch(of: /SIGNALWIRE_SPACE=http:\/\/127\.0\.0\.1:(\d+)/).map { String($0.1) })
            let project = try #require(screen.firstMatch(of: /SIGNALWIRE_PROJECT_ID=(\S+)/).map { String($0.1) })
            let token = try #require(screen.firstMatch(of: /SIGNALWIRE_API_TOKEN=(\S+)/).map { String($0.1) })
            return RunningEmulator(session: session, port: port, projectID: project, token: token)
        }

        /// The API requests this emulator has answered, as its admin surface reports them.
        func requestLog(in directory: URL) throws -> String {
            let output = directory.appendingPathComponent("requests-\(UUID().uuidString.prefix(6)).json").path
            #expect(try ChildProcess.run(["curl", "-fsS", "http://127.0.0.1:\(port)/__admin/requests"], outputPath: output) == 0)
            return try String(contentsOfFile: output, encoding: .utf8)
        }
    }

    @Test func profileSwitchMovesTheDashboardToAnotherSpace() async throws {
        let alpha = try await RunningEmulator.start(seed: 1, conferences: 4)
        let bravo = try await RunningEmulator.start(seed: 2, conferences: 9)
        defer {
            alpha.session.kill()
            bravo.session.kill()
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-profiles-\(UUID().uuidString.prefix(8))")
        let configDirectory = home.appendingPathComponent("config/confdash")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // alpha reads its token from a variable the profile names; bravo holds it inline (so the
        // file must be private) and is read-only.
        let config = configDirectory.appendingPathComponent("config.toml")
        try """
        default_profile = "alpha"

        [profiles.alpha]
        space = "http://127.0.0.1:\(alpha.port)"
        project_id = "\(alpha.projectID)"
        token_env = "ALPHA_TOKEN"

        [profiles.bravo]
        space = "http://127.0.0.1:\(bravo.port)"
        project_id = "\(bravo.projectID)"
        token = "\(bravo.token)"
        read_only = true
        """.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config.path)

        let state = home.appendingPathComponent("state")
        let environment = Demo.environment([
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path, "XDG_STATE_HOME": state.path,
            "ALPHA_TOKEN": alpha.token, "SIGNALWIRE_SPACE": "", "SIGNALWIRE_PROJECT_ID": "", "SIGNALWIRE_API_TOKEN": "",
        ])
        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --refresh 1", width: 140, height: 30, environment: environment)
        defer { session.kill() }
        #expect(await session.waitFor(text: "profile alpha", timeout: .seconds(10)))
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        #expect(!session.capture().contains("READ-ONLY"))

        // `:profile` alone names the current profile and the others.
        try session.send(keys: ":")
        try session.type(literal: "profile")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "others: bravo"))

        // A profile the file does not have: said so, and alpha stays on screen.
        try session.send(keys: ":")
        try session.type(literal: "profile charlie")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "cannot switch to profile charlie"))
        #expect(session.capture().contains("profile alpha"))

        let bravoBefore = try bravo.requestLog(in: session.directory)
        #expect(!bravoBefore.contains("/Conferences"), "bravo was asked before the switch: \(bravoBefore)")
        try session.send(keys: ":")
        try session.type(literal: "profile bravo")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "switched to profile bravo", timeout: .seconds(10)))
        #expect(await session.waitFor(text: "READ-ONLY"))
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        // The proof that the dashboard now reads bravo's space: bravo's own request log.
        #expect(try bravo.requestLog(in: session.directory).contains("/Conferences"))
        // bravo is read-only: ending a conference is refused before anything is sent.
        try session.send(keys: "E")
        #expect(await session.waitFor(text: "read-only"))
        #expect(!(try bravo.requestLog(in: session.directory)).contains("\"POST\""))
        // The refusal is a notice that holds the keyboard until Esc (so q would not quit yet).
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "dashboard is read-only"))

        // `:profile *`: both spaces in one table, each row named by its profile.
        try session.send(keys: ":")
        try session.type(literal: "profile *")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "showing every profile: alpha, bravo", timeout: .seconds(10)), "\(session.capture())")
        #expect(await session.waitFor(text: "READ-ONLY: bravo"), "\(session.capture())")
        #expect(await session.waitFor(text: "SPACE"), "\(session.capture())")
        #expect(await session.waitFor(text: "alpha  "), "\(session.capture())")

        let screen = session.capture()
        // `sh -c` execs a lone command, so the pane's own process is confdash.
        let pid = try session.panePID()
        try session.send(keys: "q")
        // Exited: gone, or a zombie its parent (the tmux server) has yet to reap. On a loaded
        // machine tmux can take many seconds to notice, so its "Pane is dead" is not waited for.
        func exited() -> Bool {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
            return status.contains("State:\tZ")
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while !exited(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if !exited() {
            // Still running after quitting: record where it is stuck, for whoever reads this.
            let output = session.directory.appendingPathComponent("gdb.txt").path
            _ = try? ChildProcess.run(["gdb", "-batch", "-p", String(pid), "-ex", "thread apply all bt 25"], outputPath: output)
            let stacks = (try? String(contentsOfFile: output, encoding: .utf8)) ?? "(no gdb)"
            let log = (try? String(contentsOf: state.appendingPathComponent("confdash/confdash.log"), encoding: .utf8)) ?? ""
            Issue.record("still running 15 s after q; log tail:\n\(log.suffix(3000))\nstacks:\n\(stacks.suffix(20000))")
        }
        for token in [alpha.token, bravo.token] {
            #expect(!screen.contains(token), "a token reached the screen")
        }
        // The log file has the session's story (the switch), never a token.
        let log = try String(contentsOf: state.appendingPathComponent("confdash/confdash.log"), encoding: .utf8)
        #expect(log.contains("profile switched"))
        #expect(log.contains("every profile at once"))
        for token in [alpha.token, bravo.token] {
            #expect(!log.contains(token), "a token reached the log file")
        }
    }
}
