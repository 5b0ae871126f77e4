import Clocks
import Emulator
import NIOCore
import Foundation
import Testing

@testable import CompatAPI

/// Reads whose answer has not changed reuse what it decoded to last time; any change in the
/// answer is decoded afresh, so nothing stale is ever handed back.
struct ReadCacheTests {
    @Test func anUnchangedAnswerIsNotDecodedTwiceAndAChangedOneIsSeen() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 6)) { server, client in
            let first = try await client.conferences()
            #expect(client.reads.count > 0)
            let again = try await client.conferences()
            #expect(again == first)
            // The world changes: the same URL now answers differently, and the client sees it.
            let added = await server.world.createConference(friendlyName: "Brand new", participants: 2)
            let after = try await client.conferences()
            #expect(after.contains { $0.sid == added.sid })
            #expect(after.count == first.count + 1)
            // A participant mutes: the participants read of that conference changes with it.
            let before = try await client.participants(conference: added.sid)
            _ = try await client.updateParticipant(
                conference: added.sid, callSid: before[0].callSid, ParticipantUpdate(muted: true))
            let muted = try await client.participants(conference: added.sid)
            #expect(muted.first { $0.callSid == before[0].callSid }?.muted == true)
        }
    }

    /// A list of several pages says it is unchanged only when every page is the one read last
    /// time; any page that differs (a conference started) makes the whole list new.
    @Test func aListSaysWhetherItIsTheOneReadBefore() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { server, client in
            let filter = ConferenceFilter(pageSize: 7)
            let first = try await client.conferenceListing(filter)
            #expect(first.pages.count > 2)
            #expect(!first.unchanged)
            let again = try await client.conferenceListing(filter)
            #expect(again.unchanged)
            #expect(again.conferences == first.conferences)
            _ = await server.world.createConference(friendlyName: "Brand new", participants: 1)
            let changed = try await client.conferenceListing(filter)
            #expect(!changed.unchanged)
            #expect(changed.conferences.count == first.conferences.count + 1)
            #expect(try await client.conferenceListing(filter).unchanged)
        }
    }

    /// A long list read again and again while conferences come and go keeps one entry per page,
    /// not one per page link: a later page's link moves with the conference before it.
    @Test func aListKeepsOneEntryPerPageWhileItsLinksMove() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 30)) { server, client in
            let filter = ConferenceFilter(pageSize: 7)
            let first = try await client.conferenceListing(filter)
            let pages = first.pages.count
            #expect(pages > 2)
            #expect(client.reads.count == pages)
            for round in 0..<8 {
                _ = await server.world.createConference(friendlyName: "Churn \(round)", participants: 1)
                let listing = try await client.conferenceListing(filter)
                #expect(listing.conferences.count == first.conferences.count + round + 1)
                #expect(client.reads.count <= listing.pages.count, "round \(round): \(client.reads.count) entries")
            }
        }
    }

    /// The calls listing for a reader that keeps what it read: unchanged pages come back as
    /// sids only, a changed page decoded whole, and together they are every call in progress.
    @Test func theCallsListingDecodesOnlyPagesThatChanged() async throws {
        // The emulator's time stands still: a call's duration (which a listing carries) moves
        // every second, and a second passing between two reads would change every page.
        try await withEmulator(EmulatorConfiguration(conferences: 8), emulatorClock: TestClock()) { server, client in
            let all = try await client.inProgressCalls()
            let first = try await client.inProgressCallListing()
            #expect(first.unchangedSids.isEmpty)
            #expect(Set(first.changed.map(\.sid)) == Set(all.keys))
            let again = try await client.inProgressCallListing()
            #expect(again.changed.isEmpty)
            #expect(Set(again.unchangedSids.map(\.text)) == Set(all.keys))
            let added = await server.world.createConference(friendlyName: "Brand new", participants: 2)
            let people = try await client.participants(conference: added.sid)
            let after = try await client.inProgressCallListing()
            let listed = Set(after.changed.map(\.sid)).union(after.unchangedSids.map(\.text))
            #expect(listed == Set(all.keys).union(people.map(\.callSid)))
            #expect(Set(people.map(\.callSid)).isSubset(of: Set(after.changed.map(\.sid))))
        }
    }

    /// A one-page answer read again is the very array the cache keeps, not a copy of it.
    @Test func aOnePageListIsTheCachedArrayItself() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 6)) { _, client in
            let conference = try #require(try await client.conferences().first { $0.status.isLive })
            let first = try await client.participants(conference: conference.sid)
            let again = try await client.participants(conference: conference.sid)
            #expect(!first.isEmpty)
            #expect(first.withUnsafeBufferPointer { $0.baseAddress } == again.withUnsafeBufferPointer { $0.baseAddress })
        }
    }

    /// What the cache keeps is what will be read again: a single conference or call is not kept,
    /// and an ended conference's participants and recordings go when the reader says it ended.
    @Test func singleReadsAreNotKeptAndEndedConferencesAreForgotten() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 10)) { _, client in
            let live = try await client.conferences(ConferenceFilter(status: .inProgress))
            try #require(live.count >= 3)
            let afterList = client.reads.count
            let filter = ParticipantFilter(pageSize: 1000)
            for conference in live { _ = try await client.participants(conference: conference.sid, filter: filter) }
            _ = try await client.conferenceRecordings(conference: live[0].sid)
            #expect(client.reads.count == afterList + live.count + 1)
            let people = try await client.participants(conference: live[0].sid, filter: filter)
            _ = try await client.conference(live[0].sid)
            _ = try await client.call(people[0].callSid)
            _ = try await client.participant(conference: live[0].sid, callSid: people[0].callSid)
            #expect(client.reads.count == afterList + live.count + 1)
            client.forgetReads(ofConferences: [live[0].sid, live[1].sid], participants: filter)
            #expect(client.reads.count == afterList + live.count - 2)
            // Read again, it is decoded afresh and kept again.
            #expect(try await client.participants(conference: live[0].sid, filter: filter) == people)
            #expect(client.reads.count == afterList + live.count - 1)
        }
    }

    /// A dashboard's client (`leanReads`) reads the same conferences and participants as the
    /// command line's, less the links no screen follows.
    @Test func leanReadsKeepWhatTheScreensShow() async throws {
        // The emulator's time stands still, so a call's duration reads the same both times.
        try await withEmulator(EmulatorConfiguration(conferences: 6), emulatorClock: TestClock()) { _, full in
            let lean = CompatClient(endpoint: full.endpoint, credentials: full.credentials, leanReads: true)
            let wholeList = try await full.conferences(), leanList = try await lean.conferences()
            #expect(leanList.map(\.sid) == wholeList.map(\.sid))
            for (a, b) in zip(wholeList, leanList) {
                #expect(a.friendlyName == b.friendlyName && a.status == b.status && a.region == b.region)
                #expect(a.dateCreated == b.dateCreated && a.dateUpdated == b.dateUpdated && a.accountSid == b.accountSid)
                #expect(!a.uri.isEmpty && b.uri.isEmpty && b.subresourceUris.participants.isEmpty)
            }
            let conference = try #require(wholeList.first { $0.status.isLive })
            let people = try await full.participants(conference: conference.sid)
            let leanPeople = try await lean.participants(conference: conference.sid)
            #expect(leanPeople.map(\.callSid) == people.map(\.callSid))
            for (a, b) in zip(people, leanPeople) {
                #expect(a.muted == b.muted && a.hold == b.hold && a.status == b.status && a.conferenceSid == b.conferenceSid)
                #expect(a.dateCreated == b.dateCreated && !a.uri.isEmpty && b.uri.isEmpty)
            }
            let calls = try await full.inProgressCalls(), leanCalls = try await lean.inProgressCalls()
            #expect(calls == leanCalls)
            await lean.shutdown()
        }
    }

    /// A lean read keeps no copy of what the reader already holds: every participant's account
    /// sid is the project ID's own string, and its conference sid the one the read was asked
    /// for. The command line's reads keep the links a dashboard's leave out.
    @Test func leanReadsShareTheStringsTheReaderHolds() async throws {
        try await withEmulator(EmulatorConfiguration(conferences: 6)) { _, full in
            let lean = CompatClient(endpoint: full.endpoint, credentials: full.credentials, leanReads: true)
            func storage(_ text: String) -> UnsafeRawPointer? {
                text.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
            }
            let conference = try #require(try await lean.conferences().first { $0.status.isLive })
            // Asked with a string of its own, so that only the seed can make them share.
            let asked = String(decoding: Array(conference.sid.utf8), as: UTF8.self)
            let people = try await lean.participants(conference: asked)
            #expect(!people.isEmpty)
            let projectID = lean.credentials.projectID
            for person in people {
                #expect(person.conferenceSid == asked && storage(person.conferenceSid) == storage(asked))
                #expect(person.accountSid == projectID && storage(person.accountSid) == storage(projectID))
            }
            let page = try #require(try await lean.participantPages(conference: asked).first { _ in true })
            #expect(page.uri.isEmpty && page.firstPageUri.isEmpty && page.previousPageUri == nil)
            let fullPage = try #require(try await full.participantPages(conference: asked).first { _ in true })
            #expect(fullPage.uri.contains("/Participants") && fullPage.firstPageUri.contains("/Participants"))
            #expect(fullPage.items.map(\.callSid) == page.items.map(\.callSid))
            await lean.shutdown()
        }
    }

    @Test func theCacheIsBounded() {
        let cache = ReadCache()
        for index in 0..<(ReadCache.limit + 10) {
            cache.store(index, digest: ReadCache.digest(ByteBuffer(string: "\(index)")), for: "url-\(index)")
        }
        #expect(cache.count <= ReadCache.limit)
        let hit: Int? = cache.value(for: "url-\(ReadCache.limit + 9)", digest: ReadCache.digest(ByteBuffer(string: "\(ReadCache.limit + 9)")))
        #expect(hit == ReadCache.limit + 9)
        let stale: Int? = cache.value(for: "url-\(ReadCache.limit + 9)", digest: ReadCache.digest(ByteBuffer(string: "other")))
        #expect(stale == nil)
    }

    /// An ended conference's participants URL is never read again; it must not stay cached for
    /// the rest of the session, while URLs still read every sweep stay cached.
    @Test func urlsNoLongerReadAgeOutAndUrlsStillReadStay() {
        let cache = ReadCache()
        for index in 0..<100 {
            cache.store(index, digest: ReadCache.digest(ByteBuffer(string: "\(index)")), for: "ended-\(index)")
        }
        for index in 0..<50 {
            cache.store(index, digest: ReadCache.digest(ByteBuffer(string: "\(index)")), for: "live-\(index)")
        }
        #expect(cache.count == 150)
        // Sweeps that read the live URLs only, enough for two generations to pass.
        for _ in 0..<20 {
            for index in 0..<50 {
                let hit: Int? = cache.value(for: "live-\(index)", digest: ReadCache.digest(ByteBuffer(string: "\(index)")))
                #expect(hit == index)
            }
        }
        #expect(cache.count == 50)
        let gone: Int? = cache.value(for: "ended-7", digest: ReadCache.digest(ByteBuffer(string: "7")))
        #expect(gone == nil)
    }
}
