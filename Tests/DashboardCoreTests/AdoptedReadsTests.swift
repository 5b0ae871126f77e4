import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// A poll that reads again what the table already shows changes nothing on screen, but the rows
/// then hold what the read decoded (which the client's read cache keeps too) rather than an older
/// equal copy: over a long run every conference re-read after its cache entry aged out, or after
/// an event touched it, had been one copy more.
struct AdoptedReadsTests {
    static func storage(_ participants: [Participant]) -> UnsafeRawPointer? {
        participants.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }

    @Test(arguments: [false, true])
    func anEqualReadIsWhatTheRowHoldsAfterwards(sameList: Bool) throws {
        let conferences = [Fixtures.conference("c1", "Support Bridge"), Fixtures.conference("c2", "Standup", minutesAgo: 5)]
        let first = (0..<3).map { Fixtures.participant("CAc1-\($0)", in: "c1") }
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: ["c1": first, "c2": []]), at: Fixtures.epoch))
        let shown = state.visibleSids
        // Equal, in storage of its own, as a fresh decode of the same answer is.
        let again = first.map { $0 }
        #expect(Self.storage(again) != Self.storage(first))
        var snapshot = PollSnapshot(conferences: conferences, participants: ["c1": again])
        snapshot.sameConferences = sameList
        let later = Fixtures.epoch.addingTimeInterval(2)
        _ = update(&state, .pollSucceeded(snapshot, at: later))
        let row = try #require(state.rows["c1"])
        #expect(row.participants == first)
        #expect(Self.storage(row.participants) == Self.storage(again))
        // Nothing changed on screen: no highlight, the same rows in the same order.
        #expect(state.changedUntil["c1"] == nil)
        #expect(state.visibleSids == shown)
        #expect(state.rows.count == 2)
    }
}

/// What the log's census says the screen holds is what the state holds.
struct CensusTests {
    @Test func theCensusCountsWhatTheStateHolds() {
        var state = Fixtures.loadedState()
        state.streams = ["c1": [StoreChangesTests.record("MZ1", name: "one", minutes: 1)]]
        let census = Dictionary(uniqueKeysWithValues: state.census.map { ($0.name, $0.count) })
        #expect(census["rows"] == 3)
        #expect(census["participants"] == 4)
        #expect(census["streams"] == 1)
        #expect(census["stream_conferences"] == 1)
        #expect(census["speaking"] == 0)
        #expect(census.count == state.census.count)
    }
}
