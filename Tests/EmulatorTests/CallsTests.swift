import Clocks
import CompatAPI
import Emulator
import Foundation
import Testing

/// Calls: one for every participant, listed with the spec's filters and paging, durations that
/// grow with the clock, quality that drifts, identities that a seed fixes.
/// Serialized: beside the other suites' emulators on two cores, thirty more tests at once
/// held the fault tests' virtual-clock requests past their clients' 30 s deadline.
@Suite(.serialized) struct CallsTests {
    @Test func everyLiveParticipantHasAnInProgressCall() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 20)) { api in
            let list = try await api.send("GET", "\(api.laml)/Calls?Status=in-progress&PageSize=1000")
            #expect(list.status == 200)
            await expectMatchesSpec(list.body, schema: "CallListResponse")
            let calls = list.object["calls"] as? [[String: Any]] ?? []
            #expect(calls.allSatisfy { $0["status"] as? String == "in-progress" })
            let listed = Set(calls.compactMap { $0["sid"] as? String })
            var live: Set<String> = []
            for summary in await api.world.summaries() where summary.status != "completed" {
                for participant in await api.world.participants(conferenceSid: summary.sid) {
                    live.insert(participant.callSid)
                }
            }
            #expect(!live.isEmpty)
            #expect(listed == live)

            // Numbers and SIP addresses, both directions, some caller names, and a few poor calls.
            let all = await api.world.calls()
            #expect(all.contains { $0.from.hasPrefix("+") } && all.contains { $0.to.hasPrefix("sip:") || $0.from.hasPrefix("sip:") })
            #expect(Set(all.map(\.direction)) == [.inbound, .outbound])
            #expect(all.contains { $0.callerName != nil })
            #expect(all.contains { $0.isPoorQuality } && all.contains { !$0.isPoorQuality })
            #expect(all.allSatisfy { $0.quality.mos.map { (1...5).contains($0) } ?? false })
            let formatted = try #require(all.first { $0.from.hasPrefix("+1") })
            #expect(formatted.fromFormatted.hasPrefix("("))

            // The admin surface lists and shows them as the API does, without credentials.
            let admin = try await Emulated.send("GET", api.server.adminURL + "/calls")
            #expect(admin.array.count == all.count)
            let one = try await Emulated.send("GET", api.server.adminURL + "/calls/\(formatted.sid)")
            #expect(one.object["from"] as? String == formatted.from)
            #expect(try await Emulated.send("GET", api.server.adminURL + "/calls/nobody").status == 404)
        }
    }

    @Test func durationsGrowAndQualityDriftsWithTheClock() async throws {
        let clock = TestClock<Duration>()
        try await withEmulator(EmulatorConfiguration(conferences: 6), clock: clock) { api in
            let conference = await api.liveConference(participants: 3)
            let sid = try #require(await api.world.participants(conferenceSid: conference.sid).first?.callSid)
            let first = try #require(await api.world.call(sid: sid))
            await clock.advance(by: .seconds(95))
            let later = try await api.send("GET", "\(api.laml)/Calls/\(sid)")
            #expect(later.status == 200)
            await expectMatchesSpec(later.body, schema: "CallResponse")
            #expect(later.object["duration"] as? Int == (first.duration ?? 0) + 95)
            let again = try #require(await api.world.call(sid: sid))
            #expect(again.quality.mos != first.quality.mos || again.quality.jitterAvg != first.quality.jitterAvg)
            #expect(again.quality.seconds == (first.quality.seconds ?? 0) + 95)
            #expect(again.from == first.from && again.to == first.to && again.callerName == first.callerName)
        }
    }

    @Test func aParticipantWhoLeavesHasACompletedCall() async throws {
        try await withEmulator { api in
            let conference = await api.liveConference(participants: 3)
            let callSid = try #require(await api.world.participants(conferenceSid: conference.sid).last?.callSid)
            #expect(try await api.send("DELETE", "\(api.laml)/Conferences/\(conference.sid)/Participants/\(callSid)").status == 204)
            let fetched = try await api.send("GET", "\(api.laml)/Calls/\(callSid)")
            #expect(fetched.status == 200)
            #expect(fetched.object["status"] as? String == "completed")
            #expect(fetched.object["end_time"] as? String != nil)
            await expectMatchesSpec(fetched.body, schema: "CallResponse")
            let completed = try await api.send("GET", "\(api.laml)/Calls?Status=completed&PageSize=1000")
            let sids = (completed.object["calls"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            #expect(sids.contains(callSid))
            let live = try await api.send("GET", "\(api.laml)/Calls?Status=in-progress&PageSize=1000")
            #expect(!(live.object["calls"] as? [[String: Any]] ?? []).contains { $0["sid"] as? String == callSid })
        }
    }

    @Test func filtersAndPagingFollowTheSpec() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 20)) { api in
            let calls = await api.world.calls().filter { $0.status == .inProgress }
            let sample = try #require(calls.first)
            let from = try await api.send("GET", "\(api.laml)/Calls?From=\(FormEncoding.escape(sample.from))")
            let fromAll = from.object["calls"] as? [[String: Any]] ?? []
            #expect(!fromAll.isEmpty && fromAll.allSatisfy { $0["from"] as? String == sample.from })
            let to = try await api.send("GET", "\(api.laml)/Calls?To=\(FormEncoding.escape(sample.to))&Status=in-progress")
            let toAll = to.object["calls"] as? [[String: Any]] ?? []
            #expect(toAll.contains { $0["sid"] as? String == sample.sid })
            #expect(toAll.allSatisfy { $0["to"] as? String == sample.to })

            // Follow next_page_uri verbatim: the filter rides along, nothing repeats or goes missing.
            var next: String? = "\(api.laml)/Calls?Status=in-progress&PageSize=7"
            var seen: [String] = []
            var pages = 0
            while let path = next {
                let page = try await api.send("GET", path)
                #expect(page.status == 200)
                seen += (page.object["calls"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
                next = page.object["next_page_uri"] as? String
                pages += 1
                if let next { #expect(next.contains("Status=in-progress") && next.contains("PageToken=PA")) }
            }
            #expect(pages == (calls.count + 6) / 7)
            #expect(seen == calls.map(\.sid))

            let today = SDKRequestTests.utcDay(Date())
            let started = try await api.send("GET", "\(api.laml)/Calls?StartTime%3C=\(today)&PageSize=1000")
            let total = await api.world.calls().count
            #expect((started.object["calls"] as? [Any])?.count == total)
            let rfc = FormEncoding.escape("Tue, 25 Sep 2001 20:00:00 +0000")
            let none = try await api.send("GET", "\(api.laml)/Calls?StartTime%3C=\(rfc)")
            #expect((none.object["calls"] as? [Any])?.isEmpty == true)

            for bad in ["Status=talking", "StartTime=yesterday", "PageSize=0", "From="] {
                let refused = try await api.send("GET", "\(api.laml)/Calls?\(bad)")
                #expect(refused.status == 400, "\(bad)")
                #expect(refused.object["code"] as? Int == 10000)
                #expect(refused.object["more_info"] as? String != nil)
            }
            let missing = try await api.send("GET", "\(api.laml)/Calls/\(UUID().uuidString.lowercased())")
            #expect(missing.status == 404)
            #expect(missing.object["code"] as? Int == 20404)
            await expectMatchesSpec(missing.body, schema: "CompatibilityErrorResponse")
        }
    }

    @Test func theSameSeedGivesTheSameCallers() async throws {
        func identities(_ seed: UInt64) async throws -> [String] {
            var result: [String] = []
            try await withEmulator(EmulatorConfiguration(seed: seed, conferences: 10)) { api in
                result = await api.world.calls().map {
                    "\($0.sid) \($0.from) \($0.to) \($0.direction) \($0.callerName ?? "-") \($0.isPoorQuality)"
                }
            }
            return result
        }
        let first = try await identities(7)
        #expect(!first.isEmpty)
        #expect(try await identities(7) == first)
        #expect(try await identities(8) != first)
    }
}
