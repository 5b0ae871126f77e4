import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Ledger
import Testing

/// Conference status callbacks applied at once: joins, leaves, mutes, holds and ends show
/// without waiting for a poll, the pane knows who is speaking, and polls stay the safety net.
struct ConferenceEventTests {
    /// Support Bridge (c1) with callers CAc1-0, CAc1-1, CAc1-2, open on screen.
    static func bridgeOpen() -> AppState {
        var state = Fixtures.loadedState()
        state.selectedSid = "c1"
        _ = update(&state, .key(.enter))
        #expect(state.openConference?.id == "c1")
        return state
    }

    static let at = Fixtures.epoch.addingTimeInterval(3)

    static func event(
        _ kind: ConferenceEvent, call: String? = nil, conference: String = "c1", sequence: Int? = nil,
        muted: Bool? = nil, hold: Bool? = nil, account: String = "AC", name: String? = "Support Bridge"
    ) -> ConferenceStatusEvent {
        ConferenceStatusEvent(
            accountSid: account, conferenceSid: conference, friendlyName: name, event: kind, sequenceNumber: sequence,
            callSid: call, muted: muted, hold: hold, coaching: false, endConferenceOnExit: false,
            startConferenceOnEnter: true, at: at)
    }

    @discardableResult
    static func send(_ state: inout AppState, _ event: ConferenceStatusEvent, at: Date = at) -> [Effect] {
        update(&state, .conferenceEvent(event, at: at))
    }

    static func calls(_ state: AppState, _ conference: String = "c1") -> [String] {
        state.rows[conference]?.participants.map(\.callSid) ?? []
    }

    /// A poll that lists the three conferences as they were and c1's callers as given.
    static func poll(
        _ state: inout AppState, c1: [String], startedAt: Date?, at: Date = Fixtures.epoch.addingTimeInterval(10)
    ) {
        let conferences = ["c1", "c2", "c3"].compactMap { state.rows[$0]?.conference }
        let participants = c1.map { Fixtures.participant($0, in: "c1") }
        _ = update(
            &state,
            .pollSucceeded(
                PollSnapshot(conferences: conferences, participants: ["c1": participants], startedAt: startedAt), at: at))
    }

    @Test func aJoinAddsTheCallerAtOnce() {
        var state = Self.bridgeOpen()
        // Shown at once, and read again on the next poll to confirm it.
        #expect(Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 1, muted: true)) == [.conferenceChanged("c1")])
        #expect(Self.calls(state) == ["CAc1-0", "CAc1-1", "CAc1-2", "CAnew"])
        let newcomer = state.rows["c1"]?.participants.last
        #expect(newcomer?.muted == true)
        #expect(newcomer?.status == .inProgress)
        #expect(state.shownParticipants.map(\.callSid).last == "CAnew")
        #expect(state.liveParticipantCount == 5, "the header counts the newcomer")
        #expect(state.changedUntil["c1"] != nil, "the row is highlighted like a poll's change")
    }

    @Test func aLeaveRemovesTheCallerAndTheirSpeaking() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-1", sequence: 1))
        #expect(state.isSpeaking("CAc1-1"))
        Self.send(&state, Self.event(.participantLeave, call: "CAc1-1", sequence: 2))
        #expect(Self.calls(state) == ["CAc1-0", "CAc1-2"])
        #expect(!state.isSpeaking("CAc1-1"))
        #expect(state.conferenceEvents.speaking.isEmpty)
    }

    @Test func muteUnmuteHoldAndUnholdChangeTheRow() {
        var state = Self.bridgeOpen()
        func caller() -> Participant? { state.rows["c1"]?.participants.first { $0.callSid == "CAc1-2" } }
        Self.send(&state, Self.event(.participantMute, call: "CAc1-2", sequence: 1, muted: true, hold: false))
        #expect(caller()?.muted == true)
        Self.send(&state, Self.event(.participantHold, call: "CAc1-2", sequence: 2, muted: true, hold: true))
        #expect(caller()?.hold == true)
        Self.send(&state, Self.event(.participantUnmute, call: "CAc1-2", sequence: 3, muted: false, hold: true))
        #expect(caller()?.muted == false)
        #expect(caller()?.hold == true)
        // The event's name says what happened even when the flags are left out.
        Self.send(&state, Self.event(.participantUnhold, call: "CAc1-2", sequence: 4))
        #expect(caller()?.hold == false)
        #expect(Self.calls(state) == ["CAc1-0", "CAc1-1", "CAc1-2"])
    }

    @Test func speakingIsKeptApartAndAPollDoesNotWipeIt() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-0", sequence: 1))
        #expect(state.isSpeaking("CAc1-0"))
        #expect(state.showsSpeaking)
        // The participant resource has no speaking field: a poll that lists the caller keeps it.
        Self.poll(&state, c1: ["CAc1-0", "CAc1-1", "CAc1-2"], startedAt: Fixtures.epoch.addingTimeInterval(5))
        #expect(state.isSpeaking("CAc1-0"))
        Self.send(&state, Self.event(.participantSpeechStop, call: "CAc1-0", sequence: 2))
        #expect(!state.isSpeaking("CAc1-0"))
    }

    @Test func aMuteSilencesTheSpeaker() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-0", sequence: 1))
        Self.send(&state, Self.event(.participantMute, call: "CAc1-0", sequence: 2, muted: true))
        #expect(!state.isSpeaking("CAc1-0"))
        // Muted, a speech start is not believed either.
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-0", sequence: 3, muted: true))
        #expect(!state.isSpeaking("CAc1-0"))
    }

    @Test func theParticipantsPaneFilterFindsWhoIsSpeaking() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-2", sequence: 1))
        state.paneFilters[.participants] = "speak"
        #expect(state.shownParticipants.map(\.callSid) == ["CAc1-2"])
    }

    @Test func conferenceEndMarksItEndedAndEndsItsOpenStreams() {
        var state = Self.bridgeOpen()
        let stream = StreamRecord(
            sid: "MZ1", accountSid: "AC", conferenceSid: "c1", name: "recorder", startedAt: Fixtures.epoch,
            startedFrom: .dashboard, status: .inProgress, updatedAt: Fixtures.epoch)
        _ = update(&state, .streamsChanged([stream]))
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-0", sequence: 1))
        var end = Self.event(.conferenceEnd, sequence: 2)
        end.reasonConferenceEnded = "participant-with-end-conference-on-exit-left"
        end.callSidEndingConference = "CAc1-0"
        #expect(Self.send(&state, end) == [.conferencesEnded(["c1"]), .conferenceChanged("c1")])
        let conference = state.rows["c1"]?.conference
        #expect(conference?.status == .completed)
        #expect(conference?.reasonConferenceEnded == "participant-with-end-conference-on-exit-left")
        #expect(conference?.callSidEndingConference == "CAc1-0")
        #expect(state.shownParticipants.isEmpty, "nobody is in an ended conference's call")
        #expect(state.conferenceEvents.speaking.isEmpty)
        // What a mutating key says on it is the ended conference's notice, as after a poll.
        _ = update(&state, .key(.character("m")))
        guard case .notice(let notice) = state.modal else {
            Issue.record("m on a conference ended by an event opened \(String(describing: state.modal))")
            return
        }
        #expect(notice.message.contains("has ended"))
    }

    @Test func conferenceStartShowsANewConferenceAndALaterPollFillsItIn() {
        var state = Fixtures.loadedState()
        Self.send(&state, Self.event(.conferenceStart, conference: "c9", sequence: 1, name: "Night shift handover"))
        let row = state.rows["c9"]
        #expect(row?.conference.status == .inProgress)
        #expect(row?.conference.friendlyName == "Night shift handover")
        #expect(state.visibleConferences.map(\.id).contains("c9"))
        // Another project's conference (a callback for the profile before a switch) is not ours to show.
        Self.send(&state, Self.event(.conferenceStart, conference: "cX", sequence: 1, account: "AC-other"))
        #expect(state.rows["cX"] == nil)
        // A poll that began after the event and does not list c9 is the truth: it is not live.
        Self.poll(&state, c1: ["CAc1-0", "CAc1-1", "CAc1-2"], startedAt: Self.at.addingTimeInterval(1))
        #expect(state.rows["c9"] == nil)
    }

    @Test func aConferenceStartMovesAWaitingConferenceInProgress() {
        var state = Fixtures.loadedState()
        var rows = state.rows
        rows["c2"]?.conference.status = .initializing
        state.rows = rows
        Self.send(&state, Self.event(.conferenceStart, conference: "c2", sequence: 1))
        #expect(state.rows["c2"]?.conference.status == .inProgress)
    }

    @Test func aRepeatedOrLateEventIsIgnored() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 5))
        Self.send(&state, Self.event(.participantLeave, call: "CAnew", sequence: 7))
        // Sequence 6 arrives after 7: the join it claims to be is older than the leave. Nothing
        // is asked of the poller either.
        #expect(Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 6)).isEmpty)
        #expect(!Self.calls(state).contains("CAnew"))
        Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 7))
        #expect(!Self.calls(state).contains("CAnew"))
    }

    @Test func aPollThatBeganBeforeAJoinDoesNotUndoIt() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 1))
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAnew", sequence: 2))
        // This poll read the participants before the join (it began at epoch + 1 s).
        Self.poll(&state, c1: ["CAc1-0", "CAc1-1", "CAc1-2"], startedAt: Fixtures.epoch.addingTimeInterval(1))
        #expect(Self.calls(state).contains("CAnew"))
        #expect(state.isSpeaking("CAnew"))
        // One that began after it and does not list the caller is the truth: they left unseen.
        Self.poll(&state, c1: ["CAc1-0", "CAc1-1", "CAc1-2"], startedAt: Self.at.addingTimeInterval(1))
        #expect(!Self.calls(state).contains("CAnew"))
        #expect(!state.isSpeaking("CAnew"))
    }

    @Test func aPollThatBeganBeforeALeaveDoesNotBringTheCallerBack() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantLeave, call: "CAc1-1", sequence: 1))
        Self.poll(&state, c1: ["CAc1-0", "CAc1-1", "CAc1-2"], startedAt: Fixtures.epoch.addingTimeInterval(1))
        #expect(Self.calls(state) == ["CAc1-0", "CAc1-2"])
    }

    @Test func aPollSeeingTheConferenceCompletedEndsItsSpeaking() {
        var state = Self.bridgeOpen()
        Self.send(&state, Self.event(.participantSpeechStart, call: "CAc1-0", sequence: 1))
        let conferences = ["c1", "c2", "c3"].compactMap { state.rows[$0]?.conference }.map { c -> Conference in
            var c = c
            if c.sid == "c1" { c.status = .completed }
            return c
        }
        _ = update(
            &state,
            .pollSucceeded(
                PollSnapshot(conferences: conferences, participants: [:], startedAt: Self.at.addingTimeInterval(1)),
                at: Self.at.addingTimeInterval(2)))
        #expect(!state.isSpeaking("CAc1-0"))
    }

    @Test func thePickStaysOnTheSameCallerWhenSomeoneJoinsOrLeaves() {
        var state = Self.bridgeOpen()
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedParticipant?.callSid == "CAc1-1")
        Self.send(&state, Self.event(.participantJoin, call: "CAnew", sequence: 1))
        #expect(state.selectedParticipant?.callSid == "CAc1-1")
        Self.send(&state, Self.event(.participantLeave, call: "CAc1-0", sequence: 2))
        #expect(state.selectedParticipant?.callSid == "CAc1-1")
        // The picked caller leaves: the pick moves, and the next mutating key says so first.
        Self.send(&state, Self.event(.participantLeave, call: "CAc1-1", sequence: 3))
        #expect(state.selectedParticipant?.callSid == "CAc1-2")
        #expect(state.selectionMoved?.contains("CAc1-1 left") == true)
    }
}
