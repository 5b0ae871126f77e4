import CompatAPI
import DashboardCore
import DashboardTestSupport
import Emulator
import Foundation
import Testing

/// The update function: keys, polls and time, without a terminal or a network.
struct UpdateTests {
    @Test func liveConferencesComeFirstNewestFirst() {
        let state = Fixtures.loadedState()
        #expect(state.visibleConferences.map(\.id) == ["c2", "c1", "c3"])
        #expect(state.selectedSid == "c2")
        #expect(state.liveConferenceCount == 2)
        #expect(state.liveParticipantCount == 4)
    }

    @Test func vimKeysAndArrowsMove() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedSid == "c1")
        _ = update(&state, .key(.down))
        #expect(state.selectedSid == "c3")
        _ = update(&state, .key(.down))
        #expect(state.selectedSid == "c3")
        _ = update(&state, .key(.character("g")))
        #expect(state.selectedSid == "c2")
        _ = update(&state, .key(.character("G")))
        #expect(state.selectedSid == "c3")
        _ = update(&state, .key(.up))
        #expect(state.selectedSid == "c1")
    }

    @Test func selectionFollowsTheConferenceAcrossRefreshes() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("j")))
        #expect(state.selectedSid == "c1")
        let newer = Fixtures.conference("c0", "Brand new", minutesAgo: 1)
        _ = update(
            &state,
            .pollSucceeded(
                Fixtures.snapshot([newer] + state.rows.values.map(\.conference)), at: Fixtures.epoch.addingTimeInterval(2)))
        #expect(state.selectedSid == "c1")
        #expect(state.selectedIndex == 2)
    }

    @Test func enterOpensAndEscGoesBack() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("j")))
        #expect(update(&state, .key(.enter)) == [.watch("c1"), .refreshNow])
        #expect(state.screen == .conference(sid: "c1"))
        #expect(state.openConference?.participants.count == 3)
        _ = update(&state, .key(.tab))
        #expect(state.detailPane == .streams)
        #expect(update(&state, .key(.escape)) == [.watch(nil)])
        #expect(state.screen == .conferences)
    }

    @Test func filterIsLiveAndCaseInsensitiveAndEscClears() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("/")))
        for c in "SUPP" { _ = update(&state, .key(.character(c))) }
        #expect(state.visibleConferences.map(\.id) == ["c1"])
        #expect(state.selectedSid == "c1")
        _ = update(&state, .key(.escape))
        #expect(state.filter.isEmpty)
        #expect(state.filterEditor == nil)
        #expect(state.visibleConferences.count == 3)
    }

    @Test func filterMatchesWideCharacters() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("/")))
        _ = update(&state, .key(.paste("東京")))
        _ = update(&state, .key(.enter))
        #expect(state.filter == "東京")
        #expect(state.visibleConferences.map(\.id) == ["c2"])
    }

    @Test func commandLineQuitsRefreshesAndFilters() {
        var state = Fixtures.loadedState()
        func command(_ text: String) -> [Effect] {
            _ = update(&state, .key(.character(":")))
            _ = update(&state, .key(.paste(text)))
            return update(&state, .key(.enter))
        }
        #expect(command("refresh") == [.refreshNow])
        #expect(command("filter old") == [])
        #expect(state.visibleConferences.map(\.id) == ["c3"])
        #expect(command("bogus") == [])
        #expect(state.status?.severity == .error)
        #expect(command("q") == [.quit])
        #expect(state.quitRequested)
    }

    @Test func completedConferencesCanBeHidden() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("G")))
        #expect(state.selectedSid == "c3")
        _ = update(&state, .key(.character("c")))
        #expect(state.visibleConferences.map(\.id) == ["c2", "c1"])
        #expect(state.selectedSid == "c2")
    }

    @Test func pauseAndRefreshAskTheServiceLayer() {
        var state = Fixtures.loadedState()
        #expect(update(&state, .key(.character("p"))) == [.setPaused(true)])
        _ = update(&state, .pauseChanged(true, at: Fixtures.epoch))
        #expect(state.poll == .paused)
        #expect(update(&state, .key(.character("p"))) == [.setPaused(false)])
        _ = update(&state, .pauseChanged(false, at: Fixtures.epoch))
        #expect(state.poll == .live)
        #expect(update(&state, .key(.character("r"))) == [.refreshNow])
        #expect(update(&state, .key(.ctrl("c"))) == [.quit])
    }

    @Test func failedPollsMarkDataStaleThenOfflineAndRecover() {
        var state = Fixtures.loadedState()
        let t = Fixtures.epoch
        _ = update(&state, .pollFailed(reason: "service error 503", attempt: 1, retryAt: t.addingTimeInterval(1), at: t))
        #expect(state.stale)
        #expect(state.poll == .retrying(at: t.addingTimeInterval(1), attempt: 1, reason: "service error 503"))
        #expect(state.rows.count == 3)
        _ = update(&state, .pollFailed(reason: "cannot reach", attempt: 3, retryAt: t.addingTimeInterval(4), at: t))
        #expect(state.poll == .offline(at: t.addingTimeInterval(4), attempt: 3, reason: "cannot reach"))
        #expect(state.nextWake == t.addingTimeInterval(1))
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(state.rows.values.map(\.conference)), at: t.addingTimeInterval(5)))
        #expect(!state.stale)
        #expect(state.poll == .live)
    }

    @Test func changedRowsAreHighlightedBriefly() {
        var state = Fixtures.loadedState()
        var renamed = state.rows["c1"]!.conference
        renamed.friendlyName = "Support Bridge (renamed)"
        let t = Fixtures.epoch.addingTimeInterval(2)
        _ = update(&state, .pollSucceeded(Fixtures.snapshot([renamed], participants: ["c1": 3]), at: t))
        #expect(state.changedUntil.keys.sorted() == ["c1"])
        #expect(state.nextWake == t.addingTimeInterval(AppState.highlightLifetime))
        _ = update(&state, .tick(t.addingTimeInterval(AppState.highlightLifetime)))
        #expect(state.changedUntil.isEmpty)
    }

    @Test func aRefreshThatChangesNothingKeepsTheTableAsItWas() {
        var state = Fixtures.loadedState()
        let before = state
        let again = Fixtures.snapshot(
            [
                Fixtures.conference("c1", "Support Bridge", minutesAgo: 30),
                Fixtures.conference("c2", "東京 standup", minutesAgo: 5),
            ], participants: ["c1": 3, "c2": 1])
        let t = Fixtures.epoch.addingTimeInterval(2)
        _ = update(&state, .pollSucceeded(again, at: t))
        #expect(state.rows == before.rows)
        #expect(state.visibleSids == before.visibleSids)
        #expect(state.changedUntil.isEmpty)
        #expect(state.lastRefresh == t)
        // A new conference in the next refresh still shows, and is not highlighted as changed.
        let more = Fixtures.snapshot(again.conferences + [Fixtures.conference("c4", "New room", minutesAgo: 1)])
        _ = update(&state, .pollSucceeded(more, at: t.addingTimeInterval(2)))
        #expect(state.visibleSids.first == "c4")
        #expect(state.changedUntil["c4"] == nil)
    }

    @Test func statusMessagesClearThemselves() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("r")))
        #expect(state.status != nil)
        _ = update(&state, .tick(Fixtures.epoch.addingTimeInterval(AppState.statusLifetime)))
        #expect(state.status == nil)
        // No wake for a message any more; the refresh is overdue by now, so the header ticks.
        #expect(state.pollOverdue != nil)
        #expect(state.nextWake == state.now.addingTimeInterval(1))
    }

    @Test func helpOpensAndAnyKeyClosesIt() {
        var state = Fixtures.loadedState()
        _ = update(&state, .key(.character("?")))
        #expect(state.showHelp)
        #expect(update(&state, .key(.character("q"))) == [])
        #expect(!state.showHelp)
        #expect(!state.quitRequested)
    }

    @Test func keymapDrivesHintsAndHelp() {
        let keymap = Keymap.standard
        #expect(keymap.hints(in: .conferences).map(\.action).contains(.open))
        #expect(!keymap.hints(in: .conferences).map(\.action).contains(.back))
        #expect(keymap.sections.map(\.title) == ["Move", "View", "Streams", "Conference", "Participant", "Recordings", "Polling", "General"])
        #expect(keymap.action(for: .character("j"), in: .detail) == .moveDown)
    }

    @Test func lineEditorKeys() {
        var editor = LineEditor("hello world")
        editor.apply(.ctrl("w"))
        #expect(editor.text == "hello ")
        editor.apply(.home)
        editor.apply(.delete)
        #expect(editor.text == "ello ")
        editor.apply(.end)
        editor.apply(.paste("a\u{1B}[31mb\nc"))
        #expect(editor.text == "ello a[31mbc")
        editor.apply(.ctrl("u"))
        #expect(editor.text.isEmpty)
        var short = LineEditor("", limit: 4)
        short.apply(.paste(String(repeating: "x", count: 10_000)))
        #expect(short.text == "xxxx")
    }

    /// Conferences that ended and dropped off the service's lists stay for reference, but only
    /// the most recent few hundred: an ops dashboard open for days must not keep every one.
    @Test func endedConferencesKeptAreBounded() {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        let ended = (0..<(AppState.completedKept + 50)).map {
            Fixtures.conference("old\($0)", "Ended \($0)", status: .completed, minutesAgo: Double($0 + 10))
        }
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(ended), at: Fixtures.epoch))
        #expect(state.rows.count == ended.count)
        // The operator is looking at the oldest one: it stays whatever its age.
        state.selectedSid = "old\(ended.count - 1)"
        // The next polls list none of them (they fell off the recent list) and one new conference.
        let live = Fixtures.conference("c1", "Live", minutesAgo: 1)
        _ = update(&state, .pollSucceeded(Fixtures.snapshot([live]), at: Fixtures.epoch.addingTimeInterval(2)))
        #expect(state.rows.count == 1 + AppState.completedKept + 1)
        #expect(state.rows["old0"] != nil)  // the most recent ended one
        #expect(state.rows["old\(AppState.completedKept + 10)"] == nil)  // an old one, gone
        #expect(state.rows["old\(ended.count - 1)"] != nil)  // the selected one
        #expect(state.rows["c1"] != nil)
    }

    /// The table's window, which the poller keeps freshest, follows scrolling and the filter.
    @Test func theWindowInViewFollowsScrollingAndTheFilter() {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        let conferences = (0..<50).map { Fixtures.conference("c\($0)", $0 % 10 == 0 ? "Support \($0)" : "Room \($0)", minutesAgo: Double($0 + 1)) }
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(conferences), at: Fixtures.epoch))
        _ = update(&state, .resized(width: 100, height: ScreenLayout.headerLines + ScreenLayout.footerLines + ScreenLayout.tableHeaderLines + 10))
        #expect(state.conferencesInView == Set((0..<10).map { "c\($0)" }))  // newest first
        _ = update(&state, .key(.character("G")))
        #expect(state.conferencesInView == Set((40..<50).map { "c\($0)" }))
        _ = update(&state, .key(.character("/")))
        for c in "support" { _ = update(&state, .key(.character(c))) }
        #expect(state.conferencesInView == Set(stride(from: 0, to: 50, by: 10).map { "c\($0)" }))
    }

    /// A refresh that changes a few rows of a large table puts just those in place instead of
    /// sorting the table again; the result must be exactly what the full sort gives, under every
    /// sort column, direction, filter and completed toggle.
    @Test func rowsPutInPlaceEndWhereAFullSortPutsThem() {
        var random = SeededGenerator(seed: 42)
        let names = ["Support", "sales", "Ops bridge", "東京 standup", "support 2", "Émile", "zulu", "alpha"]
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        var conferences = (0..<400).map { index in
            Fixtures.conference(
                "c\(index)", names[index % names.count], status: index % 7 == 0 ? .completed : .inProgress,
                minutesAgo: Double(Int.random(in: 1...50, using: &random)))
        }
        var counts = Dictionary(uniqueKeysWithValues: conferences.map { ($0.sid, Int.random(in: 0...6, using: &random)) })
        var at = Fixtures.epoch
        _ = update(&state, .pollSucceeded(Fixtures.snapshot(conferences, participants: counts), at: at))
        for round in 0..<120 {
            state.sortColumn = SortColumn.allCases[round / 10 % SortColumn.allCases.count]
            state.sortDescending = round % 3 != 0
            state.filter = round % 5 == 0 ? "sup" : ""
            state.showCompleted = round % 4 != 1
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let index = Int.random(in: 0..<conferences.count, using: &random)
                let old = conferences[index]
                switch Int.random(in: 0...3, using: &random) {
                case 0: counts[old.sid] = Int.random(in: 0...9, using: &random)
                case 1:
                    conferences[index] = Fixtures.conference(
                        old.sid, old.friendlyName, status: old.status.isLive ? .completed : .inProgress,
                        minutesAgo: Double(Int.random(in: 1...50, using: &random)))
                case 2:
                    conferences[index] = Fixtures.conference(
                        old.sid, names.randomElement(using: &random)!, status: old.status, minutesAgo: 20)
                default:
                    conferences[index] = Fixtures.conference(
                        old.sid, old.friendlyName, status: old.status, minutesAgo: Double(Int.random(in: 1...50, using: &random)))
                }
            }
            at = at.addingTimeInterval(2)
            _ = update(&state, .pollSucceeded(Fixtures.snapshot(conferences, participants: counts), at: at))
            var sorted = state
            sorted.rows = state.rows  // assigning sorts the whole table again
            #expect(sorted == state, "round \(round)")
            #expect(state.visibleSids == sorted.visibleSids)
            #expect(state.liveConferenceCount == conferences.filter(\.status.isLive).count)
            #expect(state.liveParticipantCount == conferences.filter(\.status.isLive).reduce(0) { $0 + counts[$1.sid]! })
        }
    }
}
