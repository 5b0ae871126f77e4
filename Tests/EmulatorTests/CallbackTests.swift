import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// Stream status callbacks arrive in order, carry the documented fields and are signed with
/// the project's signing key.
@Suite struct CallbackTests {
    @Test func signedCallbacksArriveInOrder() async throws {
        let receiver = try await CallbackReceiver.start()
        let clock = TestClock<Duration>()
        do {
            try await withEmulator(clock: clock) { api in
                let conference = await api.liveConference()
                let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
                let started = try await api.postForm(
                    path,
                    [
                        ("Url", "wss://media.example.com/ws"), ("Name", "recorder"), ("StatusCallback", receiver.url),
                        ("AuthorizationBearerToken", "very-secret"),
                    ])
                let sid = try #require(started.object["sid"] as? String)
                await clock.advance(by: .seconds(2))
                #expect(await eventually { await receiver.received.count == 1 })
                #expect(try await api.postForm("\(path)/\(sid)", [("Status", "stopped")]).status == 200)
                #expect(await eventually { await receiver.received.count == 2 })

                let received = await receiver.received
                #expect(received.map { $0.field("StreamEvent") } == ["stream-started", "stream-stopped"])
                // Delivered callbacks leave nothing behind: a demo runs for hours.
                #expect(await eventually { await api.server.callbackStreamsUnderWay == 0 })
                for callback in received {
                    #expect(callback.method == "POST")
                    #expect(callback.field("AccountSid") == api.account)
                    #expect(callback.field("ConferenceSid") == conference.sid)
                    #expect(callback.field("StreamSid") == sid)
                    #expect(callback.field("StreamName") == "recorder")
                    #expect(callback.field("StreamTrack") == "both_tracks")
                    #expect(callback.field("CallSid") == "")
                    #expect(callback.field("StreamError") == nil)
                    #expect(callback.field("Unique-ID")?.isEmpty == false)
                    #expect(
                        callback.field("Timestamp").flatMap {
                            try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0)
                        } != nil)
                    #expect(!callback.body.contains("very-secret"))
                    let signature = try #require(callback.signature)
                    #expect(
                        WebhookSignature.verify(
                            signature: signature, url: receiver.url, parameters: callback.fields,
                            key: EmulatorConfiguration.demoSigningKey))
                    #expect(
                        !WebhookSignature.verify(
                            signature: signature, url: receiver.url, parameters: callback.fields,
                            key: "PSKsomebody-else"))
                }
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func getCallbacksCarryTheFieldsInTheSignedQuery() async throws {
        let receiver = try await CallbackReceiver.start()
        let clock = TestClock<Duration>()
        do {
            try await withEmulator(clock: clock) { api in
                let conference = await api.liveConference()
                let started = try await api.postForm(
                    "\(api.laml)/Conferences/\(conference.sid)/Streams",
                    [
                        ("Url", "wss://media.example.com/ws"), ("StatusCallback", receiver.url),
                        ("StatusCallbackMethod", "GET"), ("Track", "inbound_track"),
                    ])
                let sid = try #require(started.object["sid"] as? String)
                await clock.advance(by: .seconds(2))
                #expect(await eventually { await receiver.received.count == 1 })
                let callback = try #require(await receiver.received.first)
                #expect(callback.method == "GET")
                #expect(callback.field("StreamEvent") == "stream-started")
                // No Name given: the stream's name is its sid.
                #expect(callback.field("StreamName") == sid)
                #expect(callback.field("StreamTrack") == "inbound_track")
                let fullURL = "http://127.0.0.1:\(receiver.port)\(callback.path)?\(callback.query ?? "")"
                #expect(
                    WebhookSignature.verify(
                        signature: callback.signature ?? "", url: fullURL, parameters: [],
                        key: EmulatorConfiguration.demoSigningKey))
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    @Test func refusedConnectionReportsStreamErrorAndStops() async throws {
        let receiver = try await CallbackReceiver.start()
        let clock = TestClock<Duration>()
        do {
            try await withEmulator(clock: clock) { api in
                let conference = await api.liveConference()
                let started = try await api.postForm(
                    "\(api.laml)/Conferences/\(conference.sid)/Streams",
                    [("Url", "wss://refused.invalid/ws"), ("StatusCallback", receiver.url), ("Name", "doomed")])
                let sid = try #require(started.object["sid"] as? String)
                #expect(started.object["status"] as? String == "queued")
                await clock.advance(by: .seconds(2))
                #expect(await eventually { await receiver.received.count == 1 })
                let callback = try #require(await receiver.received.first)
                #expect(callback.field("StreamEvent") == "stream-error")
                #expect(callback.field("StreamError") == "connection_refused")
                #expect(await api.world.stream(sid: sid)?.status == "stopped")
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}
