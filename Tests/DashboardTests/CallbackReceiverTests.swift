import AsyncHTTPClient
import CompatAPI
import CallbackReceiver
import DashboardCore
import DashboardRuntime
import OperatorActions
import Profiles
import Foundation
import Ledger
import NIOCore
import Testing

/// The receiver over real HTTP on loopback: what it accepts, what it refuses, and what each
/// does to the ledger and the screen.
@Suite struct CallbackReceiverTests {
    @Test func signedCallbackMovesTheStreamAndIsReported() async throws {
        try await ReceiverHarness.run { h async throws in
            try await h.recordQueued("MZ1")
            let answer = try await h.post(CallbackSample.fields("MZ1"))
            #expect(answer.status == 204)
            #expect(try await h.status("MZ1") == .inProgress)
            let events = h.events.all
            #expect(events.count == 1)
            #expect(events.first?.streamSid == "MZ1")
            #expect(events.first?.conferenceSid == CallbackSample.conference)
            #expect(events.first?.event == .started)
            #expect(events.first?.outcome == .moved(from: .queued, to: .inProgress))
            #expect(events.first?.state == .inProgress)
            #expect(events.first?.changedLedger == true)
        }
    }

    @Test func streamErrorCarriesTheServiceReason() async throws {
        try await ReceiverHarness.run { h async throws in
            let answer = try await h.post(CallbackSample.fields("MZ1", "stream-error", error: "connection_refused"))
            #expect(answer.status == 204)
            let record = try await h.ledger.stream(sid: "MZ1")
            #expect(record?.status == .error)
            #expect(record?.statusReason == "connection_refused")
            #expect(h.events.all.map(\.reason) == ["connection_refused"])
            #expect(h.events.all.map(\.outcome) == [.learned(.error)])
        }
    }

    @Test func tamperedParameterIsRefusedAndNotApplied() async throws {
        try await ReceiverHarness.run { h async throws in
            try await h.recordQueued("MZ1")
            let signed = CallbackSample.fields("MZ1", "stream-started")
            let signature = WebhookSignature.compute(url: h.ownURL, parameters: signed, key: ReceiverHarness.signingKey)
            // Same signature, one value changed on the way.
            let tampered = signed.map { $0.0 == "StreamEvent" ? ($0.0, "stream-stopped") : $0 }
            var request = HTTPClientRequest(url: h.ownURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: WebhookSignature.headerName, value: signature)
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(tampered)))
            let answer = try await h.send(request)
            #expect(answer.status == 403)
            #expect(try await h.status("MZ1") == .queued)
            #expect(try await h.ledger.events(sid: "MZ1").map(\.status) == [.queued])
            #expect(h.events.all.isEmpty)
        }
    }

    @Test func unsignedCallbackIsRefused() async throws {
        try await ReceiverHarness.run { h async throws in
            let answer = try await h.post(CallbackSample.fields("MZ1"), key: nil)
            #expect(answer.status == 403)
            #expect(try await h.ledger.stream(sid: "MZ1") == nil)
            #expect(h.events.all.isEmpty)
        }
    }

    @Test func refusalIsLoggedWithSenderAndStreamButNeverTheKey() async throws {
        let capture = LogCapture()
        try await ReceiverHarness.run(logger: capture.logger) { h async throws in
            #expect(try await h.post(CallbackSample.fields("MZ1"), key: "PSKsomeone-else").status == 403)
            #expect(try await h.post(CallbackSample.fields("MZ2"), key: nil).status == 403)
            #expect(try await h.post(CallbackSample.fields("MZ3")).status == 204)
        }
        let refusals = capture.all.filter { $0.level == .warning }
        #expect(refusals.map { $0.metadata["stream"] } == ["MZ1", "MZ2"])
        #expect(refusals.allSatisfy { $0.metadata["remote"]?.hasPrefix("127.0.0.1:") == true })
        #expect(capture.all.contains { $0.level == .info && $0.metadata["stream"] == "MZ3" })
        #expect(!capture.all.isEmpty)
        #expect(capture.all.allSatisfy { !$0.line.contains(ReceiverHarness.signingKey) })
    }

    @Test func callbackSignedWithAnotherKeyIsRefused() async throws {
        try await ReceiverHarness.run { h async throws in
            let answer = try await h.post(CallbackSample.fields("MZ1"), key: "PSKsomeone-else")
            #expect(answer.status == 403)
            #expect(try await h.ledger.stream(sid: "MZ1") == nil)
            #expect(h.events.all.isEmpty)
        }
    }

    @Test func twilioSignatureHeaderIsAccepted() async throws {
        try await ReceiverHarness.run { h async throws in
            let answer = try await h.post(CallbackSample.fields("MZ1"), header: WebhookSignature.twilioHeaderName)
            #expect(answer.status == 204)
            #expect(try await h.status("MZ1") == .inProgress)
        }
    }

    @Test func getCallbackIsVerifiedOverItsQuery() async throws {
        try await ReceiverHarness.run { h async throws in
            try await h.recordQueued("MZ1")
            #expect(try await h.get(CallbackSample.fields("MZ1", "stream-started")).status == 204)
            #expect(try await h.get(CallbackSample.fields("MZ1", "stream-stopped")).status == 204)
            #expect(try await h.status("MZ1") == .stopped)
            #expect(try await h.get(CallbackSample.fields("MZ2"), key: nil).status == 403)
            #expect(try await h.ledger.stream(sid: "MZ2") == nil)
            #expect(h.events.all.map(\.state) == [.inProgress, .stopped])
        }
    }

    @Test func publicURLIsWhatTheSignatureCovers() async throws {
        let publicURL = "https://ops.example.com/confdash/streams"
        try await ReceiverHarness.run(publicURL: publicURL) { h async throws in
            #expect(await h.receiver.callbackURL == publicURL)
            // The service signed the URL it called; the request arrives on loopback through a proxy.
            #expect(try await h.post(CallbackSample.fields("MZ1"), signedURL: publicURL).status == 204)
            #expect(try await h.get(CallbackSample.fields("MZ2"), signedBase: publicURL).status == 204)
            // Validators accept the default port written out, as some senders sign it.
            let withPort = "https://ops.example.com:443/confdash/streams"
            #expect(try await h.post(CallbackSample.fields("MZ3"), signedURL: withPort).status == 204)
            // A signature over the loopback URL is not one the service could have made.
            #expect(try await h.post(CallbackSample.fields("MZ4"), signedURL: h.ownURL).status == 403)
            #expect(try await h.status("MZ1") == .inProgress)
            #expect(try await h.status("MZ2") == .inProgress)
            #expect(try await h.ledger.stream(sid: "MZ4") == nil)
        }
    }

    @Test func otherPathsAreNotFound() async throws {
        try await ReceiverHarness.run { h async throws in
            let answer = try await h.post(
                CallbackSample.fields("MZ1"), signedURL: "http://127.0.0.1:\(h.port)/other", path: "/other")
            #expect(answer.status == 404)
            #expect(try await h.ledger.stream(sid: "MZ1") == nil)
        }
    }

    @Test func signedCallbackWithoutAStreamSidIsABadRequest() async throws {
        try await ReceiverHarness.run { h async throws in
            let fields = CallbackSample.fields("MZ1").filter { $0.0 != "StreamSid" }
            let answer = try await h.post(fields)
            #expect(answer.status == 400)
            #expect(answer.body.contains("StreamSid"))
            #expect(h.events.all.isEmpty)
        }
    }

    @Test func bodyOver64KiBIsRefused() async throws {
        try await ReceiverHarness.run { h async throws in
            var fields = CallbackSample.fields("MZ1")
            fields.append(("Padding", String(repeating: "x", count: 70 * 1024)))
            let answer = try await h.post(fields)
            #expect(answer.status == 413)
            #expect(try await h.ledger.stream(sid: "MZ1") == nil)
        }
    }

    @Test func repeatedCallbackIsAcknowledgedAndChangesNothing() async throws {
        try await ReceiverHarness.run { h async throws in
            let fields = CallbackSample.fields("MZ1", "stream-stopped")
            #expect(try await h.post(fields).status == 204)
            #expect(try await h.post(fields).status == 204)
            #expect(h.events.all.map(\.outcome) == [.learned(.stopped), .ignored(current: .stopped)])
            #expect(h.events.all.map(\.changedLedger) == [true, false])
        }
    }

    @Test func callbackURLNamesTheBoundPort() async throws {
        try await ReceiverHarness.run { h async throws in
            #expect(h.port > 0)
            #expect(await h.receiver.port == h.port)
            #expect(await h.receiver.callbackURL == "http://127.0.0.1:\(h.port)/streams/callback")
            // Starting again while running keeps the same server.
            #expect(try await h.receiver.start() == h.port)
        }
    }

    @Test func settingsNeverShowTheSigningKey() {
        let settings = CallbackReceiverSettings(signingKey: "PSKsecret-value", publicURL: "https://ops.example.com/s")
        var dumped = ""
        dump(settings, to: &dumped)
        for rendering in ["\(settings)", String(reflecting: settings), dumped] {
            #expect(!rendering.contains("PSKsecret-value"))
            #expect(rendering.contains("redacted"))
        }
    }

    @Test func receiverRefusesToStartWithoutAKeyOrWithABadPublicURL() async throws {
        let ledger = try StreamLedger(
            path: FileManager.default.temporaryDirectory.appendingPathComponent("receiver-\(UUID().uuidString)")
                .appendingPathComponent(StreamLedger.fileName))
        defer { try? FileManager.default.removeItem(at: ledger.path.deletingLastPathComponent()) }
        let keyless = CallbackServer(
            settings: CallbackReceiverSettings(signingKey: ""), ledger: ledger, logger: ReceiverHarness.quiet)
        await #expect(throws: CallbackReceiverError.missingSigningKey) { try await keyless.start() }
        let relative = CallbackServer(
            settings: CallbackReceiverSettings(signingKey: "k", publicURL: "/streams"), ledger: ledger,
            logger: ReceiverHarness.quiet)
        await #expect(throws: CallbackReceiverError.invalidPublicURL("/streams")) { try await relative.start() }
        #expect(await relative.port == nil)
    }
}
