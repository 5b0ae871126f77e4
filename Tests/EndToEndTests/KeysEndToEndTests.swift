import Foundation
import Testing

/// Keys an operator reaches for in the built binary: Esc on a committed filter.
@Suite struct KeysEndToEndTests {
    @Test func escOnTheTableClearsACommittedFilter() async throws {
        let session = try TmuxSession(command: try Demo.command(), width: 80, height: 24, environment: Demo.environment())
        defer { session.kill() }
        #expect(await session.waitFor(text: Demo.loaded, timeout: .seconds(15)))
        let first = try #require(DashboardEndToEndTests.firstRowName(session.capture()))
        let needle = String(first.prefix(6))
        try session.send(keys: "/")
        try session.type(literal: needle)
        try session.send(keys: "Enter")
        #expect(await session.waitFor(text: "filter: \(needle)"))
        try session.send(keys: "Escape")
        #expect(await session.waitForAbsence(of: "filter: \(needle)"))
        #expect(await session.waitFor(text: "filter cleared"))
        #expect(DashboardEndToEndTests.firstRowName(session.capture()) == first)
    }
}
