import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// Injected faults hit the API, never the admin surface.
@Suite struct FaultTests {
    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        // The window is one second of the injected clock: a test clock keeps all four requests
        // in it however slowly a busy machine sends them.
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(rateLimit: 3)), clock: clock) { api in
            var statuses: [Int] = []
            var limited: RawResponse?
            for _ in 0..<4 {
                let response = try await api.send("GET", "\(api.laml)/Conferences")
                statuses.append(response.status)
                if response.status == 429 { limited = response }
            }
            #expect(statuses == [200, 200, 200, 429])
            let response = try #require(limited)
            #expect(response.header("Retry-After") == "1")
            #expect(response.object["code"] as? Int == 20429)
            await expectMatchesSpec(response.body, schema: "CompatibilityErrorResponse")
            #expect(try await Emulated.send("GET", api.server.adminURL + "/conferences").status == 200)

            // A new window opens once the second is over.
            await clock.advance(by: .seconds(1))
            #expect(try await api.send("GET", "\(api.laml)/Conferences").status == 200)
        }
    }

    @Test func latencyDelaysEveryAPIResponse() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let set = try await Emulated.send(
                "POST", api.server.adminURL + "/faults", headers: [("Content-Type", "application/json")],
                body: #"{"latencyMs": 300}"#)
            #expect(set.status == 200)
            #expect(set.object["latencyMs"] as? Int == 300)
            let response = try await Self.expectHeld(for: .milliseconds(300), api: api, clock: clock)
            #expect(response?.status == 200)
        }
    }

    @Test func latencyWaitsOnTheInjectedClockAndSparesTheAdminSurface() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(latencyMs: 300)), clock: clock) { api in
            let response = try await Self.expectHeld(for: .milliseconds(300), api: api, clock: clock) {
                // The admin surface answers at once while the API request waits for virtual time.
                let admin = try await Emulated.send("GET", api.server.adminURL + "/faults")
                #expect(admin.status == 200)
            }
            #expect(response?.status == 200)
        }
    }

    /// Sends an API request that the injected faults hold for `delay` of the injected clock, and
    /// checks it is answered then and not before. It is waited on until the emulator holds it
    /// (its deadline fixed); from then it cannot be answered while the clock stands still, nor
    /// after `delay` less a millisecond, and it is answered once the clock reaches the deadline.
    /// `whileHeld` runs while the request is certainly held. Nil when it was never answered.
    private static func expectHeld(
        for delay: Duration, api: Emulated, clock: TestClock<Duration>,
        sourceLocation: SourceLocation = #_sourceLocation, whileHeld: () async throws -> Void = {}
    ) async throws -> RawResponse? {
        let finished = Flag()
        let pending = Task {
            let response = try await api.send("GET", "\(api.laml)/Conferences?PageSize=1")
            await finished.raise()
            return response
        }
        defer { pending.cancel() }
        guard await eventually(timeout: .seconds(30), { await api.server.heldRequests() == 1 }) else {
            Issue.record("the emulator never held the request", sourceLocation: sourceLocation)
            return nil
        }
        try await whileHeld()
        #expect(await finished.isRaised == false, "answered with no virtual time passed", sourceLocation: sourceLocation)
        await clock.advance(by: delay - .milliseconds(1))
        #expect(await finished.isRaised == false, "answered before its \(delay)", sourceLocation: sourceLocation)
        await clock.advance(by: .milliseconds(1))
        // Advancing by nothing wakes a sleep that began exactly at its deadline after the last
        // advance (swift-clocks' TestClock keeps such a sleep until the next advance); time stands still.
        #expect(
            await eventually(timeout: .seconds(30)) {
                await clock.advance(by: .zero)
                return await finished.isRaised
            }, "not answered after its \(delay)",
            sourceLocation: sourceLocation)
        #expect(await api.server.heldRequests() == 0, sourceLocation: sourceLocation)
        return try await pending.value
    }

    private actor Flag {
        private(set) var isRaised = false
        func raise() { isRaised = true }
    }

    @Test func failRateAnswersInternalErrors() async throws {
        try await withEmulator { api in
            await api.server.setFaults(FaultSettings(failRate: 1))
            let failed = try await api.send("GET", "\(api.laml)/Conferences")
            #expect(failed.status == 500)
            #expect(failed.object["message"] as? String == "Internal error")
            await expectMatchesSpec(failed.body, schema: "CompatibilityErrorResponse")
            await api.server.setFaults(FaultSettings())
            #expect(try await api.send("GET", "\(api.laml)/Conferences").status == 200)
        }
    }

    /// Sets faults through the admin surface, as the end-to-end tests and scripts do.
    private static func patchFaults(_ api: Emulated, _ json: String) async throws -> RawResponse {
        try await Emulated.send(
            "POST", api.server.adminURL + "/faults", headers: [("Content-Type", "application/json")], body: json)
    }

    /// The code the service sends with each status, per the fact sheet (20003, 20404, 20429,
    /// 10000) and the service's numbering for the rest.
    static let statusCodes: [(Int, Int)] = [
        (401, 20003), (403, 20403), (404, 20404), (422, 10000), (429, 20429), (500, 20500), (503, 20503),
    ]

    @Test(arguments: statusCodes.map(\.0))
    func statusFaultAnswersWithTheServiceErrorBody(status: Int) async throws {
        let code = try #require(Self.statusCodes.first { $0.0 == status }?.1)
        try await withEmulator { api in
            let set = try await Self.patchFaults(api, #"{"status": \#(status)}"#)
            #expect(set.status == 200)
            #expect(set.object["status"] as? Int == status)
            // Good credentials or none: an injected status comes before authentication.
            for authorization in [Emulated.goodAuth, nil] {
                let response = try await api.send("GET", "\(api.laml)/Conferences", authorization: authorization)
                #expect(response.status == status)
                #expect(response.object["code"] as? Int == code)
                #expect(response.object["status"] as? Int == status)
                #expect(response.header("Retry-After") == nil)
            }
            await expectMatchesSpec(try await api.send("GET", "\(api.laml)/Conferences").body, schema: "CompatibilityErrorResponse")

            // With Retry-After, then cleared: the API answers again; the admin surface never failed.
            #expect(try await Self.patchFaults(api, #"{"retryAfterSeconds": 7}"#).status == 200)
            #expect(try await api.send("GET", "\(api.laml)/Conferences").header("Retry-After") == "7")
            #expect(try await Emulated.send("GET", api.server.adminURL + "/conferences").status == 200)
            #expect(try await Emulated.send("DELETE", api.server.adminURL + "/faults").status == 200)
            #expect(try await api.send("GET", "\(api.laml)/Conferences").status == 200)
            #expect(await api.server.faultSettings() == FaultSettings())
        }
    }

    @Test func hangHoldsRequestsOnTheInjectedClock() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(hangSeconds: 60)), clock: clock) { api in
            #expect(try await Emulated.send("GET", api.server.adminURL + "/faults").object["hangSeconds"] as? Double == 60)
            // Not answered after 59.999 virtual seconds, and answered as usual once the hang is over.
            let response = try await Self.expectHeld(for: .seconds(60), api: api, clock: clock)
            #expect(response?.status == 200)
        }
    }

    @Test func malformedBodyIsA200WithBrokenJSON() async throws {
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(body: .malformed))) { api in
            let exchange = await RawExchange.get(
                port: api.server.port, path: "\(api.laml)/Conferences?PageSize=2", authorization: Emulated.goodAuth)
            #expect(exchange.status == 200)
            #expect(exchange.header("Content-Type")?.hasPrefix("application/json") == true)
            // The length is honest: only the JSON is broken.
            #expect(exchange.header("Content-Length") == String(exchange.body.count))
            #expect(exchange.body.count > 10)
            #expect((try? JSONSerialization.jsonObject(with: Data(exchange.body))) == nil)
            let admin = try await Emulated.send("GET", api.server.adminURL + "/conferences")
            #expect(admin.array.isEmpty == false)
        }
    }

    @Test func truncatedBodyPromisesMoreThanItSendsThenCloses() async throws {
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(body: .truncated))) { api in
            let exchange = await RawExchange.get(
                port: api.server.port, path: "\(api.laml)/Conferences?PageSize=2", authorization: Emulated.goodAuth)
            #expect(exchange.status == 200)
            let promised = try #require(exchange.header("Content-Length").flatMap(Int.init))
            #expect(exchange.body.count > 0)
            #expect(exchange.body.count < promised)
            // No keep-alive wait: the server hung up on its own.
            #expect(exchange.closedByServer)
            await api.server.setFaults(FaultSettings())
            let healthy = try await api.send("GET", "\(api.laml)/Conferences?PageSize=2")
            #expect(healthy.status == 200)
            #expect(healthy.object["conferences"] != nil)
        }
    }

    @Test func trickleDribblesTheWholeBody() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let set = try await Self.patchFaults(api, #"{"body": "trickle", "trickleBytes": 200, "trickleIntervalMs": 30}"#)
            #expect(set.status == 200)
            #expect(set.object["body"] as? String == "trickle")
            let progress = RawExchange.Progress()
            let port = api.server.port
            let path = "\(api.laml)/Conferences?PageSize=2"
            // Generous deadlines, for failure only: with the suite's heavy tests on both cores,
            // the test's own steps between two pieces once took longer than 10 s.
            let pending = Task {
                await RawExchange.get(
                    port: port, path: path, authorization: Emulated.goodAuth, timeout: .seconds(60), progress: progress)
            }
            // In pieces, over time: each 200-byte write waits out a 30 ms pause of the injected
            // clock first. Whenever the writer is asleep on its pause (nothing else sleeps on this
            // clock), every piece written so far has arrived and nothing more has, since nothing
            // more can be written until the clock moves.
            var pauses = 0
            while true {
                let asleepOrOver = await eventually(timeout: .seconds(30)) {
                    if progress.ended { return true }
                    return await Self.somethingSleeps(on: clock)
                }
                guard asleepOrOver else {
                    Issue.record("the body stopped after \(progress.bodyCount) bytes and \(pauses) pauses")
                    break
                }
                if progress.ended { break }
                // The bytes written in `pauses` pieces (known once the head has come with its length).
                let pieces = pauses
                func written() -> Int? { pieces == 0 ? 0 : progress.contentLength.map { min(pieces * 200, $0) } }
                #expect(await eventually(timeout: .seconds(30)) { written().map { progress.bodyCount >= $0 } ?? false })
                #expect(progress.bodyCount == written(), "after \(pauses) pauses")
                await clock.advance(by: .milliseconds(30))
                pauses += 1
            }
            let exchange = await pending.value
            #expect(exchange.status == 200)
            let length = try #require(exchange.header("Content-Length").flatMap(Int.init))
            #expect(exchange.body.count == length)
            #expect((try? JSONSerialization.jsonObject(with: Data(exchange.body))) != nil)
            // One pause per 200-byte write, and at least as many reads as writes (each piece had
            // arrived before the next was let through).
            let writes = (length + 199) / 200
            #expect(writes >= 3)
            #expect(pauses == writes)
            #expect(exchange.reads.count >= writes)
        }
    }

    /// Whether anything is asleep on `clock` (TestClock's check throws when something is).
    private static func somethingSleeps(on clock: TestClock<Duration>) async -> Bool {
        do {
            try await clock.checkSuspension()
            return false
        } catch {
            return true
        }
    }

    @Test func faultsNeverTouchTheAdminSurfaceAndPatchesAreChecked() async throws {
        try await withEmulator { api in
            #expect(try await Self.patchFaults(api, #"{"status": 503, "body": "truncated", "hangSeconds": 0.2}"#).status == 200)
            // Partial: what is left out stays; null turns one fault off.
            let patched = try await Self.patchFaults(api, #"{"body": null, "latencyMs": 5}"#)
            #expect(patched.status == 200)
            #expect(patched.object["status"] as? Int == 503)
            #expect(patched.object["body"] == nil)
            #expect(patched.object["latencyMs"] as? Int == 5)
            let admin = try await Emulated.send("GET", api.server.adminURL + "/conferences")
            #expect(admin.status == 200)
            #expect(admin.array.isEmpty == false)
            #expect(try await api.send("GET", "\(api.laml)/Conferences").status == 503)
            for bad in [
                #"{"status": 200}"#, #"{"status": 600}"#, #"{"body": "garbled"}"#, #"{"hangSeconds": -1}"#,
                #"{"retryAfterSeconds": -2}"#, #"{"trickleBytes": 0}"#,
            ] {
                let refused = try await Self.patchFaults(api, bad)
                #expect(refused.status == 400, "\(bad) was accepted")
            }
            // A refused patch changes nothing.
            #expect(await api.server.faultSettings().status == 503)
        }
    }
}
