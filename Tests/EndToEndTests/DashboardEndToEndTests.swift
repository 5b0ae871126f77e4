import Foundation
import Testing

/// The built `confdash demo` in a real terminal (tmux), driven by keys and read back from the screen.
@Suite struct DashboardEndToEndTests {
    /// The first row's conference name, read from the table under its header.
    static func firstRowName(_ screen: String) -> String? {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("NAME") }), header + 1 < lines.count else { return nil }
        return name(in: lines[header + 1])
    }

    /// The name of the selected (reverse video) row, from a capture with attributes.
    static func selectedName(_ screenWithAttributes: String) -> String? {
        for line in screenWithAttributes.split(separator: "\n") {
            guard let match = line.firstMatch(of: /\u{1B}\[(?:[0-9;]*;)?7m(?:\u{1B}\[[0-9;]*m)*/) else { continue }
            return name(in: line[match.range.upperBound...])
        }
        return nil
    }

    /// The selected row's name once the whole of it is drawn selected; nil while a frame is half
    /// written (the old row no longer selected and the new one not yet, or reverse video drawn
    /// over only part of the name, which leaves an escape sequence inside what was read).
    static func wholeSelectedName(_ screenWithAttributes: String) -> String? {
        guard let name = selectedName(screenWithAttributes), !name.isEmpty, !name.contains("\u{1B}") else { return nil }
        return name
    }

    static func name(in row: Substring) -> String? {
        guard let end = row.range(of: "  ") else { return nil }
        return String(row[..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
    }

    /// The name line of the open conference (the first line under the header).
    static func detailName(_ screen: String) -> String? {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 2, let bullet = lines[2].range(of: "  ●") else { return nil }
        return String(lines[2][..<bullet.lowerBound])
    }

    @Test func conferencesShowThenOpenMoveAndGoBack() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 120, height: 40, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: "● live", timeout: .seconds(15)))
        #expect(await session.waitFor(text: "NAME"))
        var selected: String?
        #expect(
            await session.waitUntil("a selected row") { _ in
                selected = Self.wholeSelectedName(session.captureWithAttributes())
                return selected != nil
            })
        let first = try #require(selected)
        #expect(first == Self.firstRowName(session.capture()))
        try session.send(keys: "Enter")
        // Waited for, not read once: a capture can land while a frame is half written.
        #expect(await session.waitUntil("the detail of \(first)") { Self.detailName($0) == first })
        #expect(await session.waitFor(text: "CALL SID"))
        try session.send(keys: "Tab")
        #expect(await session.waitFor(text: "no streams known on this conference"))
        try session.send(keys: "Escape")
        #expect(await session.waitFor(text: "NAME"))
        try session.send(keys: "j")
        // Another row, whole: not a frame caught half written.
        var second: String?
        #expect(
            await session.waitUntil("the selection to move") { _ in
                second = Self.wholeSelectedName(session.captureWithAttributes())
                return second != nil && second != first
            })
        let secondName = try #require(second)
        try session.send(keys: "Enter")
        #expect(await session.waitUntil("the detail of \(secondName)") { Self.detailName($0) == secondName })
        try session.send(keys: "Escape", "k")
        #expect(await session.waitUntil("the selection to come back") { _ in Self.selectedName(session.captureWithAttributes()) == first })
        try session.send(keys: "Down", "Up", "Enter")
        #expect(await session.waitFor(text: "Participants ("))
        #expect(Self.detailName(session.capture()) == first)
    }

    @Test func filterNarrowsLiveAndEscClears() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 120, height: 40, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        let first = try #require(Self.firstRowName(session.capture()))
        try session.send(keys: "/")
        try session.type(literal: String(first.prefix(6)).uppercased())
        #expect(await session.waitFor(text: "filter: \(String(first.prefix(6)).uppercased())"))
        #expect(Self.firstRowName(session.capture()) == first)
        try session.type(literal: "zzqqxx")
        #expect(await session.waitFor(text: "no conference matches the filter"))
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "filter:"))
        #expect(Self.firstRowName(session.capture()) == first)
    }

    @Test func helpIsGeneratedFromTheKeymapAndAnyKeyClosesIt() async throws {
        // Tall enough for the whole help in one column at this width (the last section included).
        let session = try TmuxSession(command: try Demo.command(), width: 100, height: 50, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.send(keys: "?")
        #expect(await session.waitFor(text: "Keys (j/k scroll, other keys close)"))
        #expect(await session.waitFor(text: "pause/resume polling"))
        try session.send(keys: "q")
        #expect(await session.waitForAbsence(of: "Keys (j/k scroll, other keys close)"))
        #expect(session.capture().contains("NAME"))
    }

    @Test func pauseStopsPollingAndResumes() async throws {
        let session = try TmuxSession(command: try Demo.command(), environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: "● live", timeout: .seconds(15)))
        try session.send(keys: "p")
        #expect(await session.waitFor(text: "paused"))
        try session.send(keys: "p")
        #expect(await session.waitFor(text: "● live"))
    }

    @Test func commandLineQuits() async throws {
        let session = try TmuxSession(
            command: "sh -c \(Demo.quoted(try Demo.command() + "; echo exit=$?"))", environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.send(keys: ":")
        try session.type(literal: "bogus")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "unknown command :bogus"))
        try session.send(keys: ":")
        try session.type(literal: "q")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "exit=0", timeout: .seconds(10)))
    }

    @Test func resizeBelowMinimumShowsTooSmallThenTheTableAgain() async throws {
        let session = try TmuxSession(command: try Demo.command(), environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.resize(width: 50, height: 10)
        #expect(await session.waitFor(text: "have 50x10, need 60x12"))
        try session.resize(width: 3, height: 2)
        #expect(await session.waitUntil("a tiny screen") { !$0.contains("NAME") && !$0.contains("Pane is dead") })
        try session.resize(width: 90, height: 25)
        #expect(await session.waitFor(text: "NAME"))
        #expect(!session.capture().contains("too small"))
    }

    @Test func maxRefreshesEndsTheRunByItself() async throws {
        let session = try TmuxSession(
            command: "sh -c \(Demo.quoted(try Demo.command("--max-refreshes 2") + "; echo exit=$?"))", environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: "exit=0", timeout: .seconds(20)))
    }

    @Test func asciiLocaleDrawsASCII() async throws {
        let session = try TmuxSession(
            command: try Demo.command(), width: 120, height: 40, environment: Demo.environment(["LANG": "C", "LC_ALL": "C"]))
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "+- Participants ("))
        #expect(!session.capture().contains("╭"))
    }

    /// True when the captured screen sets a foreground or background colour (SGR 30–37 / 40–47).
    static func hasColour(_ screen: String) -> Bool {
        screen.contains(/\u{1B}\[(?:[0-9;]*;)?[34][0-7]m/)
    }

    @Test func coloursByDefaultAndNoneWhenAsked() async throws {
        let coloured = try TmuxSession(command: try Demo.command(), environment: Demo.environment())
        defer { coloured.kill() }
        #expect(await coloured.waitFor(text: "● live", timeout: .seconds(15)))
        #expect(Self.hasColour(coloured.captureWithAttributes()))
        for (command, env) in [
            (try Demo.command("--no-color"), Demo.environment()), (try Demo.command(), Demo.environment(["NO_COLOR": "1"])),
        ] {
            let plain = try TmuxSession(command: command, environment: env)
            defer { plain.kill() }
            #expect(await plain.waitFor(text: "● live", timeout: .seconds(15)))
            let screen = plain.captureWithAttributes()
            #expect(!Self.hasColour(screen))
            #expect(screen.contains(/\u{1B}\[(?:[0-9;]*;)?7m/))  // the selection is still reversed
        }
    }

    @Test func wideNamesKeepColumnsAligned() async throws {
        // The emulator's seeded names include CJK and emoji; find rows that have them.
        let session = try TmuxSession(
            command: try Demo.quoted(Demo.binary()) + " demo --seed 3 --conferences 120 --no-churn --refresh 5",
            width: 140, height: 140, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        let lines = session.capture().split(separator: "\n")
        let rows = lines.filter { $0.contains(" us1 ") || $0.contains(" us2 ") || $0.contains(" ie1 ") || $0.contains(" de1 ") || $0.contains(" sg1 ") || $0.contains(" jp1 ") || $0.contains(" au1 ") || $0.contains(" br1 ") }
        let wide = rows.filter { $0.unicodeScalars.contains { $0.value > 0x2E80 } }
        #expect(!wide.isEmpty, "no row with a wide name in the seeded world")
        // tmux prints a wide character as one character taking two cells: compare display columns.
        let regionColumns = Set(rows.compactMap { row -> Int? in
            guard let range = row.firstMatch(of: /\s\s(us1|us2|ie1|de1|sg1|br1|au1|jp1)\s\s/)?.range else { return nil }
            return row[..<range.lowerBound].reduce(0) { $0 + (($1.unicodeScalars.first?.value ?? 0) > 0x2E80 ? 2 : 1) }
        })
        #expect(regionColumns.count == 1, "region column starts at \(regionColumns)")
    }
}
