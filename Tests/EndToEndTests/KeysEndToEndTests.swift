import Foundation
import Testing

/// Keys an operator reaches for in the built binary: Esc on a committed filter, `:` with Tab,
/// and the hint line's help and quit at 80 columns.
@Suite struct KeysEndToEndTests {
    @Test func escOnTheTableClearsACommittedFilter() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 80, height: 24, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        // Help and quit are on the hint line at 80 columns.
        #expect(await session.waitUntil("? help and q quit on the hint line") { screen in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasSuffix("? help  q quit") == true
        })
        let first = try #require(DashboardEndToEndTests.firstRowName(session.capture()))
        let needle = String(first.prefix(6))
        try session.send(keys: "/")
        try session.type(literal: needle)
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "filter: \(needle)"))
        #expect(await session.waitFor(text: "Esc clear filter"))
        try session.send(keys: "Escape")
        // One wait for both: the status lives 5 s, and on a loaded machine a wait for the filter
        // to go, then another for the status, saw the status already gone.
        #expect(await session.waitUntil("the filter gone and \"filter cleared\" said") { screen in
            !screen.contains("filter: \(needle)") && screen.contains("filter cleared")
        })
        #expect(DashboardEndToEndTests.firstRowName(session.capture()) == first)
    }

    @Test func commandLineCompletesWithTabAndListsTheCommands() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 80, height: 24, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(40)))
        let first = try #require(DashboardEndToEndTests.firstRowName(session.capture()))
        // An empty line lists what there is to run.
        try session.send(keys: ":")
        #expect(await session.waitFor(text: "read the service now"))
        #expect(await session.waitFor(text: "profile NAME"))
        // Several matches: each Tab puts the next on the line.
        try session.type(literal: "re")
        try session.send(keys: "Tab")
        #expect(await session.waitUntil("`:refresh` on the line") { $0.contains("\n:refresh") })
        try session.send(keys: "Tab")
        #expect(await session.waitUntil("`:resume` on the line") { $0.contains("\n:resume") })
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "read the service now"))
        // One match: completed, with room for its argument, and run.
        let needle = String(first.prefix(6))
        try session.send(keys: ":")
        try session.type(literal: "fi")
        try session.send(keys: "Tab")
        #expect(await session.waitUntil("`:filter ` on the line") { $0.contains("\n:filter") })
        try session.type(literal: needle)
        #expect(await session.waitFor(text: ":filter \(needle)"))
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "filter: \(needle)"))
        #expect(DashboardEndToEndTests.firstRowName(session.capture()) == first)
    }
}
