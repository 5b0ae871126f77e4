import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// Streams move queued → in-progress → stopped on the injected clock, in virtual time.
@Suite struct StreamLifecycleTests {
    @Test func streamGoesQueuedThenInProgressThenStopped() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(streamStartDelay: .milliseconds(1500)), clock: clock) { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            let started = try await api.postForm(path, [("Url", "wss://media.example.com/ws")])
            let sid = try #require(started.object["sid"] as? String)
            #expect(started.object["status"] as? String == "queued")
            #expect(started.object["name"] is NSNull)

            await clock.advance(by: .milliseconds(1000))
            #expect(await api.world.stream(sid: sid)?.status == "queued")

            await clock.advance(by: .milliseconds(600))
            #expect(await eventually { await api.world.stream(sid: sid)?.status == "in-progress" })

            let stopped = try await api.postForm("\(path)/\(sid)", [("Status", "stopped")])
            #expect(stopped.status == 200)
            #expect(stopped.object["status"] as? String == "stopped")
            #expect(await api.world.stream(sid: sid)?.status == "stopped")

            // Stopping again is not an error: the stream is simply reported as it is.
            let again = try await api.postForm("\(path)/\(sid)", [("Status", "stopped")])
            #expect(again.status == 200)
            #expect(again.object["status"] as? String == "stopped")

            let wrongStatus = try await api.postForm("\(path)/\(sid)", [("Status", "paused")])
            #expect(wrongStatus.status == 422)
            await expectMatchesSpec(wrongStatus.body, schema: "CompatibilityErrorStringArrayResponse")
        }
    }

    @Test func streamStoppedWhileQueuedNeverStarts() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            let sid = try #require(
                try await api.postForm(path, [("Url", "wss://media.example.com/ws")]).object["sid"] as? String)
            // Started with it and left alone: shows the same 5 s are enough for a stream to start.
            let other = try #require(
                try await api.postForm(path, [("Url", "wss://media.example.com/other")]).object["sid"] as? String)
            #expect(try await api.postForm("\(path)/\(sid)", [("Status", "stopped")]).status == 200)
            await clock.advance(by: .seconds(5))
            // Every start scheduled on the clock has run or been called off: the world has done
            // all the starting it will do, so what it shows now is final.
            #expect(await eventually { await api.world.scheduledStreamStarts == 0 })
            #expect(await api.world.stream(sid: other)?.status == "in-progress")
            #expect(await api.world.stream(sid: sid)?.status == "stopped")
        }
    }

    @Test func endingAConferenceStopsItsStreams() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(clock: clock) { api in
            let conference = await api.liveConference()
            let path = "\(api.laml)/Conferences/\(conference.sid)"
            var sids: [String] = []
            for name in ["a", "b"] {
                let started = try await api.postForm(
                    "\(path)/Streams", [("Url", "wss://media.example.com/\(name)"), ("Name", name)])
                sids.append(try #require(started.object["sid"] as? String))
            }
            await clock.advance(by: .seconds(2))
            #expect(
                await eventually {
                    await api.world.streams(conferenceSid: conference.sid)?.allSatisfy { $0.status == "in-progress" }
                        == true
                })

            #expect(try await api.postForm(path, [("Status", "completed")]).status == 200)
            let streams = try #require(await api.world.streams(conferenceSid: conference.sid))
            #expect(streams.map(\.status) == ["stopped", "stopped"])
            #expect(streams.map(\.sid) == sids)
        }
    }

    @Test func churnChangesTheWorldOnlyAsTheClockMoves() async throws {
        let clock = TestClock<Duration>()
        let configuration = EmulatorConfiguration(conferences: 6, churn: true, churnInterval: .seconds(2))
        try await withEmulator(configuration, clock: clock) { api in
            let before = await api.world.summaries()
            // Churn steps at fixed deadlines on the clock (2 s, 4 s, ...): none is due while the
            // clock has not moved, nor just short of the first, whatever real time passes.
            #expect(await api.world.summaries() == before)
            await clock.advance(by: .milliseconds(1999))
            #expect(await api.world.summaries() == before)
            await clock.advance(by: .milliseconds(1))
            for _ in 1..<20 { await clock.advance(by: .seconds(2)) }
            #expect(await eventually { await api.world.summaries() != before })
        }
    }

    /// A demo left running all day: 20,000 churn steps (11 hours at the demo's pace) leave the
    /// world near the size it started at, neither growing without bound nor emptying.
    @Test func churnKeepsTheWorldNearItsStartingSize() async throws {
        try await withEmulator(EmulatorConfiguration(seed: 9, conferences: 60)) { api in
            let start = await api.world.summaries()
            let startLive = start.filter { $0.status != "completed" }.count
            var most = 0
            var fewestLive = Int.max
            for step in 1...20_000 {
                await api.world.churnStep()
                if step % 500 == 0 {
                    let now = await api.world.summaries()
                    most = max(most, now.count)
                    fewestLive = min(fewestLive, now.filter { $0.status != "completed" }.count)
                }
            }
            let live = await api.world.summaries().filter { $0.status != "completed" }.count
            #expect(live > startLive / 2 && live < startLive * 2, "live \(startLive) -> \(live)")
            #expect(fewestLive > 0)
            // Live conferences plus at most 50 completed ones kept (the seeded world has fewer).
            #expect(most <= startLive * 2 + 50, "the world grew to \(most)")
        }
    }

    @Test func theSameSeedGrowsTheSameWorld() async throws {
        let configuration = EmulatorConfiguration(seed: 42, conferences: 20)
        let one = try await EmulatorServer.start(configuration)
        let two = try await EmulatorServer.start(configuration)
        let a = await one.world.summaries()
        let b = await two.world.summaries()
        await one.stop()
        await two.stop()
        #expect(a.map(\.sid) == b.map(\.sid))
        #expect(a.map(\.friendlyName) == b.map(\.friendlyName))
        #expect(Set(a.map(\.status)) == ["in-progress", "init", "completed"])
        let other = try await EmulatorServer.start(EmulatorConfiguration(seed: 43, conferences: 20))
        let c = await other.world.summaries()
        await other.stop()
        #expect(a.map(\.sid) != c.map(\.sid))
    }
}
