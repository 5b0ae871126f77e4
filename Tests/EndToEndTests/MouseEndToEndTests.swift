import Foundation
import Testing

/// `:mouse on` in a real terminal: the terminal is asked to report the mouse only then, a click
/// picks a row and a second opens it, and `:mouse off` and quitting give the mouse back.
struct MouseEndToEndTests {
    @Test func clicksPickAndOpenOnlyAfterMouseOn() async throws {
        let session = try TmuxSession(
            command: try Demo.command() + "; echo confdash-exit=$?; sleep 60", width: 120, height: 30,
            environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        // Off by default: the terminal's own selection works, and nothing here reads clicks.
        #expect(!session.reportsMouse())
        try session.send(keys: ":")
        try session.type(literal: "mouse on")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "mouse on: click a row"))
        #expect(await session.waitForMouse(true))
        // Refreshes paused: the demo's conferences come and go, and a row that moved between the
        // two clicks would be picked, not opened.
        try session.send(keys: "p")
        #expect(await session.waitFor(text: "paused"))
        // The third conference row (line 0 the title, 1 the counts, 2 the headings).
        let lines = session.capture().split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count > 5)
        let third = lines[5]
        let name = String(third.prefix(30)).trimmingCharacters(in: .whitespaces)
        try session.click(x: 3, y: 5)
        #expect(await session.waitUntil("the third row picked") { _ in
            let lines = session.captureWithAttributes().split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count > 5 && lines[5].contains("\u{1B}[7m")
        })
        try session.click(x: 3, y: 5)
        #expect(await session.waitFor(text: "CALL SID"), "\(session.capture())")
        #expect(session.capture().contains(name), "\(name)\n\(session.capture())")
        try session.send(keys: ":")
        try session.type(literal: "mouse off")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "mouse off"))
        #expect(await session.waitForMouse(false))
        // On again, then quit: the terminal is left reporting nothing.
        try session.send(keys: ":")
        try session.type(literal: "mouse on")
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "mouse on: click a row"))
        #expect(await session.waitForMouse(true))
        try session.send(keys: "q")
        #expect(await session.waitFor(text: "confdash-exit=0"))
        #expect(await session.waitForMouse(false))
    }
}
