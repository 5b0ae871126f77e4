import Foundation
import Testing

/// The terminal misbehaving: a resize storm, terminal types from the 1970s to tmux, a locale
/// without UTF-8, and types that cannot host a full-screen program at all. Each ends with the terminal's settings as they
/// were and the exit status the operator expects. (SIGHUP and SIGTERM: TerminalRestoreTests.)
struct TerminalFaultsTests {
    /// The demo wrapped so the test can read the tty settings before and after, and the exit
    /// status; `prefix` goes before the command (an environment assignment).
    struct Wrapped {
        let session: TmuxSession
        let directory: URL

        init(prefix: String = "", arguments: String = "", width: Int = 100, height: Int = 30) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("confdash-tfault-\(UUID().uuidString.prefix(13))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let dir = Demo.quoted(directory.path)
            let script = "trap true INT; stty -g > \(dir)/before; \(prefix) \(try Demo.command(arguments)); "
                + "echo $? > \(dir)/status; stty -g > \(dir)/after"
            session = try TmuxSession(
                command: "sh -c \(Demo.quoted(script))", width: width, height: height, environment: Demo.environment())
        }

        /// Waits for the program to end; returns its exit status, after checking the terminal's
        /// settings came back as they were.
        func ended(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
            guard let after = await session.waitForFile(directory.appendingPathComponent("after").path, timeout: .seconds(10)) else {
                return nil
            }
            let before = try String(contentsOfFile: directory.appendingPathComponent("before").path, encoding: .utf8)
            #expect(before == after, "the terminal's settings were not restored", sourceLocation: sourceLocation)
            return try String(contentsOfFile: directory.appendingPathComponent("status").path, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func close() {
            session.kill()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func aResizeStormLeavesTheRightScreen() async throws {
        let run = try Wrapped()
        defer { run.close() }
        #expect(await run.session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        // One key, so once the selection has moved it has moved for good. Both names are read
        // from whole frames, not from one caught half written.
        var first: String?
        #expect(
            await run.session.waitUntil("a selected row") { _ in
                first = DashboardEndToEndTests.wholeSelectedName(run.session.captureWithAttributes())
                return first != nil
            })
        try run.session.send(keys: "G")
        var selected: String?
        #expect(
            await run.session.waitUntil("G to move the selection") { _ in
                selected = DashboardEndToEndTests.wholeSelectedName(run.session.captureWithAttributes())
                return selected != nil && selected != first
            })
        #expect(selected != nil && selected != first)
        // 50 resizes as fast as tmux takes them (about a second here), down to 10x3 and back.
        let sizes = [(10, 3), (100, 30), (40, 8), (200, 60), (61, 12), (59, 11), (1, 1), (120, 40), (10, 3), (80, 24)]
        let started = ContinuousClock.now
        for index in 0..<50 {
            let (width, height) = sizes[index % sizes.count]
            try run.session.resize(width: width, height: height)
        }
        let storm = ContinuousClock.now - started
        try run.session.resize(width: 100, height: 30)
        // Afterwards: the full table at the final size, the same conference still selected, and
        // the program still answering keys.
        #expect(
            await run.session.waitUntil("the table at 100x30") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.first?.hasPrefix("confdash") == true && screen.contains("NAME")
                    && !screen.contains("too small")
            })
        #expect(await selectedName(run.session) == selected)
        try run.session.send(keys: "?")
        #expect(await run.session.waitFor(text: "Keys"))
        try run.session.send(keys: "Escape")
        try run.session.send(keys: "q")
        #expect(try await run.ended() == "0")
        print("resize storm: 50 resizes in \(storm)")
    }

    @Test(arguments: ["vt100", "screen-256color", "xterm-256color"])
    func olderAndNewerTerminalTypesWork(term: String) async throws {
        let run = try Wrapped(prefix: "TERM=\(term)")
        defer { run.close() }
        #expect(await run.session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try run.session.send(keys: "j")
        try run.session.send(keys: "Enter")
        #expect(await run.session.waitFor(text: "Participants ("))
        try run.session.send(keys: "Escape")
        #expect(await run.session.waitFor(text: "NAME"))
        try run.session.send(keys: "q")
        #expect(try await run.ended() == "0")
        // No alternate screen on a vt100: the last frame is cleared rather than left behind.
        // (The visible screen only: tmux keeps a cleared screen in its history.)
        if term == "vt100" { #expect(!(try run.session.tmux(["capture-pane", "-p"])).contains("NAME")) }
    }

    /// An SSH session from a host without a UTF-8 locale: every glyph falls back to ASCII and
    /// names outside it are drawn as `?` in their columns, never as bytes the terminal would
    /// read as something else.
    @Test(arguments: ["C", "POSIX"])
    func aLocaleWithoutUTF8DrawsASCIIOnly(locale: String) async throws {
        let run = try Wrapped(prefix: "LANG=\(locale) LC_ALL=\(locale)", width: 120, height: 40)
        defer { run.close() }
        #expect(await run.session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        let table = run.session.capture()
        let ascii = table.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(ascii, "non-ASCII on screen:\n\(table)")
        // The seeded world has names in other scripts; they are there, as `?`, and the STATUS
        // column stays lined up under its heading.
        #expect(table.contains("?"))
        let lines = table.split(separator: "\n").map(String.init)
        let heading = try #require(lines.first { $0.hasPrefix("NAME") })
        let column = try #require(heading.range(of: "STATUS")).lowerBound.utf16Offset(in: heading)
        let rows = lines.filter { $0.contains(" in-progress ") }
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(row.range(of: "in-progress")?.lowerBound.utf16Offset(in: row) == column, "\(row)")
        }
        try run.session.send(keys: "Enter")
        #expect(await run.session.waitFor(text: "+- Participants ("))
        let detail = run.session.capture()
        #expect(detail.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII on screen:\n\(detail)")
        try run.session.send(keys: "Escape")
        try run.session.send(keys: "q")
        #expect(try await run.ended() == "0")
    }

    @Test(arguments: ["dumb", "no-such-terminal"])
    func terminalsThatCannotHostTheDashboardAreExplained(term: String) async throws {
        let run = try Wrapped(prefix: "TERM=\(term)")
        defer { run.close() }
        #expect(try await run.ended() == "1")
        let screen = run.session.capture()
        #expect(screen.contains("TERM=\(term)"))
        #expect(screen.contains("xterm-256color"))
        // Nothing was drawn: no table, no escape-sequence debris.
        #expect(!screen.contains("NAME"))
    }

    func selectedName(_ session: TmuxSession) async -> String? {
        DashboardEndToEndTests.selectedName(session.captureWithAttributes())
    }
}
