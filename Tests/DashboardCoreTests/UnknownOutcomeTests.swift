import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// Outcome unknown is a state: kept, shown, and settled by what the service says next.
@Suite struct UnknownOutcomeTests {
    static let request = StartStreamRequest(url: "wss://media.example.com/live", name: "cd-ana-1f2e3d")

    static func unknownRecord() -> StreamRecord {
        StreamRecord(
            sid: StreamRecord.provisionalSid(conferenceSid: "c1", name: "cd-ana-1f2e3d"), accountSid: "AC",
            conferenceSid: "c1", name: "cd-ana-1f2e3d", url: request.url, startedAt: Fixtures.epoch,
            startedFrom: .dashboard, status: .unknown, statusReason: "start unanswered", updatedAt: Fixtures.epoch)
    }

    static func poll(_ state: inout AppState, at seconds: TimeInterval, muted: Bool = false) -> [Effect] {
        var snapshot = Fixtures.snapshot(
            [
                Fixtures.conference("c1", "Support Bridge", minutesAgo: 30),
                Fixtures.conference("c2", "東京 standup", minutesAgo: 5),
            ], participants: ["c1": 3, "c2": 1])
        if muted { snapshot.participants["c1"]?[1].muted = true }
        return update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch.addingTimeInterval(seconds)))
    }

    @Test func anUnansweredStartKeepsTheFormWithItsNameAndIsSentAgainOnceTheServiceAnswers() throws {
        var state = Fixtures.loadedState()
        state.selectedSid = "c1"
        _ = update(&state, .key(.character("n")))
        _ = update(&state, .key(.paste("wss://media.example.com/live")))
        _ = update(&state, .key(.enter))
        _ = update(
            &state,
            .streamStartUnknown(
                conference: "c1", conferenceName: "Support Bridge", request: Self.request, record: Self.unknownRecord(),
                message: "outcome unknown: no complete answer within 5 s"))
        // The form stays, with the name the start went under: Enter sends the very same start.
        let form = try #require(state.startStreamForm)
        #expect(form.name.text == "cd-ana-1f2e3d")
        #expect(form.submitting == false)
        #expect(state.status?.severity == .warning)
        #expect(state.streams["c1"]?.first?.status == .unknown)
        #expect(state.currentProblem?.text.contains("outcome unknown: start of stream cd-ana-1f2e3d") == true)
        // It does not count against its own name.
        var copy = form
        guard case .submit(let again) = copy.apply(.enter) else {
            Issue.record("Enter did not send the start again")
            return
        }
        #expect(again.name == "cd-ana-1f2e3d")

        // The next good poll sends it again by itself, once; not again while it is on its way.
        #expect(Self.poll(&state, at: 2).contains(.startStream(conference: "c1", conferenceName: "Support Bridge", Self.request)))
        #expect(!Self.poll(&state, at: 4).contains { if case .startStream = $0 { true } else { false } })

        // The service refused the name: the first start did it. Settled, one row, form closed.
        var running = Self.unknownRecord()
        running.status = .queued
        _ = update(&state, .streamStarted(running, notRecorded: nil))
        #expect(state.unsettled.isEmpty)
        #expect(state.startStreamForm == nil)
        #expect(state.streams["c1"]?.count == 1)
        #expect(state.status?.text.hasPrefix("settled: stream cd-ana-1f2e3d runs") == true)
        #expect(state.currentProblem == nil)
    }

    @Test func aStartThatSettlesWithItsSidReplacesTheKeptRow() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .streamStartUnknown(
                conference: "c1", conferenceName: "Support Bridge", request: Self.request, record: Self.unknownRecord(),
                message: "outcome unknown"))
        var started = Self.unknownRecord()
        started.sid = "5ef1a2b3-0000-4000-8000-000000000009"
        started.status = .queued
        _ = update(&state, .streamStarted(started, notRecorded: nil))
        #expect(state.streams["c1"]?.map(\.sid) == [started.sid])
        #expect(state.status?.text.hasPrefix("settled: started stream cd-ana-1f2e3d") == true)
    }

    @Test func anUnansweredMuteIsNotRolledBackAndTheNextReadsSettleIt() {
        var state = Fixtures.loadedState()
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.character("j")))
        let effects = update(&state, .key(.character("m")))
        guard case .setMuted(let conference, let call, true)? = effects.first else {
            Issue.record("no mute: \(effects)")
            return
        }
        _ = update(
            &state,
            .actionFinished(
                ActionOutcome(
                    summary: "mute \(call): no complete answer within 5 s", ok: false, callSid: call, unknown: true,
                    change: .mute(true), conferenceSid: conference)))
        // Still shown muted (it may have happened), and said to be unknown.
        #expect(state.openConference?.participants.first { $0.callSid == call }?.muted == true)
        #expect(state.status?.text.hasPrefix("outcome unknown: mute") == true)
        #expect(state.currentProblem?.text.contains("mute of \(call)") == true)
        // The next read shows it muted: it reached the service.
        let settled = Self.poll(&state, at: 2, muted: true)
        #expect(settled.contains(.recordSettlement(conference: conference, callSid: call, change: .mute(true), happened: true)))
        #expect(state.unsettled.isEmpty)
        #expect(state.status?.text == "settled: the mute of \(call) reached the service (muted)")
    }

    @Test func aMuteThatNeverLandsIsSettledAfterSeveralReads() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .actionFinished(
                ActionOutcome(
                    summary: "mute CAc1-1: no answer", ok: false, callSid: "CAc1-1", unknown: true, change: .mute(true),
                    conferenceSid: "c1")))
        _ = Self.poll(&state, at: 2)
        _ = Self.poll(&state, at: 4)
        _ = Self.poll(&state, at: 6)
        #expect(state.unsettled.count == 1, "reads a few seconds after are not enough: a held request may land later")
        let effects = Self.poll(&state, at: 16)
        #expect(effects.contains(.recordSettlement(conference: "c1", callSid: "CAc1-1", change: .mute(true), happened: false)))
        #expect(state.unsettled.isEmpty)
        #expect(state.status?.text == "settled: the mute of CAc1-1 did not happen (not muted)")
    }

    @Test func anUnansweredStopIsSentAgainOnceTheServiceAnswers() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .streamStopFinished(
                StreamStopReport(
                    sid: "MZ1", name: "recorder", outcome: .refused("no answer"), error: "no complete answer within 5 s",
                    unknown: true, conferenceSid: "c1", requested: "MZ1")))
        #expect(state.status?.text.hasPrefix("outcome unknown: stop of stream recorder (MZ1)") == true)
        #expect(Self.poll(&state, at: 2).contains(.stopStream(conference: "c1", stream: "MZ1")))
        _ = update(
            &state,
            .streamStopFinished(
                StreamStopReport(sid: "MZ1", name: "recorder", outcome: .alreadyStopped, conferenceSid: "c1", requested: "MZ1")))
        #expect(state.unsettled.isEmpty)
        #expect(state.status?.text == "stream recorder (MZ1) was already stopped")
    }

    @Test func aConferenceFoundCompletedEndsItsOpenStreams() {
        var state = Fixtures.loadedState()
        // c3 was completed from the first poll on; the ledger still holds a stream of it open.
        _ = update(&state, .streamsChanged([Self.recordIn("c3")]))
        let effects = Self.poll(&state, at: 2) + update(
            &state,
            .pollSucceeded(
                Fixtures.snapshot([Fixtures.conference("c3", "Old call", status: .completed, minutesAgo: 90)]),
                at: Fixtures.epoch.addingTimeInterval(4)))
        #expect(effects.contains(.conferencesEnded(["c3"])))
    }

    static func recordIn(_ conference: String) -> StreamRecord {
        StreamRecord(
            sid: "MZ-open", accountSid: "AC", conferenceSid: conference, name: "left-open", startedAt: Fixtures.epoch,
            startedFrom: .dashboard, status: .queued, updatedAt: Fixtures.epoch)
    }

    @Test func trackTakesOnlyASidOfTheRightShapeOnALiveConference() {
        var state = Fixtures.loadedState()
        for key in ":track abc".map({ Key.character($0) }) { _ = update(&state, .key(key)) }
        #expect(update(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text.hasPrefix(":track takes a stream sid") == true)
        state.selectedSid = "c3"
        for key in ":track 5ef1a2b3-0000-4000-8000-000000000001".map({ Key.character($0) }) { _ = update(&state, .key(key)) }
        #expect(update(&state, .key(.enter)).isEmpty)
        #expect(state.status?.text.contains("is completed") == true)
        state.selectedSid = "c1"
        for key in ":track MZ0123456789abcdef0123456789abcdef".map({ Key.character($0) }) { _ = update(&state, .key(key)) }
        #expect(update(&state, .key(.enter)) == [.trackStream(conference: "c1", sid: "MZ0123456789abcdef0123456789abcdef")])
    }

    @Test func aStopOfAStreamConfdashDoesNotKnowSaysSoBeforeTheYes() {
        var state = Fixtures.loadedState()
        for key in ":stop nosuch".map({ Key.character($0) }) { _ = update(&state, .key(key)) }
        _ = update(&state, .key(.enter))
        #expect(state.confirmation?.question.contains("confdash has no stream nosuch on it") == true)
    }

    @Test func theHeaderNeverClaimsFreshnessItDoesNotHave() {
        var state = Fixtures.loadedState()
        state.refreshInterval = 2
        // On time: live, and no wake until a late poll would first show.
        #expect(state.pollOverdue == nil)
        #expect(state.nextWake == Fixtures.epoch.addingTimeInterval(4.5))
        // A poll in flight longer than the refresh interval is said, and the header ticks each second.
        _ = update(&state, .tick(Fixtures.epoch.addingTimeInterval(7)))
        #expect(state.pollOverdue == 5)
        #expect(state.currentProblem?.text == "a refresh has waited 5s for the service's answer")
        #expect(state.nextWake == Fixtures.epoch.addingTimeInterval(8))
        // Failing: the reason has its place, and stays over any transient message.
        _ = update(
            &state,
            .pollFailed(
                reason: "authentication failed (check the Project ID and API token)", attempt: 1,
                retryAt: Fixtures.epoch.addingTimeInterval(9), at: Fixtures.epoch.addingTimeInterval(8)))
        _ = update(&state, .key(.character("r")))
        #expect(state.currentProblem?.text == "authentication failed (check the Project ID and API token)")
        #expect(state.nextWake == Fixtures.epoch.addingTimeInterval(9))
    }

    @Test func pausedDataStillAges() {
        var state = Fixtures.loadedState()
        _ = update(&state, .pauseChanged(true, at: Fixtures.epoch.addingTimeInterval(1)))
        #expect(state.nextWake == Fixtures.epoch.addingTimeInterval(2))
        _ = update(&state, .tick(Fixtures.epoch.addingTimeInterval(90)))
        // Past a minute the age reads in minutes: the next change is at two minutes.
        #expect(state.nextWake == Fixtures.epoch.addingTimeInterval(120))
    }
}
