import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// The store's change feed applied to the state: only what a batch names changes, a removed
/// key leaves, the event log gains every operator's entries, and a store that cannot be
/// reached is said on the problem line until it answers.
@Suite struct StoreChangesTests {
    static func record(_ sid: String, conference: String = "c1", name: String, minutes: Double, status: StreamState = .inProgress)
        -> StreamRecord
    {
        StreamRecord(
            sid: sid, accountSid: "AC", conferenceSid: conference, name: name, startedAt: Fixtures.epoch.addingTimeInterval(minutes * 60),
            startedFrom: .dashboard, startedBy: "ana@ops-1", status: status, updatedAt: Fixtures.epoch)
    }

    @Test func aBatchChangesOnlyTheStreamsItNames() {
        var state = Fixtures.loadedState()
        _ = update(&state, .streamsChanged([Self.record("MZ1", name: "one", minutes: 1), Self.record("MZ2", conference: "c2", name: "two", minutes: 2)]))
        #expect(state.rows["c1"]?.streamCount == 1)
        // A colleague starts one on c1 and stops MZ1: the batch names those two only.
        _ = update(
            &state,
            .streamsUpdated(
                changed: [Self.record("MZ3", name: "three", minutes: 3), Self.record("MZ1", name: "one", minutes: 1, status: .stopped)],
                removed: []))
        #expect(state.streams["c1"]?.map(\.sid) == ["MZ3", "MZ1"])
        #expect(state.streams["c1"]?.last?.status == .stopped)
        #expect(state.rows["c1"]?.streamCount == 1)
        #expect(state.streams["c2"]?.map(\.sid) == ["MZ2"])
    }

    @Test func aRemovedKeyLeavesAndItsSuccessorTakesItsPlace() {
        var state = Fixtures.loadedState()
        let provisional = StreamRecord.provisionalSid(conferenceSid: "c1", name: "rec")
        _ = update(&state, .streamsChanged([Self.record(provisional, name: "rec", minutes: 1, status: .unknown)]))
        _ = update(&state, .streamsUpdated(changed: [Self.record("MZ-real", name: "rec", minutes: 1)], removed: [provisional]))
        #expect(state.streams["c1"]?.map(\.sid) == ["MZ-real"])
    }

    @Test func theEventLogGainsEveryOperatorsEntriesOnce() {
        var state = Fixtures.loadedState()
        func entry(_ id: Int64, _ user: String) -> AuditEntry {
            AuditEntry(
                id: id, at: Fixtures.epoch, localUser: user, host: "ops-2", profile: nil, accountSid: "AC", action: .stopStream,
                conferenceSid: "c1", targetSid: "MZ\(id)", outcome: .ok, origin: .dashboard)
        }
        _ = update(&state, .auditAppended([entry(1, "ana"), entry(2, "bo")]))
        _ = update(&state, .auditAppended([entry(2, "bo"), entry(3, "cy")]))
        #expect(state.auditEntries.compactMap(\.id) == [3, 2, 1])
        #expect(state.auditEntries.first?.who == "cy@ops-2")
    }

    @Test func anUnreachableStoreIsSaidUntilItAnswers() {
        var state = Fixtures.loadedState()
        _ = update(&state, .storeProblem("cannot reach the store at postgres://confdash@db:5432/ops: cannot connect"))
        #expect(state.currentProblem?.text.contains("cannot reach the store") == true)
        #expect(state.currentProblem?.severe == true)
        _ = update(&state, .storeProblem(nil))
        #expect(state.currentProblem == nil)
    }
}

/// A conference that left the table takes its ended streams and the recordings read of it out of
/// memory; one with a stream still open (or whose outcome is unknown) keeps its streams until they end.
struct StreamsOfGoneConferencesTests {
    @Test func endedStreamsLeaveWithTheirConference() {
        // 202 completed conferences, the oldest first: two more than the table keeps.
        var completed = (0...AppState.completedKept + 1).map {
            Fixtures.conference("old\($0)", "Old \($0)", status: .completed, minutesAgo: Double(1000 - $0))
        }
        completed.append(Fixtures.conference("c1", "Live", minutesAgo: 1))
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(completed), at: Fixtures.epoch))
        _ = update(
            &state,
            .streamsChanged([
                StoreChangesTests.record("MZ0", conference: "old0", name: "ended", minutes: 1, status: .stopped),
                StoreChangesTests.record("MZ1", conference: "old1", name: "still open", minutes: 2),
                StoreChangesTests.record("MZ2", conference: "c1", name: "live", minutes: 3),
            ]))
        // The next poll lists only what is live, and a new conference: the table is rebuilt and
        // keeps the 200 most recent completed conferences.
        let live = [Fixtures.conference("c1", "Live", minutesAgo: 1), Fixtures.conference("c2", "New", minutesAgo: 0)]
        state.recordings = ["old0": [], "c1": []]
        state.callRecordings = ["old1": [], "c1": []]
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(live), at: Fixtures.epoch.addingTimeInterval(2)))
        #expect(Set(state.recordings.keys) == ["c1"])
        #expect(Set(state.callRecordings.keys) == ["c1"])
        #expect(state.rows["old0"] == nil)
        #expect(state.rows["old1"] == nil)
        #expect(state.streams["old0"] == nil)
        #expect(state.streams["old1"]?.map(\.sid) == ["MZ1"])
        #expect(state.streams["c1"]?.map(\.sid) == ["MZ2"])
    }
}
