import Foundation
import Testing

/// After every way the program can end, the terminal's settings are what they were before it started.
@Suite struct TerminalRestoreTests {
    /// How the program is ended.
    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case quitKey, controlC, sigterm, sighup
        var testDescription: String { rawValue }
        /// The exit status confdash reports for this ending (128 + signal number for signals).
        var exitStatus: String {
            switch self {
            case .quitKey: "0"
            case .controlC: "130"
            case .sigterm: "143"
            case .sighup: "129"
            }
        }
    }

    @Test(arguments: Ending.allCases)
    func terminalSettingsAreRestored(ending: Ending) async throws {
        let demo = try Demo.command()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-restore-\(UUID().uuidString.prefix(13))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dir = Demo.quoted(directory.path)
        // `trap true INT`: otherwise C-c ends the wrapper shell too and the "after" settings are never read.
        let script = "trap true INT; stty -g > \(dir)/before; \(demo); "
            + "echo $? > \(dir)/status; stty -g > \(dir)/after"
        let program = try TmuxSession(command: "sh -c \(Demo.quoted(script))", environment: Demo.environment())
        defer { program.kill() }
        #expect(await program.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        switch ending {
        case .quitKey: try program.send(keys: "q")
        case .controlC: try program.send(keys: "C-c")
        case .sigterm: try program.signal(SIGTERM)
        case .sighup: try program.signal(SIGHUP)
        }
        let after = try #require(await program.waitForFile(directory.appendingPathComponent("after").path))
        let before = try String(contentsOfFile: directory.appendingPathComponent("before").path, encoding: .utf8)
        let status = try String(contentsOfFile: directory.appendingPathComponent("status").path, encoding: .utf8)
        #expect(before == after)
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == ending.exitStatus)
    }
}
