import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// Stream control in the update function: the form, the stop question, the ledger's streams.
struct StreamControlTests {
    static func record(_ sid: String, name: String?, in conference: String, status: StreamState) -> StreamRecord {
        StreamRecord(
            sid: sid, accountSid: "AC", conferenceSid: conference, conferenceName: nil, name: name,
            url: "wss://media.example.com/\(sid)", track: nil, codec: nil, realTime: false, statusCallback: nil,
            statusCallbackMethod: nil, parameters: [], startedAt: Fixtures.epoch, startedFrom: .dashboard, status: status,
            statusReason: nil, updatedAt: Fixtures.epoch)
    }

    /// The detail of c1 open with one running stream, the streams pane focused.
    static func stateWithStream() -> AppState {
        var state = Fixtures.loadedState()
        _ = update(&state, .streamsChanged([record("MZ1", name: "rec", in: "c1", status: .inProgress)]))
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.tab))
        return state
    }

    @Test func ledgerStreamsCountPerConference() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .streamsChanged([
                Self.record("MZ1", name: "a", in: "c1", status: .inProgress),
                Self.record("MZ2", name: nil, in: "c1", status: .stopped),
                Self.record("MZ3", name: nil, in: "c2", status: .queued),
            ]))
        #expect(state.rows["c1"]?.streamCount == 1)
        #expect(state.rows["c2"]?.streamCount == 1)
        #expect(state.streamCount == 2)
    }

    @Test func stopAsksFirstWithCancelFocused() {
        var state = Self.stateWithStream()
        #expect(update(&state, .key(.character("x"))) == [])
        #expect(state.confirmation?.question == "Stop stream rec (MZ1) on Support Bridge?")
        #expect(state.confirmation?.confirmFocused == false)
        #expect(update(&state, .key(.enter)) == [])
        #expect(state.confirmation == nil)
        _ = update(&state, .key(.character("x")))
        _ = update(&state, .key(.tab))
        #expect(update(&state, .key(.enter)) == [.stopStream(conference: "c1", stream: "MZ1")])
    }

    @Test func stoppedStreamsAreNotAskedAgain() {
        var state = Fixtures.loadedState()
        _ = update(&state, .streamsChanged([Self.record("MZ1", name: "rec", in: "c1", status: .stopped)]))
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.character("x")))
        #expect(state.confirmation == nil)
        #expect(state.status?.text.contains("already stopped") == true)
    }

    @Test func formSubmitsOnceAndClosesOnSuccess() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("n")))
        #expect(state.startStreamForm?.conferenceSid == "c2")
        _ = update(&state, .key(.paste("wss://media.example.com/live")))
        let effects = update(&state, .key(.enter))
        guard case .startStream(let conference, _, let request) = effects.first else {
            Issue.record("expected a start, got \(effects)")
            return
        }
        #expect(conference == "c2")
        #expect(request.url == "wss://media.example.com/live")
        #expect(update(&state, .key(.enter)) == [])
        _ = update(&state, .streamStarted(Self.record("MZ9", name: nil, in: "c2", status: .queued), notRecorded: nil))
        #expect(state.startStreamForm == nil)
        #expect(state.streams["c2"]?.first?.status == .queued)
    }

    @Test func aRefusedStartKeepsTheFormOpenWithTheReason() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("n")))
        _ = update(&state, .key(.paste("wss://media.example.com/live")))
        let effects = update(&state, .key(.enter))
        guard case .startStream(let conference, _, let request)? = effects.first else {
            Issue.record("no start: \(effects)")
            return
        }
        _ = update(
            &state,
            .streamStartFailed(conference: conference, name: request.name, message: "request refused (422): Duplicated stream name"))
        #expect(state.startStreamForm?.serviceError?.contains("Duplicated stream name") == true)
        #expect(state.startStreamForm?.submitting == false)
    }

    @Test func completedConferencesGetNoForm() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("G")))
        _ = update(&state, .key(.character("n")))
        #expect(state.startStreamForm == nil)
        guard case .notice(let notice) = state.modal else {
            Issue.record("n on a completed conference opened \(String(describing: state.modal))")
            return
        }
        #expect(notice.message == "Old call has ended (completed): a stream can only start on a live conference. Nothing was done.")
    }

    @Test func aConferenceThatEndsEndsItsOpenStreams() {
        var state = Self.stateWithStream()
        var ended = state.rows["c1"]!.conference
        ended.status = .completed
        let effects = update(&state, .pollSucceeded(Fixtures.snapshot([ended]), at: Fixtures.epoch.addingTimeInterval(4)))
        #expect(effects == [.conferencesEnded(["c1"])])
    }

    @Test func stopAndTrackCommands() {
        var state = Self.stateWithStream()
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("stop rec")))
        _ = update(&state, .key(.enter))
        #expect(state.confirmation?.action == .stopStream(conference: "c1", stream: "MZ1"))
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character(":")))
        _ = update(&state, .key(.paste("track MZ0123456789abcdef0123456789abcd77")))
        #expect(update(&state, .key(.enter)) == [.trackStream(conference: "c1", sid: "MZ0123456789abcdef0123456789abcd77")])
    }

    @Test func eventLogOpensAndReadsTheAuditTrail() {
        var state = Fixtures.loadedState()
        #expect(update(&state, .key(.character("L"))) == [.watch(nil), .loadAudit])
        #expect(state.screen == .eventLog)
        _ = update(&state, .key(.escape))
        #expect(state.screen == .conferences)
    }

    @Test func aRefusedMuteIsRolledBack() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.enter))
        let before = state.rows["c1"]!.participants[0]
        let effects = update(&state, .key(.character("m")))
        #expect(effects == [.setMuted(conference: "c1", callSid: before.callSid, !before.muted)])
        #expect(state.rows["c1"]!.participants[0].muted == !before.muted)
        _ = update(&state, .actionFinished(ActionOutcome(summary: "refused", ok: false, callSid: before.callSid)))
        #expect(state.rows["c1"]!.participants[0] == before)
        #expect(state.status?.severity == .error)
    }

    @Test func holdAsksForMusicAndUnholdDoesNot() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("j")))
        _ = update(&state, .key(.enter))
        let call = state.rows["c1"]!.participants[0].callSid
        // h opens the music prompt; nothing is sent and nothing changes yet.
        #expect(update(&state, .key(.character("h"))) == [])
        #expect(state.urlPrompt?.purpose == .hold(callSid: call))
        #expect(state.rows["c1"]!.participants[0].hold == false)
        // A URL the service would refuse stays in the prompt with a reason.
        _ = update(&state, .key(.paste("ftp://music.example.com/x.mp3")))
        #expect(update(&state, .key(.enter)) == [])
        #expect(state.urlPrompt?.problem?.contains("http") == true)
        // A good URL holds the participant at once, with that music.
        for _ in 0..<40 { _ = update(&state, .key(.backspace)) }
        _ = update(&state, .key(.paste("https://music.example.com/hold.mp3")))
        #expect(
            update(&state, .key(.enter))
                == [.setHold(conference: "c1", callSid: call, true, holdUrl: "https://music.example.com/hold.mp3")])
        #expect(state.urlPrompt == nil && state.rows["c1"]!.participants[0].hold)
        // h on a held participant takes them off hold straight away.
        #expect(update(&state, .key(.character("h"))) == [.setHold(conference: "c1", callSid: call, false, holdUrl: nil)])
        #expect(state.rows["c1"]!.participants[0].hold == false)
        // An empty prompt keeps the service's own music; Esc puts nobody on hold.
        _ = update(&state, .key(.character("h")))
        #expect(update(&state, .key(.enter)) == [.setHold(conference: "c1", callSid: call, true, holdUrl: nil)])
        _ = update(&state, .key(.character("h")))
        _ = update(&state, .key(.character("h")))
        #expect(update(&state, .key(.escape)) == [])
        #expect(state.urlPrompt == nil && state.rows["c1"]!.participants[0].hold == false)
    }

    @Test func profileCommandNamesTheProfilesAndAsksForASwitch() {
        var state = Fixtures.loadedState()
        state.profile = "alpha"
        state.profiles = ["alpha", "bravo", "charlie"]
        func command(_ line: String) -> [Effect] {
            _ = update(&state, .key(.character(":")))
            _ = update(&state, .key(.paste(line)))
            return update(&state, .key(.enter))
        }
        #expect(command("profile") == [])
        #expect(state.status?.text.contains("profile alpha") == true)
        #expect(state.status?.text.contains("others: bravo, charlie") == true)
        #expect(command("profile alpha") == [])
        #expect(state.status?.text == "already on profile alpha")
        #expect(command("profile bravo") == [.switchProfile("bravo")])
        // Read-only does not stop a switch: looking elsewhere changes nothing.
        state.readOnly = true
        #expect(command("profile charlie") == [.switchProfile("charlie")])
    }

    @Test func readOnlyKeysSayWhyAndSendNothing() {
        var state = Fixtures.loadedState()
        state.readOnly = true
        for key: Character in ["n", "E", "A"] {
            #expect(update(&state, .key(.character(key))) == [])
            guard case .notice(let notice) = state.modal else {
                Issue.record("read-only \(key) opened \(String(describing: state.modal))")
                continue
            }
            #expect(notice.message.contains("read-only"))
            _ = update(&state, .key(.escape))
        }
        #expect(state.startStreamForm == nil && state.confirmation == nil && state.urlPrompt == nil)
        #expect(!state.keymap.readOnly.bindings.contains { $0.mutating })
    }
}
