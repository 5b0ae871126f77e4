import StoreTestSupport
import AsyncHTTPClient
import Foundation
import Ledger
import ReceiverService
import Synchronization
import Testing

/// The team receiver on a PostgreSQL store that goes away mid-run and comes back: while it is
/// down every callback is a 503 with Retry-After and `/healthz` says the store is unreachable;
/// once it is back the sender's retries are stored, and every callback answered 2xx is in the
/// store afterwards.
@Suite struct ReceiverPostgresOutageTests {
    typealias H = ReceiverServiceHarness

    @Test func postgresStoppedMidRunIs503ThenTheSendersRetriesAreStored() async throws {
        // A server of its own: stopping the shared one would fail the other tests.
        let postgres = TestPostgres()
        let database = try await postgres.freshDatabase()
        // A write caught by the stop may never return (its connection died under it): the
        // receiver gives up on it after storeTimeout and answers 503, and the sender retries.
        try await H.run(store: .postgres(url: database.url), retryAfterSeconds: 1, storeTimeout: .seconds(3)) {
            h async throws in
            let sender = RetryingSender()
            // Four senders at once, each sending its next callback as soon as the last was taken.
            let lanes = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for lane in 0..<4 { group.addTask { try await sender.run(h, lane: lane) } }
                    try await group.waitForAll()
                }
            }
            let outcome: Result<Void, any Error>
            do {
                try #require(await waitUntil { sender.acknowledged.count >= 20 })
                try await postgres.stop()
                // Whatever comes now is refused with a 503 the sender retries after Retry-After.
                try #require(await waitUntil { sender.answers(503) >= 8 })
                let health = try await h.get(ReceiverService.healthPath)
                #expect(health.status == 503)
                let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: String]
                #expect(json == ["status": "unavailable", "store": "unreachable"])
                let refused = try await h.metric(
                    "confdash_receiver_callbacks_rejected_total", ["reason": "store_unavailable"])
                #expect((refused ?? 0) >= 8)

                try await postgres.restart()
                let atRestart = sender.acknowledged.count
                // The retries are taken, and new callbacks after them.
                try #require(await waitUntil { sender.acknowledged.count >= atRestart + 20 })
                #expect(try await waitUntil { try await h.get(ReceiverService.healthPath).status == 200 })
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // A failed run gives up the callbacks under way: nobody will bring the store back.
            if case .failure = outcome { sender.abandon() }
            sender.finish()
            try await lanes.value
            try outcome.get()

            // Every callback answered 2xx is in the store; nothing was answered but 204 and 503.
            let acknowledged = sender.acknowledged
            #expect(sender.answered.keys.sorted() == [204, 503])
            let streamSids = Set(acknowledged.filter { $0.kind == .stream }.map(\.id))
            let stored = try await h.ledger.streams(sids: streamSids)
            #expect(Set(stored.map(\.sid)) == streamSids)
            #expect(stored.allSatisfy { $0.status == .inProgress })
            let calls = Set(acknowledged.filter { $0.kind == .conference }.map(\.id))
            let events = try await h.storedConferenceEvents(upTo: Int64(4 * acknowledged.count + 200))
            #expect(Set(events.compactMap(\.callSid)).isSuperset(of: calls))
            #expect(!calls.isEmpty && !streamSids.isEmpty)
            // Each 204 counted once, by kind.
            #expect(try await h.accepted("a", .stream) == Double(streamSids.count))
            #expect(try await h.accepted("a", .conference) == Double(calls.count))
        }
        try await postgres.stop()
    }
}

/// Sends signed callbacks to profile a, alternating stream callbacks and conference events, one
/// after another on each lane: each again after its `Retry-After` until it is answered 2xx (as a
/// sender that retries does), then the next, until `finish()`. Keeps what it heard.
final class RetryingSender: Sendable {
    struct Callback: Sendable {
        /// The stream's sid, or the call of a participant join.
        var id: String
        var kind: ReceiverRoute.Kind
        var fields: [(String, String)]
    }

    private let taken = Mutex<[Callback]>([])
    private let statuses = Mutex<[Int: Int]>([:])
    private let finishing = Mutex(false)
    private let abandoning = Mutex(false)

    /// The callbacks answered 2xx, in the order they were.
    var acknowledged: [Callback] { taken.withLock { $0 } }
    /// How many answers of each status.
    var answered: [Int: Int] { statuses.withLock { $0 } }
    func answers(_ status: Int) -> Int { statuses.withLock { $0[status] ?? 0 } }

    /// Each lane finishes the callback it is on (retrying until it is taken), then stops.
    func finish() { finishing.withLock { $0 = true } }

    /// Each lane stops at once, its callback under way retried no more.
    func abandon() { abandoning.withLock { $0 = true } }

    struct UnexpectedAnswer: Error, CustomStringConvertible {
        var status: Int
        var description: String { "the receiver answered \(status), neither 2xx nor 503" }
    }

    func run(_ h: ReceiverServiceHarness, lane: Int) async throws {
        var number = 0
        while !finishing.withLock({ $0 }) {
            let callback = Self.callback(lane: lane, number: number)
            while true {
                let answer = try await h.send(
                    h.request(callback.fields, to: "a", callback.kind, signedURL: h.url("a", callback.kind), key: H.keyA))
                statuses.withLock { $0[answer.status, default: 0] += 1 }
                if (200..<300).contains(answer.status) {
                    taken.withLock { $0.append(callback) }
                    break
                }
                guard answer.status == 503 else { throw UnexpectedAnswer(status: answer.status) }
                if abandoning.withLock({ $0 }) { return }
                // The sender's own backoff, as the receiver asked: not a wait for an assertion.
                try await Task.sleep(for: .seconds(Int(answer.headers["retry-after"] ?? "") ?? 1))
            }
            number += 1
        }
    }

    private typealias H = ReceiverServiceHarness

    static func callback(lane: Int, number: Int) -> Callback {
        let id = "\(lane)-\(number)"
        if number % 2 == 0 {
            return Callback(id: "MZ-\(id)", kind: .stream, fields: Sample.fields("MZ-\(id)"))
        }
        return Callback(
            id: "CA-\(id)", kind: .conference,
            fields: Sample.conferenceFields("participant-join", call: "CA-\(id)", sequence: number, conference: "CF-lane-\(lane)"))
    }
}
