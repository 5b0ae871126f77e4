import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// One participant's call, streamed (`n` on the participants pane) and recorded (`R`): the form
/// and the picker each opens, the one effect each comes to, and how a call's recording is
/// paused, stopped and deleted through the call's endpoints rather than the conference's.
struct CallStreamAndRecordingTests {
    static func callRecording(_ sid: String, _ status: RecordingStatus, call: String = "CAc1-1") -> Recording {
        let at = ServiceDate(Fixtures.epoch.addingTimeInterval(-60))
        return Recording(
            sid: sid, accountSid: "AC", callSid: call, conferenceSid: nil, channels: 2, dateCreated: at, dateUpdated: at,
            startTime: at, endTime: nil, duration: 12, source: .startCallRecordingAPI, status: status,
            uri: "/Recordings/\(sid).json", transcriptionsUri: "")
    }

    /// Support Bridge open, with who is on its calls (Alice Moreno on CAc1-1), Alice picked.
    static func aliceOpen() -> AppState {
        var state = FilterTests.bridgeOpen()
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.calls = [
            "CAc1-1": CallInfo(
                from: "+1 555-010-0100", to: "+1 555-010-0199", callerName: "Alice Moreno", direction: .inbound,
                startedAt: nil, status: .inProgress, quality: CallQuality())
        ]
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedParticipant?.callSid == "CAc1-1")
        return state
    }

    @Test func nOnTheParticipantsPaneOpensTheCallsFormWithoutCodecOrRealTime() throws {
        var state = Self.aliceOpen()
        #expect(state.footerHints.hints.contains { $0.summary == "stream the call" })
        _ = update(&state, .key(.character("n")))
        let form = try #require(state.startStreamForm)
        #expect(form.callSid == "CAc1-1")
        #expect(form.title.contains("CAc1-1"))
        #expect(form.title.contains("Alice Moreno"))
        #expect(!form.focusOrder.contains(.codec))
        #expect(!form.focusOrder.contains(.realTime))
        _ = update(&state, .key(.paste("wss://media.example.com/alice")))
        let effects = update(&state, .key(.enter))
        guard case .startCallStream(let conference, let name, let call, let request)? = effects.first else {
            Issue.record("expected a call stream's start, got \(effects)")
            return
        }
        #expect(conference == "c1")
        #expect(name == "Support Bridge")
        #expect(call == "CAc1-1")
        #expect(request.url == "wss://media.example.com/alice")
        #expect(request.problems.isEmpty)
    }

    @Test func nOnTheOtherPanesStillOpensTheConferencesForm() throws {
        var state = Self.aliceOpen()
        _ = update(&state, .key(.tab))
        #expect(state.footerHints.hints.contains { $0.summary == "new stream" })
        _ = update(&state, .key(.character("n")))
        let form = try #require(state.startStreamForm)
        #expect(form.callSid == nil)
        #expect(form.focusOrder.contains(.codec))
        #expect(form.focusOrder.contains(.realTime))
        #expect(form.title == "Start a stream on Support Bridge")

        // And on the conferences table.
        var table = Fixtures.loadedState()
        _ = update(&table, .key(.character("n")))
        #expect(table.startStreamForm?.callSid == nil)
    }

    @Test func anUnansweredCallStartIsSentAgainToTheCallUnderTheSameName() throws {
        var state = Self.aliceOpen()
        _ = update(&state, .key(.character("n")))
        _ = update(&state, .key(.paste("wss://media.example.com/alice")))
        _ = update(&state, .key(.enter))
        let sent = StartStreamRequest(url: "wss://media.example.com/alice", name: "cd-ana-abc123")
        _ = update(
            &state,
            .streamStartUnknown(
                conference: "c1", conferenceName: "Support Bridge", request: sent, call: "CAc1-1", record: nil,
                message: "outcome unknown: no complete answer within 5 s"))
        #expect(state.startStreamForm?.name.text == "cd-ana-abc123")
        #expect(state.currentProblem?.text.contains("on call CAc1-1") == true)
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.startedAt = Fixtures.epoch.addingTimeInterval(2)
        let effects = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch.addingTimeInterval(2)))
        let retry = effects.first { if case .startCallStream = $0 { true } else { false } }
        guard case .startCallStream(let conference, _, let call, let request)? = retry else {
            Issue.record("no retry to the call: \(effects)")
            return
        }
        #expect(conference == "c1")
        #expect(call == "CAc1-1")
        #expect(request.name == "cd-ana-abc123")
        #expect(!effects.contains { if case .startStream = $0 { true } else { false } }, "never to the conference")
    }

    @Test func recordAsksChannelsAndTrackThenStartsTheCallsRecording() throws {
        var state = Self.aliceOpen()
        #expect(update(&state, .key(.character("R"))).isEmpty)
        guard case .picker(let picker)? = state.modal else {
            Issue.record("R did not open a picker: \(String(describing: state.modal))")
            return
        }
        #expect(picker.question.contains("Alice Moreno"))
        #expect(picker.items.count == 6)
        _ = update(&state, .key(.character("j")))
        let effects = update(&state, .key(.enter))
        #expect(effects == [.recordCall(conference: "c1", call: "CAc1-1", StartCallRecordingRequest(channels: .dual, track: .both))])
        #expect(state.modal == nil)

        // The service's answer shows at once in the recordings pane, marked as the call's.
        _ = update(&state, .callRecordingChanged(conference: "c1", Self.callRecording("RC1", .inProgress)))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.tab))
        #expect(state.shownRecordings.map(\.sid) == ["RC1"])
        #expect(state.selectedRecording?.callSid == "CAc1-1")
        // A poll's read of the call's recordings replaces it, and the conference's own stay beside it.
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.recordings = ["c1": [RecordingsPaneTests.recording("RE1", .inProgress)]]
        snapshot.callRecordings = ["c1": [Self.callRecording("RC1", .paused)]]
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch.addingTimeInterval(2)))
        #expect(state.shownRecordings.map(\.sid) == ["RC1", "RE1"])
        #expect(state.shownRecordings.first?.status == .paused)
    }

    @Test func pauseResumeStopAndDeleteOfACallsRecordingGoThroughTheCall() {
        var state = Self.aliceOpen()
        _ = update(&state, .callRecordingChanged(conference: "c1", Self.callRecording("RC1", .inProgress)))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.tab))
        #expect(state.selectedRecording?.sid == "RC1")

        _ = update(&state, .key(.character("P")))
        _ = update(&state, .key(.character("j")))
        #expect(
            update(&state, .key(.enter))
                == [.updateCallRecording(conference: "c1", call: "CAc1-1", recording: "RC1", .pause(.silence))])

        _ = update(&state, .callRecordingChanged(conference: "c1", Self.callRecording("RC1", .paused)))
        #expect(
            update(&state, .key(.character("P")))
                == [.updateCallRecording(conference: "c1", call: "CAc1-1", recording: "RC1", .resume)])

        _ = update(&state, .callRecordingChanged(conference: "c1", Self.callRecording("RC1", .inProgress)))
        _ = update(&state, .key(.character("x")))
        #expect(state.confirmation?.question.contains("call") == true)
        _ = update(&state, .key(.tab))
        #expect(
            update(&state, .key(.enter)) == [.updateCallRecording(conference: "c1", call: "CAc1-1", recording: "RC1", .stop)])

        _ = update(&state, .key(.character("D")))
        _ = update(&state, .key(.tab))
        #expect(update(&state, .key(.enter)) == [.deleteCallRecording(conference: "c1", call: "CAc1-1", recording: "RC1")])
        _ = update(&state, .callRecordingDeleted(conference: "c1", sid: "RC1"))
        #expect(state.shownRecordings.isEmpty)
    }

    @Test func readOnlyRefusesStreamingAndRecordingACall() {
        for key: Character in ["n", "R"] {
            var state = Self.aliceOpen()
            state.readOnly = true
            #expect(update(&state, .key(.character(key))).isEmpty)
            guard case .notice(let notice)? = state.modal else {
                Issue.record("\(key) was not refused: \(String(describing: state.modal))")
                continue
            }
            #expect(notice.title == "Read-only")
            #expect(!state.footerHints.hints.contains { $0.summary == "stream the call" })
        }
    }

    @Test func theRecordKeyClashesWithNoOther() {
        let keys = Keymap.standard.bindings.filter { $0.contexts.contains(.detail) }.flatMap(\.keys)
        #expect(keys.filter { $0 == .character("R") }.count == 1)
        #expect(Keymap.standard.action(for: .character("R"), in: .detail) == .recordCall)
    }
}
