import CompatAPI
@testable import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// Participants and streams are picked by identity: a poll that reorders or removes others
/// never moves a key's target to someone the operator did not pick.
@Suite struct SelectionTests {
    static let conference = Fixtures.conference("c1", "Support Bridge")

    /// The bridge open on screen with these callers, in this order.
    static func open(_ calls: [String]) -> AppState {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        _ = update(&state, .resized(width: 120, height: 40))
        _ = update(&state, poll(calls))
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        return state
    }

    static func poll(_ calls: [String]) -> Msg {
        .pollSucceeded(
            PollSnapshot(conferences: [conference], participants: ["c1": calls.map { Fixtures.participant($0, in: "c1") }]),
            at: Fixtures.epoch)
    }

    static func stream(_ sid: String, minutesAgo: Double) -> StreamRecord {
        StreamRecord(
            sid: sid, accountSid: "AC", conferenceSid: "c1", name: sid, url: "wss://m.example.com/\(sid)",
            startedAt: Fixtures.epoch.addingTimeInterval(-minutesAgo * 60), startedFrom: .dashboard, status: .inProgress,
            updatedAt: Fixtures.epoch)
    }

    @Test func theOneAboveLeavingKeepsThePick() {
        var state = Self.open(["CA1", "CA2", "CA3"])
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedParticipant?.callSid == "CA2")
        _ = update(&state, Self.poll(["CA2", "CA3"]))
        #expect(state.selectedParticipantIndex == 0)
        let effects = update(&state, .key(.character("m")))
        #expect(effects == [.setMuted(conference: "c1", callSid: "CA2", true)])
        #expect(state.status?.text == "muting CA2…")
    }

    @Test func aNewcomerAboveKeepsThePick() {
        var state = Self.open(["CA2", "CA3"])
        _ = update(&state, .key(.character("j")))
        _ = update(&state, Self.poll(["CA1", "CA2", "CA3"]))
        #expect(state.selectedParticipant?.callSid == "CA3")
        #expect(state.selectedParticipantIndex == 2)
    }

    /// The picked caller leaves: the pick moves to the neighbour that took the row, and the
    /// next mutating key says so and acts on nobody; the one after acts on the highlighted row.
    @Test func whenThePickedOneLeavesTheNextKeySaysSoFirst() {
        var state = Self.open(["CA1", "CA2", "CA3"])
        _ = update(&state, .key(.character("j")))
        _ = update(&state, Self.poll(["CA1", "CA3"]))
        #expect(state.selectedParticipant?.callSid == "CA3")
        #expect(update(&state, .key(.character("m"))) == [])
        #expect(state.status?.text.contains("CA2 left; the selection moved to CA3") == true)
        #expect(state.status?.text.contains("press m again") == true)
        #expect(update(&state, .key(.character("m"))) == [.setMuted(conference: "c1", callSid: "CA3", true)])
    }

    @Test func movingThePickByHandClearsTheWarning() {
        var state = Self.open(["CA1", "CA2", "CA3"])
        _ = update(&state, .key(.character("j")))
        _ = update(&state, Self.poll(["CA1", "CA3"]))
        _ = update(&state, .key(.character("k")))
        #expect(update(&state, .key(.character("m"))) == [.setMuted(conference: "c1", callSid: "CA1", true)])
    }

    @Test func theLastOneLeavingMovesThePickUp() {
        var state = Self.open(["CA1", "CA2", "CA3"])
        _ = update(&state, .key(.character("G")))
        _ = update(&state, Self.poll(["CA1", "CA2"]))
        #expect(state.selectedParticipant?.callSid == "CA2")
    }

    /// A stream started while another is picked (newest first, so it lands above): `x` still
    /// asks about the picked one.
    @Test func aNewStreamAboveKeepsTheStreamPick() {
        var state = Self.open(["CA1"])
        _ = update(&state, .streamsChanged([Self.stream("MZ2", minutesAgo: 1), Self.stream("MZ1", minutesAgo: 2)]))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedStream?.sid == "MZ1")
        _ = update(
            &state,
            .streamsChanged([Self.stream("MZ3", minutesAgo: 0), Self.stream("MZ2", minutesAgo: 1), Self.stream("MZ1", minutesAgo: 2)]))
        _ = update(&state, .key(.character("x")))
        #expect(state.confirmation?.action == .stopStream(conference: "c1", stream: "MZ1"))
    }
}

/// One modal at a time, and every key a message names comes from the keymap.
@Suite struct ModalAndKeyWordsTests {
    @Test func oneModalAtATimeTakesEveryKey() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("/")))
        #expect(state.filterEditor != nil)
        // `q` is typed into the filter, not a quit.
        #expect(update(&state, .key(.character("q"))) == [])
        #expect(state.filter == "q")
        _ = update(&state, .key(.enter))
        #expect(state.modal == nil)
        _ = update(&state, .key(.character("?")))
        #expect(state.modal == .help(scroll: 0))
        _ = update(&state, .key(.character("j")))
        #expect(state.modal == .help(scroll: 1))
        _ = update(&state, .key(.character(":")))
        #expect(state.modal == nil, "any other key closes the help, and does nothing else")
    }

    static func remapped() throws -> AppState {
        var state = SelectionTests.open(["CA1"])
        state.keymap = try Keymap.standard.applying(overrides: ["stopStream": "X", "togglePause": "P", "help": "F1"])
        return state
    }

    /// With keys moved, no message names the old ones.
    @Test func messagesNameTheRemappedKeys() throws {
        var state = try Self.remapped()
        _ = update(&state, .key(.character("X")))
        #expect(state.status?.text == "Tab to the streams pane, pick a stream, then X")
        _ = update(&state, .key(.character("P")))
        #expect(state.status?.text == "polling paused (P resumes)")
        _ = update(&state, .key(.character("x")))
        #expect(state.status?.text == "x does nothing here (F1 for help)")
    }

    @Test func aKeyWithNoBindingIsNamedByItsCommand() throws {
        var state = SelectionTests.open(["CA1"])
        state.keymap = Keymap(state.keymap.bindings.filter { $0.action != .stopStream })
        _ = perform(.stopStream, &state)
        #expect(state.status?.text == "Tab to the streams pane, pick a stream, then :stop SID")
    }
}

/// The service's outcome and what confdash failed to record, side by side.
@Suite struct NotRecordedTests {
    @Test func aStopTheLedgerMissedIsAWarningThatSaysBoth() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .streamStopFinished(
                StreamStopReport(
                    sid: "MZ1", name: "recorder", outcome: .stopped,
                    notRecorded: "the stream ledger did not record it (disk full)")))
        #expect(state.status?.severity == .warning)
        #expect(state.status?.text == "stopped stream recorder at the service, but the stream ledger did not record it (disk full)")
    }

    @Test func aStartTheLedgerMissedStillShowsTheStream() {
        var state = Fixtures.loadedState()
        let record = SelectionTests.stream("MZ9", minutesAgo: 0)
        _ = update(&state, .streamStarted(record, notRecorded: "the stream ledger did not record it (disk full)"))
        #expect(state.streams["c1"]?.map(\.sid) == ["MZ9"])
        #expect(state.status?.severity == .warning)
        #expect(state.status?.text.hasPrefix("started stream MZ9 at the service, but the stream ledger") == true)
    }

    @Test func anActionTheAuditMissedIsAWarning() {
        var state = Fixtures.loadedState()
        _ = update(
            &state,
            .actionFinished(ActionOutcome(summary: "Muted CA1", ok: true, notRecorded: "the audit trail did not record it (locked)")))
        #expect(state.status?.severity == .warning)
        #expect(state.status?.text == "Muted CA1, but the audit trail did not record it (locked)")
    }
}

/// What the operator was told stays until it expires: a poll's own warning waits its turn.
@Suite struct StatusPrecedenceTests {
    static func pollWithFailures(at: Date) -> Msg {
        .pollSucceeded(
            PollSnapshot(
                conferences: [Fixtures.conference("c1", "Support Bridge")], participants: [:],
                participantFailures: ["c1": "no complete answer within 5 s"]),
            at: at)
    }

    @Test func aPollWarningNeverReplacesAnActionsOutcome() {
        var state = Fixtures.loadedState()
        _ = update(&state, .actionFinished(ActionOutcome(summary: "Muted CA1", ok: true)))
        _ = update(&state, Self.pollWithFailures(at: Fixtures.epoch.addingTimeInterval(1)))
        #expect(state.status?.text == "Muted CA1")
        // Its time is up, but no key has been pressed since: the outcome stays.
        _ = update(&state, Self.pollWithFailures(at: Fixtures.epoch.addingTimeInterval(AppState.statusLifetime + 1)))
        #expect(state.status?.text == "Muted CA1")
        // Its time is up and a key was pressed: the poll's warning shows.
        _ = update(&state, .key(.character("j")))
        _ = update(&state, Self.pollWithFailures(at: Fixtures.epoch.addingTimeInterval(AppState.statusLifetime + 2)))
        #expect(state.status?.text.hasPrefix("participants of 1 conference not refreshed") == true)
        #expect(state.status?.fromPoll == true)
    }
}
