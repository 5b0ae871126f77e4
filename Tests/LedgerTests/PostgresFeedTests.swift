import Foundation
import StoreTestSupport
import Testing

@testable import Ledger

/// PostgreSQL's change feed: LISTEN/NOTIFY between processes (two stores on one database stand
/// in for two hosts), what each batch names, and the store going away and coming back.
@Suite struct PostgresFeedTests {
    /// Collects every batch a feed yields, for the test to wait on.
    actor Batches {
        private(set) var all: [LedgerChanges] = []
        func add(_ batch: LedgerChanges) { all.append(batch) }
    }

    func collect(_ changes: AsyncStream<LedgerChanges>) -> (Batches, Task<Void, Never>) {
        let batches = Batches()
        let task = Task {
            for await batch in changes { await batches.add(batch) }
        }
        return (batches, task)
    }

    /// Waits until a batch satisfies `condition`, failing after a generous deadline.
    func waitFor(_ batches: Batches, _ what: String, _ condition: @escaping @Sendable (LedgerChanges) -> Bool)
        async throws
    {
        let deadline = ContinuousClock.now + .seconds(60)
        while !(await batches.all.contains(where: condition)) {
            guard ContinuousClock.now < deadline else {
                Issue.record("no batch with \(what); got \(await batches.all)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func anotherHostsWritesArriveNamingWhatChanged() async throws {
        let temp = try await TemporaryLedger.make(.postgres)
        let other = try temp.reopen()
        let (batches, task) = collect(temp.ledger.changes())
        defer { task.cancel() }
        try await waitFor(batches, "the first resync") { $0.resync }
        try await Sample.start("MZ1", in: other)
        try await waitFor(batches, "MZ1") { $0.streams.contains("MZ1") }
        let entry = try await other.recordAudit(
            AuditEntry(
                at: Sample.at(1), profile: nil, accountSid: Sample.account, action: .stopStream,
                conferenceSid: Sample.conference, targetSid: "MZ1", outcome: .ok, origin: .cli))
        let id = try #require(entry.id)
        try await waitFor(batches, "audit \(id)") { $0.audit.contains(id) }
        // Only what changed is named: a reader re-reads one stream, not the ledger.
        #expect(await batches.all.filter(\.resync).count == 1)
        #expect(try await temp.ledger.streams(sids: ["MZ1", "MZ-none"]).map(\.sid) == ["MZ1"])
        #expect(try await temp.ledger.auditEntries(ids: [id]).map(\.targetSid) == ["MZ1"])
        await other.close()
        await temp.ledger.close()
    }

    @Test func anAdoptedUnsettledStartNamesBothKeys() async throws {
        let temp = try await TemporaryLedger.make(.postgres)
        let (batches, task) = collect(temp.ledger.changes())
        defer { task.cancel() }
        try await waitFor(batches, "the first resync") { $0.resync }
        try await temp.ledger.recordStartUnknown(
            conferenceSid: Sample.conference, accountSid: Sample.account, request: Sample.request(name: "rec-1"),
            name: "rec-1", conferenceName: nil, from: .dashboard, reason: "timeout", at: Sample.at(0))
        let provisional = StreamRecord.provisionalSid(conferenceSid: Sample.conference, name: "rec-1")
        try await waitFor(batches, "the provisional row") { $0.streams.contains(provisional) }
        try await temp.ledger.applyCallback(
            StreamCallback(
                accountSid: Sample.account, conferenceSid: Sample.conference, streamSid: "MZ-real",
                streamName: "rec-1", event: .started, at: Sample.at(2)))
        try await waitFor(batches, "both keys") { $0.streams.isSuperset(of: [provisional, "MZ-real"]) }
        // The provisional key is gone: a reader learns it by re-reading and not finding it.
        #expect(try await temp.ledger.streams(sids: [provisional, "MZ-real"]).map(\.sid) == ["MZ-real"])
        await temp.ledger.close()
    }

    @Test func theStoreGoingAwayIsSaidAndItsReturnResyncs() async throws {
        // A server of its own: stopping the shared one would fail the other tests.
        let postgres = TestPostgres()
        let url = try await postgres.freshDatabase().url
        let ledger = StreamLedger(postgres: try PostgresStoreSettings.parse(url, password: TestPostgres.password))
        let clock = ContinuousClock()
        let (batches, task) = collect(ledger.changes(pollingEvery: .seconds(1), clock: clock))
        defer { task.cancel() }
        try await waitFor(batches, "the first resync") { $0.resync }
        try await postgres.stop()
        try await waitFor(batches, "a store problem") { $0.storeProblem?.contains("cannot reach the store") == true }
        // A write while it is down fails in words naming the store, and changes nothing.
        await #expect(throws: LedgerError.self) { try await Sample.start("MZ-down", in: ledger) }
        let resyncsBefore = await batches.all.filter(\.resync).count
        try await postgres.restart()
        try await waitFor(batches, "a second resync") { _ in false } orUntil: {
            await batches.all.filter(\.resync).count > resyncsBefore
        }
        try await Sample.start("MZ-back", in: ledger)
        try await waitFor(batches, "MZ-back") { $0.streams.contains("MZ-back") }
        #expect(try await ledger.stream(sid: "MZ-down") == nil)
        await ledger.close()
    }

    /// A server that stops answering (paused, not gone: the connection stays open) fails the
    /// write in words after `PostgresSQL.answerLimit`, instead of holding its thread for ever;
    /// once it answers again, the next write goes through on a new connection.
    @Test func aServerThatStopsAnsweringFailsTheWriteInsteadOfHoldingIt() async throws {
        let postgres = TestPostgres()
        let url = try await postgres.freshDatabase().url
        let ledger = StreamLedger(postgres: try PostgresStoreSettings.parse(url, password: TestPostgres.password))
        try await Sample.start("MZ-before", in: ledger)  // a connection open and idle in the pool
        try await postgres.pause()
        let error = await #expect(throws: LedgerError.self) { try await Sample.start("MZ-unanswered", in: ledger) }
        #expect(error.map { "\($0)" }?.contains("did not answer") == true, "\(String(describing: error))")
        try await postgres.resume()
        try await Sample.start("MZ-after", in: ledger)
        #expect(try await ledger.stream(sid: "MZ-after") != nil)
        #expect(try await ledger.stream(sid: "MZ-unanswered") == nil)
        await ledger.close()
        try await postgres.stop()
    }

    func waitFor(
        _ batches: Batches, _ what: String, _ unused: @escaping @Sendable (LedgerChanges) -> Bool,
        orUntil condition: @escaping @Sendable () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("waited for \(what); got \(await batches.all)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
