import CompatAPI
import Foundation
import Testing

@testable import Ledger

@Suite struct HistoryTests {
    @Test(arguments: Engine.allCases) func startRecordsWhatTheStreamWasStartedWith(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let record = try await Sample.start("MZ1", in: temp.ledger, name: "agent-audio")
        #expect(
            record
                == StreamRecord(
                    sid: "MZ1", accountSid: Sample.account, conferenceSid: Sample.conference,
                    conferenceName: "Support Bridge", name: "agent-audio", url: "wss://media.example.com/listen",
                    track: .inbound, codec: .l16At16k, realTime: true,
                    statusCallback: "https://hooks.example.com/streams",
                    statusCallbackMethod: .post,
                    parameters: [
                        StreamParameter(name: "room", value: "ünïcode 会议"), StreamParameter(name: "k", value: "v"),
                    ],
                    startedAt: Sample.at(0), startedFrom: .cli, status: .queued, updatedAt: Sample.at(0)))
        #expect(try await temp.ledger.stream(sid: "MZ1") == record)
    }

    @Test(arguments: Engine.allCases) func startThenCallbacksThenStopMakeTheHistory(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Sample.start("MZ1", in: ledger)
        #expect(
            try await ledger.applyCallback(Sample.callback("MZ1", .started, at: 2))
                == .moved(from: .queued, to: .inProgress))
        try await ledger.recordStopped(
            sid: "MZ1", conferenceSid: Sample.conference, accountSid: Sample.account, at: Sample.at(10),
            outcome: .stopped)
        #expect(try await ledger.applyCallback(Sample.callback("MZ1", .stopped, at: 11)) == .ignored(current: .stopped))

        let history = try await ledger.events(sid: "MZ1")
        #expect(history.summary == ["queued start", "in-progress callback", "stopped stop"])
        #expect(history.map(\.at) == [Sample.at(0), Sample.at(2), Sample.at(10)])
        let record = try #require(try await ledger.stream(sid: "MZ1"))
        #expect(record.status == .stopped)
        #expect(record.statusReason == nil)
        #expect(record.updatedAt == Sample.at(10))
    }

    @Test(arguments: Engine.allCases) func aBatchOfCallbacksLeavesWhatTheyLeaveOneByOne(engine: Engine) async throws {
        let batch = [
            Sample.callback("MZ1", .started, at: 2),
            Sample.callback("MZ2", .started, at: 3),  // nobody here started it: learned
            Sample.callback("MZ1", .started, at: 4),  // a repeat: ignored
            Sample.callback("MZ2", .error, error: "general_error", at: 5),
            StreamCallback(
                accountSid: Sample.account, conferenceSid: Sample.conference, streamSid: "MZ1",
                event: StreamEvent(rawValue: "stream-paused"), at: Sample.at(6)),
        ]
        let together = try await TemporaryLedger.make(engine)
        defer { together.remove() }
        let alone = try await TemporaryLedger.make(engine)
        defer { alone.remove() }
        try await Sample.start("MZ1", in: together.ledger)
        try await Sample.start("MZ1", in: alone.ledger)

        let outcomes = try await together.ledger.applyCallbacks(batch)
        var oneByOne: [CallbackOutcome] = []
        for callback in batch { oneByOne.append(try await alone.ledger.applyCallback(callback)) }

        #expect(
            outcomes == [
                .moved(from: .queued, to: .inProgress), .learned(.inProgress), .ignored(current: .inProgress),
                .moved(from: .inProgress, to: .error), .unrecognisedEvent("stream-paused"),
            ])
        #expect(outcomes == oneByOne)
        for sid in ["MZ1", "MZ2"] {
            #expect(try await together.ledger.stream(sid: sid) == alone.ledger.stream(sid: sid))
            #expect(try await together.ledger.events(sid: sid).summary == alone.ledger.events(sid: sid).summary)
        }
        #expect(try await together.ledger.events(sid: "MZ2").summary == ["in-progress callback", "error callback general_error"])
    }

    /// A batch larger than one statement's rows (`CallbackWrites.rowsPerStatement`), in which
    /// streams are learned and then moved, a known call stream learns its call, and an unsettled
    /// start is settled half-way: every row and every history entry lands as it would one by one.
    @Test(arguments: Engine.allCases) func aLargeMixedBatchLandsWhole(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Sample.start("MZ-known", in: ledger)
        let kept = try await UnsettledStartTests.unknown(ledger, name: "rec-1")
        var batch: [StreamCallback] = []
        for n in 0..<100 { batch.append(Sample.callback("MZ-\(n)", .started, at: 1)) }
        batch.append(
            StreamCallback(
                accountSid: Sample.account, conferenceSid: Sample.conference, callSid: "CA-caller", streamSid: "MZ-known",
                event: .started, at: Sample.at(2)))
        batch.append(
            StreamCallback(
                accountSid: Sample.account, conferenceSid: Sample.conference, streamSid: "MZ-settled",
                streamName: "rec-1", event: .started, at: Sample.at(3)))
        for n in 0..<100 { batch.append(Sample.callback("MZ-\(n)", .stopped, at: 4)) }
        batch.append(Sample.callback("MZ-7", .started, at: 5))  // late: a stopped stream stays stopped

        let outcomes = try await ledger.applyCallbacks(batch)
        #expect(outcomes.count == batch.count)
        #expect(outcomes[0] == .learned(.inProgress))
        #expect(outcomes[100] == .moved(from: .queued, to: .inProgress))
        #expect(outcomes[101] == .moved(from: .unknown, to: .inProgress))
        #expect(outcomes[102] == .moved(from: .inProgress, to: .stopped))
        #expect(outcomes.last == .ignored(current: .stopped))

        let streams = try await ledger.streams()
        #expect(streams.count == 102)
        #expect(streams.filter { $0.sid.hasPrefix("MZ-") && $0.status == .stopped }.count == 100)
        let known = try #require(try await ledger.stream(sid: "MZ-known"))
        #expect(known.status == .inProgress)
        #expect(known.callSid == "CA-caller")
        #expect(known.updatedAt == Sample.at(2))
        #expect(try await ledger.stream(sid: kept.sid) == nil)
        #expect(try await ledger.stream(sid: "MZ-settled")?.status == .inProgress)
        #expect(try await ledger.events(sid: "MZ-settled").count == 2)
        let seventh = try #require(try await ledger.stream(sid: "MZ-7"))
        #expect(seventh.updatedAt == Sample.at(4))
        #expect(try await ledger.events(sid: "MZ-7").summary == ["in-progress callback", "stopped callback"])
    }

    @Test(arguments: Engine.allCases) func lateCallbacksNeverMoveAStreamBack(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Sample.start("MZ1", in: ledger)
        // Delivered out of order: the stop overtakes the start.
        #expect(
            try await ledger.applyCallback(Sample.callback("MZ1", .stopped, at: 5))
                == .moved(from: .queued, to: .stopped))
        #expect(try await ledger.applyCallback(Sample.callback("MZ1", .started, at: 2)) == .ignored(current: .stopped))
        #expect(
            try await ledger.applyCallback(Sample.callback("MZ1", .error, error: "general_error", at: 6))
                == .ignored(current: .stopped))
        #expect(try await ledger.stream(sid: "MZ1")?.status == .stopped)
        #expect(try await ledger.events(sid: "MZ1").summary == ["queued start", "stopped callback"])
    }

    @Test(arguments: Engine.allCases) func repeatedCallbackAddsNoHistory(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        try await Sample.start("MZ1", in: temp.ledger)
        try await temp.ledger.applyCallback(Sample.callback("MZ1", .started, at: 2))
        #expect(
            try await temp.ledger.applyCallback(Sample.callback("MZ1", .started, at: 2))
                == .ignored(current: .inProgress))
        #expect(try await temp.ledger.events(sid: "MZ1").count == 2)
    }

    @Test(arguments: Engine.allCases) func streamErrorKeepsTheServicesReason(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        try await Sample.start("MZ1", in: temp.ledger)
        try await temp.ledger.applyCallback(Sample.callback("MZ1", .error, error: "connection_refused", at: 3))
        let record = try #require(try await temp.ledger.stream(sid: "MZ1"))
        #expect(record.status == .error)
        #expect(record.statusReason == "connection_refused")
        #expect(
            try await temp.ledger.events(sid: "MZ1").summary == ["queued start", "error callback connection_refused"])
    }

    @Test(arguments: Engine.allCases) func unrecognisedCallbackEventWritesNothing(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        #expect(
            try await temp.ledger.applyCallback(Sample.callback("MZ9", "stream-paused", at: 1))
                == .unrecognisedEvent("stream-paused"))
        #expect(try await temp.ledger.streams().isEmpty)
    }

    @Test(arguments: Engine.allCases) func callbackForAnUnknownStreamAddsIt(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        var callback = Sample.callback("MZ-other", .started, at: 4)
        callback.streamName = "someone-elses"
        callback.track = .outbound
        #expect(try await temp.ledger.applyCallback(callback) == .learned(.inProgress))
        let record = try #require(try await temp.ledger.stream(sid: "MZ-other"))
        #expect(record.startedFrom == .callback)
        #expect(record.status == .inProgress)
        #expect(record.name == "someone-elses")
        #expect(record.track == .outbound)
        #expect(record.url == nil)
        #expect(record.startedAt == Sample.at(4))
        #expect(try await temp.ledger.events(sid: "MZ-other").summary == ["in-progress callback"])
    }

    @Test(arguments: Engine.allCases) func callbackThatOvertakesTheStartReplyKeepsItsState(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        try await temp.ledger.applyCallback(Sample.callback("MZ1", .started, at: 0))
        let record = try await Sample.start("MZ1", in: temp.ledger, name: "late-reply")
        #expect(record.status == .inProgress)
        #expect(record.startedFrom == .cli)
        #expect(record.url == "wss://media.example.com/listen")
        #expect(record.name == "late-reply")
        #expect(try await temp.ledger.events(sid: "MZ1").summary == ["in-progress callback", "in-progress start"])
    }

    @Test(arguments: Engine.allCases) func conferenceEndedClosesOnlyItsOpenStreams(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Sample.start("MZ-queued", in: ledger)
        try await Sample.start("MZ-running", in: ledger)
        try await ledger.applyCallback(Sample.callback("MZ-running", .started, at: 1))
        try await Sample.start("MZ-stopped", in: ledger)
        try await ledger.applyCallback(Sample.callback("MZ-stopped", .stopped, at: 2))
        try await Sample.start("MZ-elsewhere", in: ledger, conference: "CF-2")

        let ended = try await ledger.markConferenceEnded(conferenceSid: Sample.conference, at: Sample.at(60))
        #expect(Set(ended) == ["MZ-queued", "MZ-running"])
        let statuses = Dictionary(uniqueKeysWithValues: try await ledger.streams().map { ($0.sid, $0.status) })
        #expect(
            statuses == ["MZ-queued": .ended, "MZ-running": .ended, "MZ-stopped": .stopped, "MZ-elsewhere": .queued])
        #expect(try await ledger.stream(sid: "MZ-running")?.statusReason == "conference ended")
        #expect(
            try await ledger.events(sid: "MZ-running").summary
                == ["queued start", "in-progress callback", "ended conference-ended conference ended"])
        // A late stop callback does not reopen or relabel an ended stream.
        #expect(
            try await ledger.applyCallback(Sample.callback("MZ-running", .stopped, at: 61)) == .ignored(current: .ended)
        )
    }

    @Test(arguments: Engine.allCases) func stopOutcomesAreAllKept(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        func stop(_ sid: String, _ outcome: StopOutcome, at seconds: Int) async throws -> StreamRecord? {
            try await ledger.recordStopped(
                sid: sid, conferenceSid: Sample.conference, accountSid: Sample.account, at: Sample.at(seconds),
                outcome: outcome)
        }
        try await Sample.start("MZ1", in: ledger)
        try await ledger.applyCallback(Sample.callback("MZ1", .stopped, at: 3))
        let again = try #require(try await stop("MZ1", .alreadyStopped, at: 5))
        #expect(again.status == .stopped)
        #expect(again.statusReason == nil)  // it stopped for the callback's reason, not the repeat's
        #expect(
            try await ledger.events(sid: "MZ1").summary == [
                "queued start", "stopped callback", "stopped stop already stopped",
            ])

        try await Sample.start("MZ2", in: ledger)
        let refused = try #require(try await stop("MZ2", .refused("service error 503"), at: 6))
        #expect(refused.status == .queued)
        let gone = try #require(try await stop("MZ2", .notFound, at: 7))
        #expect(gone.status == .stopped)
        #expect(gone.statusReason == "not found by the service")
        #expect(
            try await ledger.events(sid: "MZ2").summary
                == [
                    "queued start", "queued stop stop refused: service error 503",
                    "stopped stop not found by the service",
                ])

        // `:stop SID` for a stream the ledger never knew.
        let stranger = try #require(try await stop("MZ-stranger", .notFound, at: 8))
        #expect(stranger.startedFrom == .manual)
        #expect(stranger.status == .stopped)
        #expect(try await ledger.events(sid: "MZ-stranger").summary == ["stopped stop not found by the service"])
        #expect(try await stop("MZ-unknown", .refused("service error 503"), at: 9) == nil)
        #expect(try await ledger.stream(sid: "MZ-unknown") == nil)
    }

    @Test(arguments: Engine.allCases) func trackingByHandAddsAnUnconfirmedStreamOnce(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let tracked = try await temp.ledger.trackByHand(
            sid: "MZ-hand", conferenceSid: Sample.conference, accountSid: Sample.account, name: "by-hand",
            at: Sample.at(1))
        #expect(tracked.startedFrom == .manual)
        // Nothing has confirmed it runs: unknown, until a callback or a stop says.
        #expect(tracked.status == .unknown)
        #expect(tracked.statusReason == StreamLedger.trackedReason)
        let twice = try await temp.ledger.trackByHand(
            sid: "MZ-hand", conferenceSid: Sample.conference, accountSid: Sample.account, name: nil, at: Sample.at(2))
        #expect(twice == tracked)
        #expect(try await temp.ledger.events(sid: "MZ-hand").summary == ["unknown manual tracked by hand"])
    }

    @Test(arguments: Engine.allCases) func listsAreNewestFirstAndFilterByConference(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        for (index, sid) in ["MZ-a", "MZ-b", "MZ-c"].enumerated() {
            try await ledger.recordStarted(
                Sample.stream(sid, conference: index == 1 ? "CF-2" : Sample.conference), request: Sample.request(),
                conferenceName: nil, from: .dashboard, at: Sample.at(index))
        }
        #expect(try await ledger.streams().map(\.sid) == ["MZ-c", "MZ-b", "MZ-a"])
        #expect(try await ledger.streams(conferenceSid: Sample.conference).map(\.sid) == ["MZ-c", "MZ-a"])
        #expect(try await ledger.streams(conferenceSid: "CF-none").isEmpty)
    }

    @Test(arguments: Engine.allCases) func nameIsInUseOnlyWhileAStreamWithItIsOpen(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let ledger = temp.ledger
        try await Sample.start("MZ1", in: ledger, name: "agent-audio")
        #expect(try await ledger.nameInUse(name: "agent-audio", conferenceSid: Sample.conference))
        #expect(try await !ledger.nameInUse(name: "agent-audio", conferenceSid: "CF-2"))
        #expect(try await !ledger.nameInUse(name: "other", conferenceSid: Sample.conference))
        try await ledger.applyCallback(Sample.callback("MZ1", .stopped, at: 3))
        #expect(try await !ledger.nameInUse(name: "agent-audio", conferenceSid: Sample.conference))
        #expect(try await ledger.stream(named: "agent-audio", conferenceSid: Sample.conference)?.sid == "MZ1")
    }

    @Test func statesOnlyMoveForward() {
        let open: [StreamState] = [.queued, .inProgress]
        let terminal: [StreamState] = [.stopped, .error, .ended]
        #expect(StreamState.queued.canMove(to: .inProgress))
        #expect(!StreamState.inProgress.canMove(to: .queued))
        for from in open { for to in terminal { #expect(from.canMove(to: to)) } }
        for from in terminal { for to in StreamState.allCases { #expect(!from.canMove(to: to)) } }
        #expect(StreamState(serviceStatus: "paused") == .queued)
    }
}

/// Streams on one participant's call (`Calls/{CallSid}/Streams`) are kept beside the conference's,
/// in the conference they belong to, with the call they run on.
@Suite struct CallStreamLedgerTests {
    @Test(arguments: Engine.allCases) func aCallStreamStartedHereKeepsItsCall(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let record = try await temp.ledger.recordStarted(
            Sample.stream("MZcall", name: "agent", conference: Sample.conference), request: Sample.request(name: "agent"),
            conferenceName: "Support Bridge", from: .dashboard, by: "ann@ops-1", onCall: "CA-agent", at: Sample.at(0))
        #expect(record.callSid == "CA-agent")
        #expect(record.conferenceSid == Sample.conference)
        // The service's callbacks move it as they move a conference stream.
        var started = Sample.callback("MZcall", .started, at: 1)
        started.callSid = "CA-agent"
        #expect(try await temp.ledger.applyCallback(started) == .moved(from: .queued, to: .inProgress))
        let stored = try #require(try await temp.ledger.stream(sid: "MZcall"))
        #expect(stored.callSid == "CA-agent")
        #expect(stored.status == .inProgress)
        // A conference stream beside it has no call.
        let conferenceStream = try await Sample.start("MZconf", in: temp.ledger, name: "whole")
        #expect(conferenceStream.callSid == nil)
        #expect(Set(try await temp.ledger.streams().map(\.sid)) == ["MZcall", "MZconf"])
    }

    @Test(arguments: Engine.allCases) func aCallStreamLearnedFromItsCallbackNamesTheCall(engine: Engine) async throws {
        let temp = try await TemporaryLedger.make(engine)
        defer { temp.remove() }
        let callback = try StreamCallback.parse(
            [
                ("AccountSid", Sample.account), ("CallSid", "CA-caller"), ("ConferenceSid", Sample.conference),
                ("StreamSid", "MZapp"), ("StreamName", "MZapp"), ("StreamEvent", "stream-started"),
            ], receivedAt: Sample.at(2))
        #expect(callback.callSid == "CA-caller")
        #expect(try await temp.ledger.applyCallback(callback) == .learned(.inProgress))
        let record = try #require(try await temp.ledger.stream(sid: "MZapp"))
        #expect(record.callSid == "CA-caller")
        #expect(record.startedByText == "application")

        // The service sends CallSid empty on a conference stream's callback: no call.
        let conferenceCallback = try StreamCallback.parse(
            [
                ("AccountSid", Sample.account), ("CallSid", ""), ("ConferenceSid", Sample.conference),
                ("StreamSid", "MZconf"), ("StreamEvent", "stream-started"),
            ], receivedAt: Sample.at(3))
        #expect(conferenceCallback.callSid == nil)
    }
}
