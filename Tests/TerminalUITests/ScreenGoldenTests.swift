import CompatAPI
import DashboardCore
import Foundation
import Ledger
import Testing
import TerminalUI

/// The real screens, whole, with their styles: every state below is reached through `update`
/// from the messages and keys the running dashboard gets, and drawn by the real view.
@Suite struct ScreenGoldenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    /// SignalWire's sids are UUIDs (36 characters, longer than Twilio's 34); the prefix makes
    /// each kind easy to tell apart in a golden.
    static func sid(_ prefix: String, _ n: Int) -> String {
        let kind = ["CF": "c0", "CA": "ca", "MZ": "5e", "RE": "7e"][prefix] ?? "00"
        return "\(kind)f1a2b3-0000-4000-8000-0000000000" + String(format: "%02x", n)
    }

    static let bridge = sid("CF", 1)

    static func conference(_ n: Int, _ name: String, status: ConferenceStatus = .inProgress, minutesAgo: Double) -> Conference {
        let created = ServiceDate(now.addingTimeInterval(-minutesAgo * 60))
        return Conference(
            sid: sid("CF", n), accountSid: "AC123", friendlyName: name, status: status, region: n % 2 == 0 ? "us2" : "us1",
            dateCreated: created, dateUpdated: created, uri: "/c", subresourceUris: SubresourceURIs(participants: "", recordings: ""))
    }

    static func participant(_ n: Int, muted: Bool = false, hold: Bool = false, coaching: Int? = nil) -> Participant {
        Participant(
            callSid: sid("CA", n), conferenceSid: bridge, accountSid: "AC123", status: .inProgress, muted: muted, hold: hold,
            coaching: coaching != nil, callSidToCoach: coaching.map { sid("CA", $0) },
            dateCreated: ServiceDate(now.addingTimeInterval(-Double(n) * 95)), dateUpdated: ServiceDate(now), uri: "/p")
    }

    /// Who is on the bridge: a customer who called in (named), an agent the application dialled
    /// who coaches nobody yet, a supervisor on a SIP address coaching the agent, and a caller
    /// whose audio is poor. Calls 4–7 are in the other conferences; 5 has no call listed.
    static let calls: CallBook = [
        sid("CA", 1): CallInfo(
            from: "+1 555-010-0100", to: "+1 555-010-0199", callerName: "Alice Moreno", direction: .inbound,
            startedAt: now.addingTimeInterval(-400), status: .inProgress,
            quality: CallQuality(mos: 4.3, jitterAvg: 12, rttAvg: 80, packetsLost: 3, seconds: 400)),
        sid("CA", 2): CallInfo(
            from: "+1 555-010-0199", to: "+1 555-010-0142", callerName: nil, direction: .outboundAPI,
            startedAt: now.addingTimeInterval(-380), status: .inProgress,
            quality: CallQuality(mos: 4.1, jitterAvg: 20, rttAvg: 95, packetsLost: 10, seconds: 380)),
        sid("CA", 3): CallInfo(
            from: "sip:maria@pbx.example.com", to: "+1 555-010-0199", callerName: nil, direction: .inbound,
            startedAt: now.addingTimeInterval(-300), status: .inProgress,
            quality: CallQuality(mos: 3.1, jitterAvg: 48, rttAvg: 210, packetsLost: 900, seconds: 300)),
        sid("CA", 4): CallInfo(
            from: "+44 20 7946 0000", to: "+1 555-010-0199", callerName: "Oliver Smith", direction: .inbound,
            startedAt: now.addingTimeInterval(-600), status: .inProgress, quality: CallQuality()),
        sid("CA", 6): CallInfo(
            from: "+81 3-1234-5678", to: "+1 555-010-0199", callerName: "佐藤", direction: .inbound,
            startedAt: now.addingTimeInterval(-900), status: .inProgress, quality: CallQuality(mos: 4.4, seconds: 900)),
    ]

    static func stream(_ n: Int, _ name: String?, _ status: StreamState, reason: String? = nil, track: StreamTrack? = nil) -> StreamRecord {
        StreamRecord(
            sid: sid("MZ", n), accountSid: "AC123", conferenceSid: bridge, conferenceName: "Support Bridge", name: name,
            url: "wss://media.example.com/\(name ?? "in")", track: track, codec: n == 2 ? .pcmu : nil,
            startedAt: now.addingTimeInterval(-Double(n) * 60), startedFrom: .dashboard, status: status, statusReason: reason,
            updatedAt: now)
    }

    /// The dashboard after its first poll and the ledger's streams: five live conferences (one
    /// with a CJK name, one with an emoji), one completed, a bridge with three callers and
    /// streams in every state.
    static func loaded() -> AppState {
        var state = AppState(space: "example.signalwire.com", account: "AC123", now: now)
        state.profile = "prod"
        let conferences = [
            conference(1, "Support Bridge", minutesAgo: 42),
            conference(2, "Sales standup", minutesAgo: 7),
            conference(3, "東京 standup", minutesAgo: 15),
            conference(4, "🚑 on-call", minutesAgo: 3),
            conference(5, "Escalation 4411", minutesAgo: 95),
            conference(6, "Old call", status: .completed, minutesAgo: 300),
        ]
        let participants: [String: [Participant]] = [
            bridge: [participant(1), participant(2, muted: true), participant(3, hold: true, coaching: 2)],
            sid("CF", 2): [participant(4), participant(5)], sid("CF", 3): [participant(6)], sid("CF", 4): [],
            sid("CF", 5): [participant(7)], sid("CF", 6): [],
        ]
        _ = update(
            &state,
            .pollSucceeded(PollSnapshot(conferences: conferences, participants: participants, calls: calls), at: now))
        _ = update(
            &state,
            .streamsChanged([
                stream(1, "recorder", .inProgress, track: .both),
                stream(2, "transcriber", .queued, track: .inbound),
                stream(3, "coach-feed", .stopped),
                stream(4, nil, .error, reason: "websocket handshake failed"),
            ]))
        return state
    }

    static func keys(_ state: inout AppState, _ keys: [Key]) {
        for key in keys { _ = update(&state, .key(key)) }
    }

    /// The bridge's recordings: one from the start of the conference (running), one paused
    /// (its pause kept as silence), one that failed.
    static let recordings: [Recording] = [
        recording(1, .inProgress, seconds: 2_520, minutesAgo: 42),
        recording(2, .paused, seconds: 610, minutesAgo: 12),
        recording(3, .failed, seconds: nil, minutesAgo: 30, error: "64002"),
    ]

    static func recording(_ n: Int, _ status: RecordingStatus, seconds: Int?, minutesAgo: Double, error: String? = nil)
        -> Recording
    {
        let at = ServiceDate(now.addingTimeInterval(-minutesAgo * 60))
        return Recording(
            sid: sid("RE", n), accountSid: "AC123", callSid: nil, conferenceSid: bridge, channels: n == 2 ? 2 : 1,
            dateCreated: at, dateUpdated: at, startTime: at, endTime: nil, duration: seconds,
            source: .startConferenceRecording, status: status, errorCode: error, uri: "/r", transcriptionsUri: "")
    }

    /// Opens the bridge (it sorts last of the live ones by age: newest first).
    static func detail() -> AppState {
        var state = loaded()
        state.selectedSid = bridge
        keys(&state, [.enter, .down])
        _ = update(&state, .recordingsRead(conference: bridge, recordings))
        return state
    }

    func check(_ state: AppState, _ name: String, sizes: [Size] = ScreenGoldenTests.sizes) throws {
        for size in sizes {
            var state = state
            _ = update(&state, .resized(width: size.width, height: size.height))
            let frame = DashboardView(glyphs: .unicode).render(state, size: size)
            try Golden.check(frame, "\(name)-\(size.width)x\(size.height)")
        }
    }

    @Test func conferenceTable() throws {
        try check(Self.loaded(), "conferences")
    }

    @Test func detailWithBothPanes() throws {
        try check(Self.detail(), "detail")
    }

    @Test func recordingsPaneInFront() throws {
        var state = Self.detail()
        Self.keys(&state, [.tab, .tab])
        #expect(state.selectedRecording?.sid == Self.sid("RE", 1))
        try check(state, "detail-recordings")
    }

    @Test func pauseAsksWhatTheFileKeeps() throws {
        var state = Self.detail()
        Self.keys(&state, [.tab, .tab, .character("P")])
        try check(state, "pause-picker")
    }

    @Test func callStreamFormNamesTheCallAndHasNoCodec() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("n")])
        #expect(state.startStreamForm?.callSid != nil)
        for character in "wss://media.example.com/alice" { _ = update(&state, .key(.character(character))) }
        try check(state, "call-stream-form")
    }

    @Test func recordAsksChannelsAndTrack() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("R"), .character("j")])
        try check(state, "record-picker")
    }

    @Test func coachPicksAmongTheOthers() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("c")])
        try check(state, "coach-picker")
    }

    @Test func startStreamFormWithAFieldError() throws {
        var state = Self.detail()
        // `n` on the streams pane: the conference's stream (on the participants pane it is the call's).
        Self.keys(&state, [.tab, .character("n")])
        for character in "http://media.example.com/in" { _ = update(&state, .key(.character(character))) }
        Self.keys(&state, [.enter])
        #expect(state.startStreamForm != nil)
        try check(state, "start-stream-form-error")
    }

    @Test func stopDialog() throws {
        var state = Self.detail()
        Self.keys(&state, [.tab, .character("x")])
        #expect(state.confirmation?.action == .stopStream(conference: Self.bridge, stream: Self.sid("MZ", 1)))
        try check(state, "stop-dialog")
    }

    @Test func help() throws {
        var state = Self.loaded()
        Self.keys(&state, [.character("?")])
        try check(state, "help")
    }

    @Test func helpFitsWholeAt120x40() {
        var state = Self.loaded()
        _ = update(&state, .resized(width: 120, height: 40))
        Self.keys(&state, [.character("?")])
        let frame = DashboardView(glyphs: .unicode).render(state, size: Size(width: 120, height: 40))
        // Every binding of the keymap is on screen at once: nothing to scroll to.
        for binding in state.keymap.bindings {
            #expect(frame.lines.contains { $0.contains(binding.summary) }, "help at 120x40 lacks \(binding.summary)")
        }
    }

    @Test func streamSidsShowWholeAt120Columns() {
        let state = Self.detail()
        let frame = DashboardView(glyphs: .unicode).render(state, size: Size(width: 120, height: 40))
        for n in 1...4 {
            #expect(frame.lines.contains { $0.contains(Self.sid("MZ", n)) }, "stream \(n)'s sid is cut at 120 columns")
        }
    }

    @Test func eventLog() throws {
        var state = Self.loaded()
        Self.keys(&state, [.character("L")])
        let entries = [
            AuditEntry(
                id: 3, at: Self.now.addingTimeInterval(-20), localUser: "alice", profile: "prod", accountSid: "AC123",
                action: .stopStream, conferenceSid: Self.bridge, targetSid: Self.sid("MZ", 3), outcome: .ok, detail: "stopped",
                origin: .dashboard,
                request: SentRequest(
                    method: "POST", path: "/api/laml/2010-04-01/Accounts/AC123/Conferences/\(Self.bridge)/Streams/\(Self.sid("MZ", 3))",
                    status: 200, milliseconds: 84)),
            AuditEntry(
                id: 2, at: Self.now.addingTimeInterval(-95), localUser: "bob", profile: "prod", accountSid: "AC123",
                action: .mute, conferenceSid: Self.bridge, targetSid: Self.sid("CA", 2), outcome: .ok, detail: "Muted",
                origin: .cli),
            AuditEntry(
                id: 1, at: Self.now.addingTimeInterval(-300), localUser: "alice", profile: "prod", accountSid: "AC123",
                action: .startStream, conferenceSid: Self.bridge, outcome: .refused,
                detail: "422 Unprocessable Entity: Duplicated stream name", origin: .dashboard,
                request: SentRequest(
                    method: "POST", path: "/api/laml/2010-04-01/Accounts/AC123/Conferences/\(Self.bridge)/Streams",
                    status: 422, milliseconds: 31)),
        ]
        _ = update(&state, .auditLoaded(entries))
        try check(state, "event-log")
    }

    /// The bridge with the callback receiver on: conference events said who joined and who is
    /// speaking now, and the participants pane has a SPEAKING column.
    @Test func detailWithWhoIsSpeaking() throws {
        var state = Self.detail()
        state.callbackURL = "http://127.0.0.1:8088/streams/callback"
        for (sequence, call, kind) in [
            (1, 4, ConferenceEvent.participantJoin), (2, 4, .participantSpeechStart), (3, 1, .participantSpeechStart),
        ] {
            let event = ConferenceStatusEvent(
                accountSid: "AC123", conferenceSid: Self.bridge, friendlyName: "Support Bridge", event: kind,
                sequenceNumber: sequence, callSid: Self.sid("CA", call), muted: false, hold: false,
                at: Self.now.addingTimeInterval(-30))
            _ = update(&state, .conferenceEvent(event, at: Self.now))
        }
        #expect(state.isSpeaking(Self.sid("CA", 4)))
        try check(state, "detail-speaking")
    }

    /// The bridge as the next poll sees it: completed, its participants not read again.
    static func bridgeEnded() -> AppState {
        var state = detail()
        let conferences = state.rows.values.map(\.conference).map { conference -> Conference in
            var conference = conference
            if conference.sid == bridge { conference.status = .completed }
            return conference
        }
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: [:]), at: now))
        return state
    }

    @Test func endedConferenceHasNobodyInTheCall() throws {
        try check(Self.bridgeEnded(), "detail-ended")
    }

    @Test func aKeyOnAnEndedConferenceSaysItHasEnded() throws {
        var state = Self.bridgeEnded()
        Self.keys(&state, [.character("m")])
        try check(state, "ended-notice")
    }

    @Test func announcePromptWithARefusedURL() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("A"), .paste("media.example.com/welcome.mp3"), .enter])
        #expect(state.urlPrompt?.problem != nil)
        try check(state, "announce-prompt-error")
    }

    @Test func holdPromptNamesTheWholeCaller() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("h"), .paste("https://music.example.com/hold/a-very-long-path/to/some/very/calm/music-for-waiting.mp3")])
        try check(state, "hold-prompt")
    }

    @Test func commandLineListsTheCommands() throws {
        var state = Self.loaded()
        Self.keys(&state, [.character(":")])
        try check(state, "command-menu")
    }

    @Test func commandLineCyclesThroughMatches() throws {
        var state = Self.loaded()
        Self.keys(&state, [.character(":"), .character("s"), .tab, .tab])
        #expect(state.commandEditor?.text == "stop")
        try check(state, "command-cycle")
    }

    @Test func detailPaneFiltered() throws {
        var state = Self.detail()
        Self.keys(&state, [.character("/"), .paste("0003"), .enter])
        try check(state, "detail-filtered")
    }

    @Test func terminalTooSmall() throws {
        try check(Self.loaded(), "too-small", sizes: [Size(width: 50, height: 10)])
    }

    @Test func staleOfflineHeader() throws {
        var state = Self.loaded()
        for attempt in 1...3 {
            _ = update(
                &state,
                .pollFailed(
                    reason: "list conferences: 503 Service Unavailable (the service is down or overloaded; confdash retries)",
                    attempt: attempt, retryAt: Self.now.addingTimeInterval(15), at: Self.now.addingTimeInterval(12)))
        }
        try check(state, "offline-stale")
    }
}
