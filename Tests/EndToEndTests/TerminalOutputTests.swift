import Foundation
import Testing

/// How frames reach the terminal, seen from the system calls: a frame is written whole, not a
/// few bytes at every cursor move. ncurses 6.4 flushed at every move until its screen had been
/// left and come back to once; each of the ~200 small writes of a sorted table woke the terminal
/// (tmux, sshd), and on a busy machine one frame took 9–36 ms to write.
struct TerminalOutputTests {
    static func strace() -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: directory + "/strace") {
            return directory + "/strace"
        }
        return nil
    }

    @Test func aFrameIsWrittenWholeNotAtEveryCursorMove() async throws {
        let strace = try #require(Self.strace(), "strace is not installed (bash .ci/run installs it)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-writes-\(UUID().uuidString.prefix(13))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dir = Demo.quoted(directory.path)
        let environment = Demo.environment()
        let script = "\(strace) -f -qq -e trace=write -e signal=none -o \(dir)/trace \(try Demo.command()); echo $? > \(dir)/status"
        let program = try TmuxSession(command: "sh -c \(Demo.quoted(script))", width: 160, height: 40, environment: environment)
        defer { program.kill() }
        #expect(await program.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        // Each `s` sorts by the next column: every row of the table moves, the most a key redraws.
        // Waiting for each sort's header keeps the frames apart (one frame a key).
        var sorted = Self.sortedBy(program.capture())
        for _ in 0..<6 {
            try program.send(keys: "s")
            let before = sorted
            #expect(
                await program.waitUntil("the next sort's header") { screen in
                    sorted = Self.sortedBy(screen)
                    return sorted != before
                })
        }
        try program.send(keys: "q")
        let status = await program.waitForFile(directory.appendingPathComponent("status").path, timeout: .seconds(20))
        #expect(status?.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        let trace = try String(contentsOf: directory.appendingPathComponent("trace"), encoding: .utf8)
        let writes = trace.split(separator: "\n").filter { $0.contains("write(1, ") }.count
        let log = try String(
            contentsOfFile: try #require(environment["XDG_STATE_HOME"]) + "/confdash/confdash.log", encoding: .utf8)
        let stats = try #require(log.split(separator: "\n").last { $0.contains("session stats") }, "no session stats in the log")
        let frames = try #require(
            stats.firstMatch(of: /frames_written=(\d+)/).flatMap { Int($0.1) }, "no frames_written in: \(stats)")
        #expect(frames >= 7, "six sorts and the first frame: \(frames) frames")
        // A frame larger than ncurses' buffer (about a screen) may take two writes; starting and
        // ending the screen take a few of their own. One write at every cursor move was ~40 a
        // sorted frame of this table.
        #expect(writes <= 2 * frames + 10, "\(writes) writes for \(frames) frames")
    }

    /// The header's "sorted by COLUMN ▲" (nil before the header shows).
    static func sortedBy(_ screen: String) -> String? {
        screen.split(separator: "\n").lazy.compactMap { line in
            line.range(of: "sorted by ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespaces) }
        }.first
    }
}
