import CompatAPI
import Foundation
import Ledger
import Testing

/// A start whose answer never came is kept once, as `unknown`, under its name; whatever settles
/// it (a retry the service took, a duplicate-name refusal, a callback, a stop by name), the
/// ledger ends with that one row, its history whole.
@Suite struct UnsettledStartTests {
    static func unknown(_ ledger: StreamLedger, name: String = "rec-1", at seconds: Int = 0) async throws -> StreamRecord {
        try await ledger.recordStartUnknown(
            conferenceSid: Sample.conference, accountSid: Sample.account, request: Sample.request(name: name), name: name,
            conferenceName: "Support Bridge", from: .dashboard, reason: "start unanswered: no complete answer within 5 s",
            at: Sample.at(seconds))
    }

    @Test(arguments: Engine.allCases) func anUnansweredStartIsKeptOnceAsUnknownUnderItsName(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let kept = try await Self.unknown(temp.ledger)
        #expect(kept.status == .unknown)
        #expect(!kept.sidKnown)
        #expect(kept.serviceKey == "rec-1")
        #expect(kept.url == "wss://media.example.com/listen")
        // A second unanswered attempt adds to the same row's history, not a second row.
        let again = try await Self.unknown(temp.ledger, at: 5)
        #expect(again.sid == kept.sid)
        #expect(try await temp.ledger.streams().count == 1)
        #expect(try await temp.ledger.events(sid: kept.sid).count == 2)
        // It is open: the form's name check and the conference's end both see it.
        #expect(try await temp.ledger.nameInUse(name: "rec-1", conferenceSid: Sample.conference))
    }

    @Test(arguments: Engine.allCases) func aRetryTheServiceTookBecomesTheKeptRow(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let kept = try await Self.unknown(temp.ledger)
        let started = try await temp.ledger.recordStarted(
            Sample.stream("MZ-real", name: "rec-1"), request: Sample.request(name: "rec-1"), conferenceName: "Support Bridge",
            from: .dashboard, at: Sample.at(6))
        #expect(started.sid == "MZ-real")
        #expect(started.status == .queued)
        let all = try await temp.ledger.streams()
        #expect(all.map(\.sid) == ["MZ-real"])
        #expect(try await temp.ledger.stream(sid: kept.sid) == nil)
        #expect(
            try await temp.ledger.events(sid: "MZ-real").summary == [
                "unknown start start unanswered: no complete answer within 5 s", "queued start",
            ])
    }

    @Test(arguments: Engine.allCases) func aDuplicateNameSettlesItAsRunningAndAStopByNameTellsItsSid(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let kept = try await Self.unknown(temp.ledger)
        let running = try #require(try await temp.ledger.settleStartAsRunning(conferenceSid: Sample.conference, name: "rec-1", at: Sample.at(6)))
        #expect(running.sid == kept.sid)
        #expect(running.status == .queued)
        // The stop went out by name; its answer carries the sid at last.
        let stopped = try await temp.ledger.recordStopped(
            sid: "MZ-real", conferenceSid: Sample.conference, accountSid: Sample.account, name: "rec-1", at: Sample.at(9),
            outcome: .stopped)
        #expect(stopped?.sid == "MZ-real")
        #expect(stopped?.status == .stopped)
        #expect(try await temp.ledger.streams().map(\.sid) == ["MZ-real"])
    }

    @Test(arguments: Engine.allCases) func aCallbackNamingItGivesItItsSid(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        _ = try await Self.unknown(temp.ledger)
        let outcome = try await temp.ledger.applyCallback(
            StreamCallback(
                accountSid: Sample.account, conferenceSid: Sample.conference, streamSid: "MZ-real", streamName: "rec-1",
                event: .started, at: Sample.at(7)))
        #expect(outcome == .moved(from: .unknown, to: .inProgress))
        let all = try await temp.ledger.streams()
        #expect(all.map(\.sid) == ["MZ-real"])
        #expect(all.first?.url == "wss://media.example.com/listen")
    }

    @Test(arguments: Engine.allCases) func aRefusedRetryMeansItNeverStarted(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        _ = try await Self.unknown(temp.ledger)
        let settled = try await temp.ledger.settleStartAsNotStarted(
            conferenceSid: Sample.conference, name: "rec-1", reason: "the conference is completed", at: Sample.at(6))
        #expect(settled?.status == .error)
        #expect(settled?.statusReason == "not started: the conference is completed")
        #expect(try await !temp.ledger.nameInUse(name: "rec-1", conferenceSid: Sample.conference))
        // Settling what is not kept changes nothing.
        #expect(try await temp.ledger.settleStartAsRunning(conferenceSid: Sample.conference, name: "other", at: Sample.at(7)) == nil)
    }
}
