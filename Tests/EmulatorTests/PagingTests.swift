import CompatAPI
import Emulator
import Foundation
import Testing

/// Paging as clients do it: follow `next_page_uri` verbatim until it is null.
@Suite struct PagingTests {
    @Test func pagingFollowsNextPageUriAcrossTwoAndAHalfThousandConferences() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 0)) { api in
            let seeded = try await Emulated.send(
                "POST", api.server.adminURL + "/seed", headers: [("Content-Type", "application/json")],
                body: #"{"conferences": 2500}"#)
            #expect(seeded.status == 200)
            #expect(seeded.object["total"] as? Int == 2500)

            var next: String? = "\(api.laml)/Conferences.json?PageSize=1000"
            var seen: [String] = []
            var pages = 0
            while let uri = next {
                let page = try await api.send("GET", uri)
                #expect(page.status == 200, "\(uri): \(page.body.prefix(300))")
                if pages == 0 { await expectMatchesSpec(page.body, schema: "ConferenceListResponse") }
                let object = page.object
                #expect(object["page"] as? Int == pages)
                #expect(object["page_size"] as? Int == 1000)
                seen += (object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
                next = object["next_page_uri"] as? String
                pages += 1
                if pages > 5 { break }
            }
            #expect(pages == 3)
            #expect(seen.count == 2500)
            #expect(Set(seen).count == 2500)
        }
    }

    @Test func conferencesStartedWhilePagingNeitherRepeatNorShiftPages() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { api in
            let first = try await api.send("GET", "\(api.laml)/Conferences?PageSize=10")
            var seen = (first.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            var next = first.object["next_page_uri"] as? String
            // Churn puts new conferences at the front while the client is on page 0.
            for _ in 0..<7 { await api.world.createConference(participants: 2) }
            while let uri = next {
                let page = try await api.send("GET", uri)
                seen += (page.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
                next = page.object["next_page_uri"] as? String
            }
            #expect(seen.count == 30)
            #expect(Set(seen).count == 30)
        }
    }

    @Test func pageLinksGoBackAndForth() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 25)) { api in
            let first = try await api.send("GET", "\(api.laml)/Conferences?PageSize=10")
            #expect(first.object["previous_page_uri"] is NSNull)
            #expect(
                first.object["first_page_uri"] as? String
                    == "/api/laml/2010-04-01/Accounts/\(api.account)/Conferences?Page=0&PageSize=10")
            let firstSids = (first.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            let second = try await api.send("GET", try #require(first.object["next_page_uri"] as? String))
            let back = try await api.send("GET", try #require(second.object["previous_page_uri"] as? String))
            let backSids = (back.object["conferences"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            #expect(backSids == firstSids)
            #expect(back.object["page"] as? Int == 0)

            // Offset paging by Page alone works too.
            let third = try await api.send("GET", "\(api.laml)/Conferences?PageSize=10&Page=2")
            #expect((third.object["conferences"] as? [Any])?.count == 5)
            #expect(third.object["next_page_uri"] is NSNull)
        }
    }

    @Test func participantsPageInJoinOrder() async throws {
        try await withEmulator { api in
            let conference = await api.world.createConference(friendlyName: "Big room", participants: 7)
            let expected = await api.world.participants(conferenceSid: conference.sid).map(\.callSid)
            var next: String? = "\(api.laml)/Conferences/\(conference.sid)/Participants?PageSize=3"
            var seen: [String] = []
            while let uri = next {
                let page = try await api.send("GET", uri)
                #expect(page.status == 200)
                seen += (page.object["participants"] as? [[String: Any]] ?? []).compactMap { $0["call_sid"] as? String }
                next = page.object["next_page_uri"] as? String
            }
            #expect(seen == expected)
        }
    }
}
