import AsyncHTTPClient
import CallbackReceiver
import CompatAPI
import Emulator
import Foundation
import GRDB
import Ledger
import Logging
import NIOCore
import ReceiverService
import Testing

/// The team receiver over real HTTP on loopback, against a real ledger file: the emulator's
/// signed callbacks land for the profile they were signed for; forged, replayed and malformed
/// ones are refused and counted; a store held by another connection is a 503 the sender can
/// retry; a shutdown answers the callback under way.
@Suite struct ReceiverServiceTests {
    typealias H = ReceiverServiceHarness

    @Test(arguments: [CallbackMethod.post, .get])
    func emulatorCallbacksForProfileALandInTheStore(method: CallbackMethod) async throws {
        let configuration = EmulatorConfiguration(
            conferences: 0, signingKey: H.keyA, streamStartDelay: .milliseconds(50))
        try await H.run { h async throws in
            // The emulator stops inside the receiver's lifetime: its callback client closes its
            // connections before the receiver shuts down.
            let server = try await EmulatorServer.start(configuration, logger: H.quiet)
            let client = CompatClient(
                endpoint: try Endpoint(server.baseURL),
                credentials: Credentials(projectID: configuration.accountSid, apiToken: configuration.apiToken),
                logger: H.quiet)
            let outcome: Result<Void, any Error>
            do {
                let conference = await server.world.createConference(friendlyName: "Team bridge", participants: 2)
                let stream = try await client.startStream(
                    conference: conference.sid,
                    StartStreamRequest(
                        url: "wss://media.example.com/listen", name: "team", statusCallback: h.url("a"),
                        statusCallbackMethod: method))
                // Nothing recorded the start: the stream is in the store only through its callbacks.
                try #require(try await waitUntil { try await h.ledger.stream(sid: stream.sid)?.status == .inProgress })
                _ = try await client.stopStream(conference: conference.sid, stream: stream.sid)
                try #require(try await waitUntil { try await h.ledger.stream(sid: stream.sid)?.status == .stopped })

                let history = try await h.ledger.events(sid: stream.sid)
                #expect(history.map(\.status) == [.inProgress, .stopped])
                #expect(history.allSatisfy { $0.source == .callback })
                #expect(try await h.ledger.stream(sid: stream.sid)?.conferenceSid == conference.sid)
                #expect(try await h.accepted("a") == 2)
                #expect(try await h.accepted("a", .conference) == 0)
                #expect(try await h.accepted("b") == 0)
                #expect(try await h.rejections().values.allSatisfy { $0 == 0 })
                #expect(try await h.metric("confdash_receiver_store_write_seconds_count", ["result": "ok"]) == 2)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await client.shutdown()
            await server.stop()
            try outcome.get()
        }
    }

    @Test func forgedReplayedAndMalformedCallbacksAreRefusedAndCounted() async throws {
        let log = try JSONLogFile()
        try await H.run(logger: log.logger) { h async throws in
            // Signed with a key this receiver does not hold, and not signed at all.
            #expect(try await h.post(Sample.fields("MZ1"), to: "a", key: "PSKforged-0000").status == 403)
            #expect(try await h.post(Sample.fields("MZ2"), to: "a", unsigned: true).status == 403)
            // Genuine callbacks, replayed to the other profile's URL.
            #expect(try await h.post(Sample.fields("MZ3"), to: "b", signedFor: ("a", .stream)).status == 403)
            #expect(try await h.post(Sample.fields("MZ4"), to: "a", signedFor: ("b", .stream)).status == 403)
            // Signed for the right URL, then one field changed on the way.
            let signed = Sample.fields("MZ5")
            var tampered = h.request(signed, to: "a", signedURL: h.url("a"), key: H.keyA)
            tampered.body = .bytes(
                ByteBuffer(string: FormEncoding.encode(signed.map { $0.0 == "StreamEvent" ? ($0.0, "stream-stopped") : $0 })))
            #expect(try await h.send(tampered).status == 403)
            // Genuinely signed, but not a callback: no StreamSid.
            let malformed = try await h.post(Sample.fields("MZ6").filter { $0.0 != "StreamSid" }, to: "a")
            #expect(malformed.status == 400)
            #expect(malformed.body.contains("StreamSid"))
            // A profile this receiver does not serve.
            let unknown = try await h.send(h.request(Sample.fields("MZ7"), to: "nobody", signedURL: h.url("nobody"), key: H.keyA))
            #expect(unknown.status == 404)

            #expect(try await h.ledger.streams().isEmpty)
            #expect(
                try await h.rejections() == [
                    "bad_signature": 3, "wrong_url": 2, "malformed": 1, "unknown_profile": 1, "store_unavailable": 0,
                ])
            #expect(try await h.accepted("a") == 0)

            // The genuine one is taken, and answered only once stored.
            #expect(try await h.post(Sample.fields("MZ8"), to: "a").status == 204)
            #expect(try await h.ledger.stream(sid: "MZ8")?.status == .inProgress)
        }
        let lines = try log.lines()
        #expect(lines.count >= 8)
        let refusals = lines.filter { $0["level"] as? String == "warning" }
        #expect(refusals.count == 7)
        let replayed = refusals.filter { ($0["metadata"] as? [String: String])?["signed_for"] != nil }
        #expect(replayed.compactMap { ($0["metadata"] as? [String: String])?["signed_for"] }.sorted() == ["a", "b"])
        #expect(!log.text.contains(H.keyA) && !log.text.contains(H.keyB))
    }

    @Test func storeHeldByAnotherConnectionIs503UntilReleasedThenTheRetryIsStored() async throws {
        try await H.run { h async throws in
            // Another process's connection holds the write lock past the ledger's busy timeout.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let holder = try DatabaseQueue(path: h.ledgerFile.path, configuration: configuration)
            try await holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
            let request = h.request(Sample.fields("MZ1"), to: "a", signedURL: h.url("a"), key: H.keyA)

            let refused = try await h.send(request)
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "5")
            #expect(try await h.ledger.stream(sid: "MZ1") == nil)
            #expect(try await h.metric("confdash_receiver_callbacks_rejected_total", ["reason": "store_unavailable"]) == 1)
            #expect(try await h.metric("confdash_receiver_store_write_seconds_count", ["result": "failed"]) == 1)
            #expect(try await h.accepted("a") == 0)

            try await holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
            try holder.close()
            // The sender's retry: the same request, byte for byte.
            #expect(try await h.send(request).status == 204)
            #expect(try await h.ledger.stream(sid: "MZ1")?.status == .inProgress)
            #expect(try await h.accepted("a") == 1)
            #expect(try await h.metric("confdash_receiver_store_write_seconds_count", ["result": "ok"]) == 1)
        }
    }

    @Test func healthzAndMetricsAnswer() async throws {
        try await H.run { h async throws in
            let health = try await h.get(ReceiverService.healthPath)
            #expect(health.status == 200)
            #expect(health.headers["content-type"] == "application/json")
            let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: String]
            #expect(json == ["status": "ok", "store": "reachable"])

            let metrics = try await h.get(ReceiverService.metricsPath)
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.body.contains("# TYPE confdash_receiver_callbacks_accepted_total counter"))
            #expect(metrics.body.contains("# TYPE confdash_receiver_store_write_seconds histogram"))
            #expect(H.metric("confdash_receiver_requests_in_flight", [:], in: metrics.body) == 0)
            #expect(!metrics.body.contains(H.keyA) && !metrics.body.contains(H.keyB))

            #expect(try await h.get("/elsewhere").status == 404)
            var post = HTTPClientRequest(url: "http://127.0.0.1:\(h.port)\(ReceiverService.healthPath)")
            post.method = .POST
            #expect(try await h.send(post).status == 405)
        }
    }

    @Test func gracefulShutdownAnswersTheCallbackUnderWay() async throws {
        try await H.run { h async throws in
            let fields = Sample.fields("MZ1")
            let body = FormEncoding.encode(fields)
            let signature = WebhookSignature.compute(url: h.url("a"), parameters: fields, key: H.keyA)
            let head =
                "POST \(h.path("a")) HTTP/1.1\r\nHost: 127.0.0.1:\(h.port)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
                + "\(WebhookSignature.headerName): \(signature)\r\n\r\n"
            let split = body.index(body.startIndex, offsetBy: body.count / 2)
            let connection = try RawConnection(port: h.port)
            try connection.send(head + body[..<split])
            // The callback is under way: its head is in, half its body is not.
            try #require(try await waitUntil { try await h.metric("confdash_receiver_requests_in_flight") == 1 })

            await h.group.triggerGracefulShutdown()
            try connection.send(String(body[split...]))
            let answer = await connection.readUntilClosed()
            #expect(answer.hasPrefix("HTTP/1.1 204"), "\(answer)")
            #expect(try await h.ledger.stream(sid: "MZ1")?.status == .inProgress)
        }
    }

    @Test func routesAreCheckedAndTheirURLsDerived() throws {
        let store = try TemporaryStore()
        defer { store.remove() }
        let base = ReceiverConfiguration(
            port: 8088, publicBase: "https://ops.example.com/confdash/",
            profiles: [
                ReceiverProfile(name: "prod", signingKey: H.keyA),
                ReceiverProfile(
                    name: "eu west", signingKey: H.keyB, publicURL: "https://eu.example.com/hooks?token=x"),
            ])
        let service = try ReceiverService(configuration: base, store: store.ledger, logger: H.quiet)
        let urls = service.callbackURLs(port: 8088)
        let streams = urls.filter { $0.kind == .stream }
        #expect(streams.map(\.path) == ["/p/prod/streams/callback", "/p/eu%20west/streams/callback"])
        #expect(streams.map(\.url) == ["https://ops.example.com/confdash/p/prod/streams/callback", "https://eu.example.com/hooks"])
        // Each profile's conference events beside its stream callbacks; a profile URL that says
        // nothing of where they go leaves them at the public base.
        let conferences = urls.filter { $0.kind == .conference }
        #expect(conferences.map(\.path) == ["/p/prod/conferences/events", "/p/eu%20west/conferences/events"])
        #expect(
            conferences.map(\.url) == [
                "https://ops.example.com/confdash/p/prod/conferences/events",
                "https://ops.example.com/confdash/p/eu%20west/conferences/events",
            ])
        #expect(urls.map(\.profile) == ["prod", "prod", "eu west", "eu west"])

        // Behind a proxy with no public base: the conference URL is the stream URL's sibling, or
        // the profile's own.
        let proxied = try ReceiverService(
            configuration: ReceiverConfiguration(
                profiles: [
                    ReceiverProfile(
                        name: "prod", signingKey: H.keyA,
                        publicURL: "https://hooks.example.com/team/p/prod/streams/callback?token=x"),
                    ReceiverProfile(
                        name: "lab", signingKey: H.keyB, publicURL: "https://lab.example.com/streams",
                        conferenceEventsURL: "https://lab.example.com/conferences"),
                    ReceiverProfile(name: "bare", signingKey: H.keyB, publicURL: "https://bare.example.com/streams"),
                ]),
            store: store.ledger, logger: H.quiet)
        #expect(
            proxied.callbackURLs(port: 8088).filter { $0.kind == .conference }.map(\.url) == [
                "https://hooks.example.com/team/p/prod/conferences/events", "https://lab.example.com/conferences",
                "http://127.0.0.1:8088/p/bare/conferences/events",
            ])

        let own = try ReceiverService(
            configuration: ReceiverConfiguration(port: 0, profiles: [ReceiverProfile(name: "a", signingKey: H.keyA)]),
            store: store.ledger, logger: H.quiet)
        #expect(
            own.callbackURLs(port: 41234).map(\.url) == [
                "http://127.0.0.1:41234/p/a/streams/callback", "http://127.0.0.1:41234/p/a/conferences/events",
            ])

        #expect(throws: ReceiverConfigurationError.noProfiles) {
            try ReceiverService(
                configuration: ReceiverConfiguration(profiles: []), store: store.ledger, logger: H.quiet)
        }
        #expect(throws: ReceiverConfigurationError.self) {
            try ReceiverService(
                configuration: ReceiverConfiguration(
                    profiles: [ReceiverProfile(name: "a", signingKey: H.keyA, publicURL: "ops.example.com/hooks")]),
                store: store.ledger, logger: H.quiet)
        }
        #expect(throws: ReceiverConfigurationError.self) {
            try ReceiverService(
                configuration: ReceiverConfiguration(
                    profiles: [
                        ReceiverProfile(name: "a", signingKey: H.keyA, conferenceEventsURL: "https://ops.example.com/x#y")
                    ]),
                store: store.ledger, logger: H.quiet)
        }
        // The key shows in no rendering of the configuration.
        for text in ["\(base)", String(reflecting: base), "\(base.profiles)"] {
            #expect(!text.contains(H.keyA) && !text.contains(H.keyB))
        }
        var dumped = ""
        dump(base, to: &dumped)
        #expect(!dumped.contains(H.keyA) && !dumped.contains(H.keyB))
    }
}

/// A ledger in a directory of its own.
struct TemporaryStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("team-store-\(UUID().uuidString)")
    let ledger: StreamLedger

    init() throws {
        ledger = try StreamLedger(path: directory.appendingPathComponent(StreamLedger.fileName))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
