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
        try await withEmulator { api in
            let set = try await Emulated.send(
                "POST", api.server.adminURL + "/faults", headers: [("Content-Type", "application/json")],
                body: #"{"latencyMs": 300}"#)
            #expect(set.status == 200)
            #expect(set.object["latencyMs"] as? Int == 300)
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await api.send("GET", "\(api.laml)/Conferences?PageSize=1")
            let elapsed = clock.now - start
            #expect(response.status == 200)
            #expect(elapsed >= .milliseconds(300), "took \(elapsed)")
        }
    }

    @Test func latencyWaitsOnTheInjectedClockAndSparesTheAdminSurface() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(faults: FaultSettings(latencyMs: 300)), clock: clock) { api in
            let finished = Flag()
            let pending = Task {
                let response = try await api.send("GET", "\(api.laml)/Conferences?PageSize=1")
                await finished.raise()
                return response
            }
            // The admin surface answers at once while the API request waits for virtual time.
            #expect(try await Emulated.send("GET", api.server.adminURL + "/faults").status == 200)
            try await Task.sleep(for: .milliseconds(100))
            #expect(await finished.isRaised == false)
            // Advance until the request is answered; it cannot be before its 300 ms have passed.
            #expect(
                await eventually {
                    await clock.advance(by: .milliseconds(300))
                    return await finished.isRaised
                })
            #expect(try await pending.value.status == 200)
        }
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
}
