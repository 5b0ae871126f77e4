import CompatAPI
import DashboardCore
import Foundation
import Testing
import TerminalUI

/// The dashboard's screens as lines of text at fixed sizes, ratatui-style.
struct DashboardViewTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func conference(_ sid: String, _ name: String, status: ConferenceStatus = .inProgress, minutesAgo: Double) -> Conference {
        let created = ServiceDate(now.addingTimeInterval(-minutesAgo * 60))
        return Conference(
            sid: sid, accountSid: "AC1", friendlyName: name, status: status, region: "us1", dateCreated: created,
            dateUpdated: created, uri: "/c", subresourceUris: SubresourceURIs(participants: "", recordings: ""))
    }

    static func participant(_ sid: String, in conference: String, muted: Bool = false) -> Participant {
        Participant(
            callSid: sid, conferenceSid: conference, accountSid: "AC1", status: .inProgress, muted: muted,
            dateCreated: ServiceDate(now.addingTimeInterval(-120)), dateUpdated: ServiceDate(now), uri: "/p")
    }

    /// A dashboard after one poll: an ASCII name, a CJK name, an emoji name and a completed call.
    static func state() -> AppState {
        var state = AppState(space: "demo", account: "AC1", now: now)
        let conferences = [
            conference("c1", "Support Bridge", minutesAgo: 30),
            conference("c2", "東京 standup", minutesAgo: 5),
            conference("c3", "🚑 on-call", minutesAgo: 12),
            conference("c4", "Old call", status: .completed, minutesAgo: 200),
        ]
        let participants = [
            "c1": [participant("CA-one", in: "c1"), participant("CA-two", in: "c1", muted: true)],
            "c2": [participant("CA-three", in: "c2")], "c3": [], "c4": [],
        ]
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: participants), at: now))
        return state
    }

    func render(_ state: AppState, _ width: Int, _ height: Int) -> [String] {
        DashboardView(glyphs: .unicode).render(state, size: Size(width: width, height: height)).lines
    }

    /// The display column where `needle` starts in `line`.
    func column(of needle: String, in line: String) -> Int? {
        guard let range = line.range(of: needle) else { return nil }
        return TextWidth.width(of: line[..<range.lowerBound])
    }

    @Test func conferencesAt80x24() {
        let lines = render(Self.state(), 80, 24)
        #expect(lines.count == 24)
        #expect(lines[0].hasPrefix("confdash │ demo │ account AC1"))
        #expect(lines[0].hasSuffix("● live ● refreshed 0s ago"))
        #expect(lines[1] == "3 live conferences ● 3 participants ● 0 streams")
        #expect(lines[2].hasPrefix("NAME"))
        #expect(lines[2].hasSuffix("STATUS       REGION  PARTS  STREAMS  CREATED         AGE"))
        #expect(lines[3].hasPrefix("東京 standup"))
        #expect(lines[4].hasPrefix("🚑 on-call"))
        #expect(lines[5].hasPrefix("Support Bridge"))
        #expect(lines[6].hasPrefix("Old call"))
        #expect(lines[23].hasPrefix("j/↓ down  k/↑ up  ⏎ open  / filter"))
        #expect(lines[23].hasSuffix("? help  q quit"))
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func wideNamesStayAligned(width: Int, height: Int) {
        let lines = render(Self.state(), width, height)
        let statusColumns = lines[3...6].map { line in
            column(of: "in-progress", in: line) ?? column(of: "completed", in: line)
        }
        #expect(Set(statusColumns).count == 1)
        #expect(statusColumns.first! != nil)
        #expect(lines.allSatisfy { TextWidth.width(of: $0) <= width })
    }

    @Test func participantCountsAndAges() {
        let lines = render(Self.state(), 120, 40)
        let bridge = lines.first { $0.hasPrefix("Support Bridge") }!
        #expect(bridge.contains("in-progress  us1         2        0"))
        #expect(bridge.hasSuffix("30m"))
    }

    @Test func tooSmall() {
        let lines = render(Self.state(), 50, 10)
        #expect(lines.contains { $0.contains("terminal too small: have 50x10, need 60x12") })
        #expect(render(Self.state(), 1, 1).count == 1)
        #expect(render(Self.state(), 0, 0).isEmpty)
    }

    @Test func detailShowsParticipantsAndStreams() {
        var state = Self.state()
        _ = update(&state, .key(.character("G")))
        _ = update(&state, .key(.character("k")))
        _ = update(&state, .key(.enter))
        let lines = render(state, 80, 24)
        #expect(lines[2].hasPrefix("Support Bridge  ● in-progress"))
        #expect(lines[3].hasPrefix("sid c1  region us1"))
        #expect(lines.contains { $0.hasPrefix("╭─ Participants (2) ") })
        #expect(lines.contains { $0.contains("CA-two") && $0.contains("muted") })
        #expect(lines.contains { $0.hasPrefix("╭─ Streams (0 open, 0 known) ") })
        #expect(lines[23].contains("Esc/← back"))
    }

    @Test func aTwilioProfileSaysUpFrontThatStreamsAreOff() {
        var state = Self.state()
        state.streamsUnavailable = "Twilio has no conference streams; stream actions are off for this profile"
        state.profile = "twilio-eu"
        #expect(render(state, 120, 24)[0].contains("profile twilio-eu"))
        #expect(render(state, 120, 24)[1].contains("streams: n/a on Twilio"))
        _ = update(&state, .key(.character("G")))
        _ = update(&state, .key(.character("k")))
        _ = update(&state, .key(.enter))
        let lines = render(state, 120, 30)
        #expect(lines.contains { $0.contains("Twilio has no conference streams") })
    }

    @Test func helpIsDrawnFromTheKeymap() {
        var state = Self.state()
        _ = update(&state, .key(.character("?")))
        let text = render(state, 120, 60).joined(separator: "\n")
        for binding in Keymap.standard.bindings {
            #expect(text.contains(binding.summary), "help lacks \(binding.summary)")
        }
    }

    @Test func helpScrollsInASmallTerminal() {
        var state = Self.state()
        _ = update(&state, .key(.character("?")))
        var seen = Set<String>()
        for _ in 0..<50 {
            seen.formUnion(render(state, 80, 24))
            _ = update(&state, .key(.character("j")))
        }
        let text = seen.joined(separator: "\n")
        for binding in Keymap.standard.bindings {
            #expect(text.contains(binding.summary), "scrolled help lacks \(binding.summary)")
        }
        #expect(state.showHelp)
        _ = update(&state, .key(.character("x")))
        #expect(!state.showHelp)
    }

    @Test func filterLineAndEmptyResult() {
        var state = Self.state()
        _ = update(&state, .key(.character("/")))
        _ = update(&state, .key(.paste("zzz")))
        let lines = render(state, 80, 24)
        #expect(lines[22].hasPrefix("/zzz"))
        #expect(lines[1].contains("filter: zzz"))
        #expect(lines[3].contains("no conference matches the filter"))
    }

    /// A key typed into the filter of a large table before every row's text is built: the
    /// header says the rows are being found while the table still shows the earlier ones.
    @Test func aFilterWaitingForEveryRowsTextSaysSo() {
        var state = AppState(space: "demo", account: "AC1", now: Self.now)
        let conferences = (0..<1200).map { Self.conference("c\($0)", "Room \($0)", minutesAgo: Double($0 % 50)) }
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: conferences, participants: [:]), at: Self.now))
        _ = update(&state, .key(.character("/")))
        let job = try! #require(state.filterIndexJob)
        _ = update(&state, .key(.character("7")))
        var lines = render(state, 120, 24)
        #expect(lines[1].contains("filter: 7 (finding"), "\(lines[1])")
        #expect(lines[22].hasPrefix("/7"))
        _ = update(&state, .filterIndexBuilt(job.build()))
        lines = render(state, 120, 24)
        #expect(lines[1].contains("filter: 7") && !lines[1].contains("finding"), "\(lines[1])")
        #expect(lines[3].contains("Room 7"), "\(lines[3])")
    }

    @Test func retryingAndOfflineHeaders() {
        var state = Self.state()
        _ = update(&state, .pollFailed(reason: "service error 503", attempt: 1, retryAt: Self.now.addingTimeInterval(4), at: Self.now))
        var lines = render(state, 100, 24)
        #expect(lines[0].hasSuffix("STALE ● retrying in 4s ● refreshed 0s ago"))
        // The reason has the line under the title until it is resolved, whatever the bottom line says.
        #expect(lines[1] == "! service error 503")
        _ = update(&state, .key(.character("r")))
        lines = render(state, 100, 24)
        #expect(lines[1].hasPrefix("! service error 503"))
        #expect(!lines[22].isEmpty)
        _ = update(&state, .pollFailed(reason: "cannot reach 127.0.0.1: connection refused", attempt: 3, retryAt: Self.now.addingTimeInterval(8), at: Self.now))
        lines = render(state, 100, 24)
        #expect(lines[0].contains("OFFLINE ● retry in 8s"))
        #expect(lines[1].hasPrefix("! cannot reach 127.0.0.1: connection refused"))
        #expect(lines[3].hasPrefix("東京 standup"))  // the last good data stays on screen
        // The retry is due and in flight: its time counts up instead of freezing at "1s".
        _ = update(&state, .tick(Self.now.addingTimeInterval(11)))
        lines = render(state, 100, 24)
        #expect(lines[0].contains("OFFLINE ● retry now 3s ● refreshed 11s ago"))
        #expect(state.nextWake == Self.now.addingTimeInterval(12))
    }

    @Test func staleRowsAreDrawnDimUntilTheNextGoodPoll() {
        var state = Self.state()
        let view = DashboardView(glyphs: .unicode)
        let size = Size(width: 100, height: 24)
        // Row 4 is a live conference, not selected: normal while live, dim while stale.
        #expect(view.render(state, size: size)[2, 4].style.dim == false)
        _ = update(&state, .pollFailed(reason: "the service is failing (HTTP 503)", attempt: 1, retryAt: Self.now.addingTimeInterval(4), at: Self.now))
        let stale = view.render(state, size: size)
        #expect(stale.lines[4].hasPrefix("🚑 on-call"))
        #expect(stale[2, 4].style.dim)
        let again = state.rows.values.map(\.conference)
        _ = update(&state, .pollSucceeded(PollSnapshot(conferences: again, participants: [:]), at: Self.now))
        let fresh = view.render(state, size: size)
        #expect(fresh.lines[4].hasPrefix("🚑 on-call"))
        #expect(fresh[2, 4].style.dim == false)
    }

    @Test func asciiGlyphsWhenTheLocaleIsNotUTF8() {
        var state = Self.state()
        _ = update(&state, .key(.enter))
        let lines = DashboardView(glyphs: .ascii).render(state, size: Size(width: 80, height: 24)).lines
        #expect(lines.contains { $0.hasPrefix("+- Participants (1) ") })
        #expect(!lines.joined().contains("╭"))
    }

    @Test func sameStateSameFrame() {
        let state = Self.state()
        let view = DashboardView()
        #expect(view.render(state, size: Size(width: 120, height: 40)) == view.render(state, size: Size(width: 120, height: 40)))
    }
}

/// The tables draw the columns the operator chose, in that order.
struct ChosenColumnsViewTests {
    @Test func theConferencesTableDrawsTheChosenColumnsInOrder() {
        var state = DashboardViewTests.state()
        state.layout.columns["conferences"] = ["sid", "name", "parts"]
        let lines = DashboardView(glyphs: .unicode).render(state, size: Size(width: 100, height: 12)).lines
        #expect(lines[2].hasPrefix("SID"))
        #expect(lines[2].contains("NAME") && lines[2].hasSuffix("PARTS"))
        #expect(!lines[2].contains("REGION") && !lines[2].contains("STATUS"))
        #expect(lines[3].hasPrefix("c2") && lines[3].contains("東京 standup"))
    }

    /// The short columns are as wide as the whole table's content (or their header): a table
    /// of only `init` conferences gives STATUS the room of STATUS, not of `in-progress`; one of
    /// every space, SPACE the room of its longest profile name.
    @Test func theShortColumnsAreAsWideAsTheTablesContent() {
        func statusRoom(_ state: AppState) -> Int? {
            let header = DashboardView(glyphs: .unicode).render(state, size: Size(width: 100, height: 12)).lines[2]
            guard let status = header.range(of: "STATUS"), let region = header.range(of: "REGION") else { return nil }
            return header.distance(from: status.lowerBound, to: region.lowerBound)
        }
        var state = AppState(space: "demo", account: "AC", now: DashboardViewTests.now)
        _ = update(
            &state,
            .pollSucceeded(
                PollSnapshot(conferences: [DashboardViewTests.conference("c1", "Starting", status: .initializing, minutesAgo: 5), DashboardViewTests.conference("c2", "Also", status: .initializing, minutesAgo: 5)], participants: [:]),
                at: DashboardViewTests.now))
        #expect(statusRoom(state) == "STATUS".count + 2)
        // One conference in progress anywhere in the table (scrolled away or not) widens it.
        _ = update(
            &state,
            .pollSucceeded(
                PollSnapshot(conferences: [DashboardViewTests.conference("c1", "Starting", status: .initializing, minutesAgo: 5), DashboardViewTests.conference("c2", "Also", minutesAgo: 5)], participants: [:]),
                at: DashboardViewTests.now))
        #expect(statusRoom(state) == "in-progress".count + 2)

        var every = EverySpaceLayout.twoSpaces(names: ("a", "operations-east"))
        let header = DashboardView(glyphs: .unicode).render(every, size: Size(width: 100, height: 12)).lines[2]
        #expect(header.hasPrefix("SPACE" + String(repeating: " ", count: "operations-east".count - "SPACE".count + 2) + "NAME"), "\(header)")
        every.layout.columns["conferences"] = ["name", "space"]
        #expect(DashboardView(glyphs: .unicode).render(every, size: Size(width: 100, height: 12)).lines[4].hasSuffix("operations-east"))
    }

    @Test func aChosenSpeakingColumnIsLeftOutWithoutConferenceEvents() {
        var state = DashboardViewTests.state()
        state.layout.columns["participants"] = ["speaking", "call-sid"]
        _ = update(&state, .key(.character("G")))
        _ = update(&state, .key(.character("g")))
        _ = update(&state, .key(.enter))
        let lines = DashboardView(glyphs: .unicode).render(state, size: Size(width: 100, height: 30)).lines
        let header = lines.first { $0.contains("CALL SID") }
        #expect(header != nil && header?.contains("SPEAKING") == false && header?.contains("STATUS") == false)
    }
}

/// Two spaces' conferences as the merger hands them over.
enum EverySpaceLayout {
    static func twoSpaces(names: (String, String)) -> AppState {
        var state = AppState(space: "every profile", account: "", now: DashboardViewTests.now)
        state.spaces = [SpaceHealth(name: names.0, readOnly: false), SpaceHealth(name: names.1, readOnly: false)]
        state.layout.everySpace = true
        var snapshot = PollSnapshot(conferences: [DashboardViewTests.conference("x1", "First", minutesAgo: 5), DashboardViewTests.conference("y1", "Second", minutesAgo: 30)], participants: [:])
        snapshot.spaces = ["x1": names.0, "y1": names.1]
        _ = update(&state, .pollSucceeded(snapshot, at: DashboardViewTests.now))
        return state
    }
}
