import Foundation
import Testing

/// Every space at once: two emulators as two profiles under `--all-profiles`, one table with a
/// SPACE column. One space failing is marked while the other stays live; a mute in the second
/// space reaches the second emulator only; read-only is the row's own profile's.
struct EverySpaceEndToEndTests {
    typealias Space = CLIContractEndToEndTests.Space

    /// The API requests an emulator answered that changed something.
    static func posts(_ space: Space) throws -> [String] {
        let requests = try #require(try space.admin("GET", "requests") as? [[String: Any]])
        return requests.filter { ($0["method"] as? String) == "POST" }.compactMap { $0["path"] as? String }
    }

    /// `/TEXT` Enter, and the row it leaves out gone.
    static func filter(_ session: TmuxSession, to text: String, hiding: String) async throws {
        try session.send(keys: "/")
        try session.type(literal: text)
        try session.send(keys: "Enter")
        #expect(await session.waitForAbsence(of: hiding), "\(session.capture())")
    }

    @Test func oneTableAcrossTwoSpacesEachActionInItsOwn() async throws {
        let alpha = try await Space.start("every-alpha")
        let bravo = try await Space.start("every-bravo", seed: 4)
        defer {
            alpha.stop()
            bravo.stop()
        }
        _ = try alpha.conference("Alpha desk", participants: 2)
        let bravoDesk = try bravo.conference("Bravo desk", participants: 2)
        let configDirectory = alpha.directory.appendingPathComponent("config/confdash")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        // alpha is read-only; bravo is not. Each has its own space, and its token by variable.
        try """
        default_profile = "alpha"

        [profiles.alpha]
        space = "\(alpha.base)"
        project_id = "\(alpha.variables["SIGNALWIRE_PROJECT_ID"] ?? "")"
        token_env = "ALPHA_TOKEN"
        read_only = true

        [profiles.bravo]
        space = "\(bravo.base)"
        project_id = "\(bravo.variables["SIGNALWIRE_PROJECT_ID"] ?? "")"
        token_env = "BRAVO_TOKEN"
        """.write(to: configDirectory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        var environment = alpha.variables.merging(["LANG": "C.UTF-8"]) { current, _ in current }
        environment["ALPHA_TOKEN"] = alpha.variables["SIGNALWIRE_API_TOKEN"]
        environment["BRAVO_TOKEN"] = bravo.variables["SIGNALWIRE_API_TOKEN"]
        for name in ["SIGNALWIRE_SPACE", "SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN"] { environment[name] = "" }

        let session = try TmuxSession(
            command: "\(Demo.quoted(try Demo.binary())) --all-profiles --refresh 1; echo confdash-exit=$?; sleep 60",
            width: 140, height: 30, environment: environment)
        defer { session.kill() }
        #expect(await session.waitFor(text: "Alpha desk", timeout: .seconds(30)), "\(session.capture())")
        #expect(await session.waitFor(text: "Bravo desk", timeout: .seconds(10)), "\(session.capture())")
        var screen = session.capture()
        #expect(screen.contains("every profile: alpha, bravo"), "\(screen)")
        #expect(screen.contains("SPACE") && screen.contains("READ-ONLY: alpha"), "\(screen)")
        #expect(screen.firstMatch(of: /alpha +Alpha desk/) != nil && screen.firstMatch(of: /bravo +Bravo desk/) != nil, "\(screen)")

        // alpha fails: said in the header and on its rows; bravo stays live and on screen.
        try alpha.fault(#"{"status": 503}"#)
        #expect(await session.waitFor(text: "space alpha: the service is failing (HTTP 503)"), "\(session.capture())")
        screen = session.capture()
        #expect(screen.contains("Bravo desk") && screen.contains("Alpha desk") && screen.contains("live"), "\(screen)")
        #expect(screen.firstMatch(of: /alpha !/) != nil || screen.contains("alpha ⚠"), "\(screen)")
        #expect(!screen.contains("OFFLINE"), "\(screen)")

        // A mute in bravo's conference goes to bravo's emulator, and only there.
        try await Self.filter(session, to: "Bravo", hiding: "Alpha desk")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "space bravo"), "\(session.capture())")
        #expect(await session.waitFor(text: "in-progress  -"), "\(session.capture())")
        try session.send(keys: "m")
        #expect(await session.waitFor(text: "Muted"), "\(session.capture())")
        let bravoPosts = try Self.posts(bravo)
        #expect(bravoPosts.contains { $0.contains("/Conferences/\(bravoDesk)/Participants/") }, "\(bravoPosts)")
        try alpha.admin("DELETE", "faults")
        #expect(try Self.posts(alpha).isEmpty, "alpha was sent a change")

        // alpha is read-only, bravo is not: the same key on alpha's row is refused by name.
        try session.send(keys: "Escape")
        try session.send(keys: "Escape")
        #expect(await session.waitFor(text: "Alpha desk"), "\(session.capture())")
        #expect(await session.waitForAbsence(of: "space alpha:"), "alpha answers again: \(session.capture())")
        try await Self.filter(session, to: "Alpha", hiding: "Bravo desk")
        try session.send(keys: "E")
        #expect(await session.waitFor(text: "Profile alpha is read-only"), "\(session.capture())")
        try session.send(keys: "Escape")
        #expect(try Self.posts(alpha).isEmpty, "alpha was sent a change")

        try session.send(keys: "q")
        #expect(await session.waitFor(text: "confdash-exit=0"), "\(session.capture())")
        for token in [alpha.variables["SIGNALWIRE_API_TOKEN"], bravo.variables["SIGNALWIRE_API_TOKEN"]].compactMap({ $0 }) {
            #expect(!session.capture().contains(token))
        }

        // Asked for with --profile beside it: refused before anything starts.
        let both = try alpha.run(["--all-profiles", "--profile", "bravo"], environment: environment)
        #expect(both.status == 2 && both.stderr.contains("--all-profiles shows every profile"), "\(both)")
    }
}
