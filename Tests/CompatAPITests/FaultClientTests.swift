import CompatAPI
import Emulator
import Foundation
import Testing

/// Each fault the emulator injects, met by the real client over loopback HTTP: the typed error
/// it becomes and the words an operator reads.
@Suite struct FaultClientTests {
    @Test(arguments: [
        (401, "authentication failed (check the Project ID and API token)"),
        (403, "permission denied (the API token lacks permission"),
        (404, "not found"),
        (422, "request refused (422)"),
        (429, "rate limited by the service"),
        (500, "the service is failing (HTTP 500)"),
        (503, "the service is failing (HTTP 503)"),
    ])
    func statusFaultsBecomeServiceErrors(status: Int, words: String) async throws {
        try await withEmulator(retryPolicy: .never) { server, client in
            await server.setFaults(FaultSettings(status: status))
            let error = await compatError { try await client.conferences() }
            #expect(error?.httpStatus == status)
            #expect(error?.operatorMessage.hasPrefix(words) == true, "\(String(describing: error?.operatorMessage))")
            guard case .service(_, let retryAfter)? = error else {
                Issue.record("expected a service error, got \(String(describing: error))")
                return
            }
            #expect(retryAfter == nil)
        }
    }

    @Test func retryAfterIsReadAndShown() async throws {
        try await withEmulator(retryPolicy: .never) { server, client in
            await server.setFaults(FaultSettings(status: 429, retryAfterSeconds: 9))
            let error = await compatError { try await client.conferences() }
            guard case .service(_, let retryAfter)? = error else {
                Issue.record("expected a service error, got \(String(describing: error))")
                return
            }
            #expect(retryAfter == 9)
            #expect(error?.operatorMessage.contains("retry in 9 s") == true)
        }
    }

    @Test func aHangEndsAtTheRequestDeadline() async throws {
        try await withEmulator(requestTimeout: .milliseconds(400), retryPolicy: .never) { server, client in
            await server.setFaults(FaultSettings(hangSeconds: 60))
            let started = ContinuousClock.now
            let error = await compatError { try await client.conferences() }
            #expect(ContinuousClock.now - started < .seconds(30))
            guard case .timedOut? = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            #expect(error?.operatorMessage.contains("no complete answer within 0.4 s") == true)
        }
    }

    @Test func aTrickleEndsAtTheSameDeadlineAsAHang() async throws {
        // The head comes at once and the body never stops coming: only a deadline over the
        // body too ends this request.
        try await withEmulator(requestTimeout: .milliseconds(500), retryPolicy: .never) { server, client in
            // A byte every 200 ms: the list would take the better part of an hour.
            await server.setFaults(FaultSettings(body: .trickle, trickleBytes: 1, trickleIntervalMs: 200))
            let started = ContinuousClock.now
            let error = await compatError { try await client.conferences() }
            let elapsed = ContinuousClock.now - started
            // Loose: a loaded machine runs late, but nowhere near the trickle's own end.
            #expect(elapsed < .seconds(30), "took \(elapsed)")
            guard case .timedOut? = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func aSlowButSteadyTrickleStillArrives() async throws {
        // A long deadline: the point is that a trickle that ends is read whole, however busy the machine.
        try await withEmulator(requestTimeout: .seconds(60), retryPolicy: .never) { server, client in
            await server.setFaults(FaultSettings(body: .trickle, trickleBytes: 2048, trickleIntervalMs: 10))
            let conferences = try await client.conferences()
            #expect(conferences.count == 12)
        }
    }

    @Test(arguments: [FaultSettings.BodyFault.malformed, .truncated])
    func aBrokenBodyIsUnreadableNotUnreachable(fault: FaultSettings.BodyFault) async throws {
        try await withEmulator(retryPolicy: .never) { server, client in
            await server.setFaults(FaultSettings(body: fault))
            let error = await compatError { try await client.conferences() }
            guard case .unreadableResponse(let status, let reason)? = error else {
                Issue.record("expected an unreadable answer, got \(String(describing: error))")
                return
            }
            #expect(status == 200)
            #expect(reason.contains(fault == .truncated ? "cut off" : "malformed JSON"), "\(reason)")
            #expect(error?.operatorMessage.hasPrefix("the service sent an answer confdash could not read") == true)
            await server.setFaults(FaultSettings())
            let conferences = try await client.conferences()
            #expect(conferences.count == 12)
        }
    }
}
