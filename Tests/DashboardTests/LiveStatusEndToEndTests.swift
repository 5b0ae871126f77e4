import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Emulator
import Foundation
import Ledger
import Testing

/// The emulator starts and stops a real stream and calls the real receiver with signed
/// callbacks, the way the service would: the ledger follows the stream live.
@Suite struct LiveStatusEndToEndTests {
    @Test(arguments: [CallbackMethod.post, .get])
    func ledgerFollowsAStreamFromQueuedToStopped(method: CallbackMethod) async throws {
        // The start delay is long enough that the start is recorded before its stream-started
        // callback can arrive, even on a loaded machine (200 ms was not always enough).
        let configuration = EmulatorConfiguration(
            conferences: 0, signingKey: ReceiverHarness.signingKey, streamStartDelay: .seconds(2))
        try await ReceiverHarness.run { h async throws in
            // The emulator stops inside the receiver's lifetime, as the service outlives no receiver
            // in a test: its callback client closes its connections before the receiver stops.
            let server = try await EmulatorServer.start(configuration, logger: ReceiverHarness.quiet)
            let client = CompatClient(
                endpoint: try Endpoint(server.baseURL),
                credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
                logger: ReceiverHarness.quiet)
            let outcome: Result<Void, any Error>
            do {
                try await follow(h, method: method, server: server, client: client)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await client.shutdown()
            await server.stop()
            try outcome.get()
        }
    }

    private func follow(_ h: ReceiverHarness, method: CallbackMethod, server: EmulatorServer, client: CompatClient)
        async throws
    {
        let conference = await server.world.createConference(friendlyName: "Live status", participants: 2)
        let request = StartStreamRequest(
            url: "wss://media.example.com/listen", name: "live-status",
            statusCallback: await h.receiver.callbackURL, statusCallbackMethod: method)
        let stream = try await client.startStream(conference: conference.sid, request)
        try await h.ledger.recordStarted(
            stream, request: request, conferenceName: conference.friendlyName, from: .dashboard, at: Date())

        try #require(try await eventually { try await h.status(stream.sid) == .inProgress })

        _ = try await client.stopStream(conference: conference.sid, stream: stream.sid)
        try #require(try await eventually { try await h.status(stream.sid) == .stopped })

        let history = try await h.ledger.events(sid: stream.sid)
        #expect(history.map(\.status) == [.queued, .inProgress, .stopped])
        #expect(history.map(\.source) == [.start, .callback, .callback])
        #expect(
            h.events.all.map(\.outcome) == [
                .moved(from: .queued, to: .inProgress), .moved(from: .inProgress, to: .stopped),
            ])
        #expect(h.events.all.allSatisfy { $0.conferenceSid == conference.sid && $0.streamSid == stream.sid })
    }
}
