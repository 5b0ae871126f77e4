import CompatAPI
import Emulator
import Foundation
import Ledger
import OperatorActions
import Testing

/// The audited actions against the emulator's hang fault over real HTTP: an answer that never
/// came is "outcome unknown", and sending a start again by its name leaves exactly one stream,
/// at the service and in the ledger, whichever of the two attempts the service took.
@Suite(.serialized) struct UnknownOutcomeActionTests {
    /// The harness's actions, but through a client that gives up after `timeout`.
    static func impatient(_ h: AuditHarness, timeout: Duration = .seconds(1)) -> (OperatorActions, CompatClient) {
        let client = CompatClient(
            endpoint: h.client.endpoint, credentials: h.client.credentials, requestTimeout: timeout,
            retryPolicy: .never, logger: AuditHarness.quiet)
        return (OperatorActions(client: client, ledger: h.ledger, profile: "ops", origin: .dashboard), client)
    }

    static func streams(_ h: AuditHarness, _ conference: String) async -> [StreamSnapshot] {
        await h.server.world.streams(conferenceSid: conference) ?? []
    }

    static let request = StartStreamRequest(url: "wss://media.example.com/live")

    @Test func anUnansweredStartSentAgainAfterTheFirstLandedIsSettledAsRunning() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference(participants: 1)
            let (actions, client) = Self.impatient(h)
            await h.server.setFaults(FaultSettings(hangSeconds: 2))
            let first = await actions.startStream(conference: conference, conferenceName: "Support Bridge", Self.request)
            #expect(first.outcome == .unknown)
            #expect(first.message.hasPrefix("outcome unknown:"))
            let kept = try #require(first.value)
            #expect(kept.status == .unknown)
            let name = try #require(kept.name)
            #expect(name.hasPrefix("cd-"), "a start without a name gets one, so it can be sent again safely")
            #expect(try await h.onlyAuditEntry()?.outcome == .unknown)
            // The service took the first one after all, once its hang was over.
            #expect(await eventually { await Self.streams(h, conference).count == 1 })
            await h.server.setFaults(FaultSettings())

            var again = Self.request
            again.name = name
            // Sent again through a patient client: on a loaded machine 1 s can pass with no hang at all.
            let second = await h.actions.startStream(conference: conference, conferenceName: "Support Bridge", again)
            #expect(second.outcome == .ok)
            #expect(second.message.hasPrefix("Stream \(name) runs: the first start reached the service"))
            #expect(await Self.streams(h, conference).count == 1)
            let ledger = try await h.ledger.streams(conferenceSid: conference)
            #expect(ledger.count == 1)
            #expect(ledger.first?.status == .queued)
            #expect(ledger.first?.name == name)
            await client.shutdown()
        }
    }

    @Test func aRetryThatArrivesBeforeTheFirstLandsStartsItOnce() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference(participants: 1)
            let (actions, client) = Self.impatient(h)
            // Held 8 s, the client gives up after 1: the retry must come while the first is still
            // held, and with 3 s a loaded machine (a fresh clone's first test run) let it land first.
            await h.server.setFaults(FaultSettings(hangSeconds: 8))
            let first = await actions.startStream(conference: conference, conferenceName: "Support Bridge", Self.request)
            #expect(first.outcome == .unknown)
            let name = try #require(first.value?.name)
            // The first is still held by the service when the retry comes in and is answered.
            await h.server.setFaults(FaultSettings())
            var again = Self.request
            again.name = name
            let second = await h.actions.startStream(conference: conference, conferenceName: "Support Bridge", again)
            #expect(second.outcome == .ok)
            let sid = try #require(second.value?.sid)
            #expect(second.value?.sidKnown == true)
            // Once the first lands, the service refuses it as a duplicate name: still one stream.
            #expect(await eventually { await h.server.heldRequests() == 0 })
            #expect(await Self.streams(h, conference).map(\.sid) == [sid])
            #expect(try await h.ledger.streams(conferenceSid: conference).map(\.sid) == [sid])
            await client.shutdown()
        }
    }

    @Test func anUnansweredMuteIsAuditedAsUnknownNotFailed() async throws {
        try await AuditHarness.run { h in
            let (conference, calls) = await h.conference(participants: 2)
            let (actions, client) = Self.impatient(h)
            await h.server.setFaults(FaultSettings(hangSeconds: 2))
            let result = await actions.setMuted(conference: conference, call: calls[0], true)
            #expect(result.outcome == .unknown)
            #expect(result.error?.outcomeUnknown == true)
            let audited = try await h.onlyAuditEntry()
            #expect(audited?.outcome == .unknown)
            // And it did happen: the next read is what settles it, in the audit trail too.
            #expect(await eventually { await h.server.world.participants(conferenceSid: conference).first?.muted == true })
            let problem = await actions.recordSettlement(
                .mute, conference: conference, call: calls[0], happened: true,
                detail: "settled by a later read: the mute reached the service")
            #expect(problem == nil)
            let trail = try await h.ledger.auditEntries()
            #expect(trail.map(\.outcome) == [.ok, .unknown], "newest first: the settlement after the unknown")
            #expect(trail.first?.parameters["settles"] == "unknown")
            await client.shutdown()
        }
    }

    @Test func aStopOfANameNeitherTheLedgerNorTheServiceKnowsAddsNothing() async throws {
        try await AuditHarness.run { h in
            let (conference, _) = await h.conference(participants: 1)
            let result = await h.actions.stopStream(conference: conference, stream: "nosuch")
            #expect(result.value?.outcome == .notFound)
            let kept = try await h.ledger.streams()
            #expect(kept.isEmpty, "a typo is not a stream")
        }
    }

    @Test func aRefusedConnectionIsSaidAtOnceAndNotRetried() async throws {
        let client = CompatClient(
            endpoint: try Endpoint("http://127.0.0.1:1"), credentials: Credentials(projectID: "p", apiToken: "t"),
            requestTimeout: .seconds(30), logger: AuditHarness.quiet)
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.conferences()
            Issue.record("a closed port answered")
        } catch let error as CompatError {
            #expect(error.retryCannotFix)
            #expect(error.operatorMessage == "cannot reach 127.0.0.1: connection refused")
            #expect(!error.outcomeUnknown)
        }
    }
}
