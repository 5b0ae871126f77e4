import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The recordings pane and the keys on a recording, coaching and the announcement to one
/// caller: what each key asks, and the one effect it comes to.
struct RecordingsPaneTests {
    static func recording(_ sid: String, _ status: RecordingStatus, seconds: Int? = 42) -> Recording {
        let at = ServiceDate(Fixtures.epoch.addingTimeInterval(-120))
        return Recording(
            sid: sid, accountSid: "AC", callSid: nil, conferenceSid: "c1", channels: 1, dateCreated: at, dateUpdated: at,
            startTime: at, endTime: nil, duration: seconds, source: .startConferenceRecording, status: status,
            uri: "/Recordings/\(sid).json", transcriptionsUri: "")
    }

    /// Support Bridge (c1) open on the recordings pane: one recording running, one paused, one completed.
    static func onRecordings() -> AppState {
        var state = FilterTests.bridgeOpen()
        _ = update(
            &state,
            .recordingsRead(
                conference: "c1", [recording("RE1", .inProgress), recording("RE2", .paused), recording("RE3", .completed)]))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.tab))
        return state
    }

    @Test func tabCyclesParticipantsStreamsRecordings() {
        var state = FilterTests.bridgeOpen()
        #expect(state.detailPane == .participants)
        _ = update(&state, .key(.tab))
        #expect(state.detailPane == .streams)
        _ = update(&state, .key(.tab))
        #expect(state.detailPane == .recordings)
        _ = update(&state, .key(.tab))
        #expect(state.detailPane == .participants)
    }

    @Test func aPollBringsTheOpenConferencesRecordingsAndThePickFollowsThem() {
        var state = FilterTests.bridgeOpen()
        #expect(!state.recordingsKnown)
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.recordings = ["c1": [Self.recording("RE1", .inProgress)]]
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        #expect(state.recordingsKnown)
        #expect(state.shownRecordings.map(\.sid) == ["RE1"])
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.tab))
        #expect(state.selectedRecording?.sid == "RE1")
    }

    @Test func pauseAsksSkipOrSilenceAndResumeActsAtOnce() {
        var state = Self.onRecordings()
        #expect(update(&state, .key(.character("P"))).isEmpty)
        guard case .picker(let picker)? = state.modal else {
            Issue.record("no picker: \(String(describing: state.modal))")
            return
        }
        #expect(picker.items.count == 2)
        _ = update(&state, .key(.character("j")))
        #expect(update(&state, .key(.enter)) == [.pauseRecording(conference: "c1", recording: "RE1", .silence)])
        #expect(state.modal == nil)

        _ = update(&state, .key(.character("j")))
        #expect(state.selectedRecording?.sid == "RE2")
        #expect(update(&state, .key(.character("P"))) == [.resumeRecording(conference: "c1", recording: "RE2")])

        _ = update(&state, .key(.character("j")))
        #expect(update(&state, .key(.character("P"))).isEmpty)
        #expect(state.modal == nil, "a completed recording has nothing to pause")
        #expect(state.status?.text.contains("completed") == true)
    }

    @Test func escOnThePickerDoesNothing() {
        var state = Self.onRecordings()
        _ = update(&state, .key(.character("P")))
        #expect(update(&state, .key(.escape)).isEmpty)
        #expect(state.modal == nil)
        #expect(state.status?.text == "nothing done")
    }

    @Test func stopAndDeleteAskFirstWithCancelFocused() {
        var state = Self.onRecordings()
        _ = update(&state, .key(.character("x")))
        guard case .confirmation(let stop)? = state.modal else {
            Issue.record("x did not ask")
            return
        }
        #expect(stop.question.contains("RE1") && stop.question.contains("cannot be resumed"))
        #expect(update(&state, .key(.enter)).isEmpty, "Enter alone is Cancel")
        _ = update(&state, .key(.character("x")))
        _ = update(&state, .key(.tab))
        #expect(update(&state, .key(.enter)) == [.stopRecording(conference: "c1", recording: "RE1")])

        _ = update(&state, .key(.character("D")))
        guard case .confirmation(let delete)? = state.modal else {
            Issue.record("D did not ask")
            return
        }
        #expect(delete.question.contains("RE1") && delete.question.contains("cannot be undone"))
        _ = update(&state, .key(.tab))
        #expect(update(&state, .key(.enter)) == [.deleteRecording(conference: "c1", recording: "RE1")])
    }

    @Test func recordingKeysElsewhereSayWhereToGo() {
        var state = FilterTests.bridgeOpen()
        #expect(update(&state, .key(.character("P"))).isEmpty)
        #expect(state.status?.text.contains("recordings pane") == true)
        #expect(state.modal == nil)
    }

    @Test func readOnlyRefusesEveryNewKey() {
        for key in ["P", "D", "c", "a"] {
            var state = Self.onRecordings()
            state.readOnly = true
            #expect(update(&state, .key(.character(Character(key)))).isEmpty)
            guard case .notice(let notice)? = state.modal else {
                Issue.record("\(key) was not refused")
                continue
            }
            #expect(notice.title == "Read-only")
        }
    }

    @Test func coachPicksAmongTheOthersAndTheSameKeyOnACoachEndsIt() {
        var state = FilterTests.bridgeOpen()
        #expect(state.selectedParticipant?.callSid == "CAc1-0")
        _ = update(&state, .key(.character("c")))
        guard case .picker(let picker)? = state.modal else {
            Issue.record("c did not open the picker")
            return
        }
        #expect(picker.items.map(\.label) == ["CAc1-1", "CAc1-2"])
        _ = update(&state, .key(.character("j")))
        #expect(
            update(&state, .key(.enter)) == [.coach(conference: "c1", coach: "CAc1-0", callSidToCoach: "CAc1-2")])

        // The service says CAc1-0 coaches now: c ends it.
        var snapshot = Fixtures.snapshot([Fixtures.conference("c1", "Support Bridge", minutesAgo: 30)], participants: ["c1": 3])
        snapshot.participants["c1"]?[0].coaching = true
        snapshot.participants["c1"]?[0].callSidToCoach = "CAc1-2"
        _ = update(&state, .pollSucceeded(snapshot, at: Fixtures.epoch))
        #expect(update(&state, .key(.character("c"))) == [.stopCoaching(conference: "c1", callSid: "CAc1-0")])
    }

    @Test func announceToOneCallerTakesAnAbsoluteURL() {
        var state = FilterTests.bridgeOpen()
        _ = update(&state, .key(.character("a")))
        guard case .urlPrompt(let prompt)? = state.modal else {
            Issue.record("a did not open the prompt")
            return
        }
        #expect(prompt.purpose == .announceParticipant(callSid: "CAc1-0"))
        _ = update(&state, .key(.paste("not a url")))
        #expect(update(&state, .key(.enter)).isEmpty)
        #expect(state.urlPrompt?.problem?.contains("not an absolute http(s) URL") == true)
        for _ in 0..<9 { _ = update(&state, .key(.backspace)) }
        _ = update(&state, .key(.paste("https://media.example.com/hello.xml")))
        _ = update(&state, .key(.tab))
        #expect(
            update(&state, .key(.enter)) == [
                .announceToParticipant(
                    conference: "c1", callSid: "CAc1-0", url: "https://media.example.com/hello.xml", method: .get)
            ])
    }
}
