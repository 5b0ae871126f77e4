import CompatAPI
@testable import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// The filter's test without lowercased copies, and the sort by keys worked out once, answer
/// exactly as the slower code they replaced (which made a key of the filter or a sort take
/// 30–600 ms at 10,000 conferences).
struct FilterAndSortTests {
    static let texts = [
        "Interview loop 709", "ZÜRICH Ops", "Zürich Ops", "東京 standup", "🚑 on-call", "Daily sync — Platform",
        "KELVIN \u{212A}", "İstanbul", "cafe\u{301}", "in-progress", "", "ABCabc", "r\r\nx", "us1",
        "3f2a9c1e-0b7d-4e8a-9c21-5d6e7f809a1b", "+1 (555) 010-0100", "Board prep 🔒", "Москва NOC",
    ]
    static let needles = [
        "", "r", "room", "ops", "zü", "ü", "k", "i", "e", "é", "on-", "progress", "\r", "\n", "x", "abcabc", "🚑",
        "3f2a", "9a1b", "(555)", "нос", "noc", "москва", " ", "-",
    ]

    /// What the filter finds: the needle's scalars in a row in the lowercased text, and for a
    /// needle past ASCII also what the comparison of whole characters finds.
    static func expected(_ text: String, _ needle: String) -> Bool {
        let lowered = text.lowercased()
        let haystack = Array(lowered.unicodeScalars)
        let wanted = Array(needle.unicodeScalars)
        if wanted.isEmpty { return true }
        if wanted.count <= haystack.count {
            for start in 0...(haystack.count - wanted.count) where Array(haystack[start..<(start + wanted.count)]) == wanted {
                return true
            }
        }
        return !needle.unicodeScalars.allSatisfy(\.isASCII) && lowered.contains(needle)
    }

    /// Every text against every needle, and a few thousand ASCII pairs in mixed case: all that
    /// `text.lowercased().contains(needle)` found, and more only inside a character made of
    /// several scalars.
    @Test func theFilterFindsWhatTheLowercasedCopyFound() {
        for text in Self.texts {
            for needle in Self.needles {
                let found = TextMatch.contains(text, lowercased: needle)
                #expect(found == Self.expected(text, needle), "\(text.debugDescription) ∋ \(needle.debugDescription)")
                if !needle.isEmpty && text.lowercased().contains(needle) {
                    #expect(found, "\(text.debugDescription) ∋ \(needle.debugDescription)")
                }
            }
        }
        // The two it finds that the comparison of characters did not; and an é typed as one
        // scalar still finds one stored as two.
        #expect(TextMatch.contains("Cafe\u{301} team", lowercased: "e"))
        #expect(TextMatch.contains("r\r\nx", lowercased: "\r"))
        #expect(TextMatch.contains("Cafe\u{301} team", lowercased: "é"))
        #expect(TextMatch.contains("ZÜRICH Ops", lowercased: "zü"))
        #expect(TextMatch.contains("KELVIN \u{212A}", lowercased: "k"))
        #expect(!TextMatch.contains("Москва NOC", lowercased: "нос"))
        #expect(TextMatch.contains("Москва NOC", lowercased: "москва"))
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let alphabet = Array("aAbB-1 Zz")
        var matched = 0
        for _ in 0..<3000 {
            let text = String((0..<next(12)).map { _ in alphabet[next(alphabet.count)] })
            let needle = String((0..<(1 + next(3))).map { _ in alphabet[next(alphabet.count)] }).lowercased()
            let expected = Self.expected(text, needle)
            #expect(expected == text.lowercased().contains(needle))
            if expected { matched += 1 }
            #expect(TextMatch.contains(text, lowercased: needle) == expected, "\(text.debugDescription) ∋ \(needle.debugDescription)")
        }
        #expect(matched > 300)
    }

    /// A number typed into the filter is looked for among a number's digits without making the
    /// string of them; what it finds is what the string would contain.
    @Test func digitsAreFoundAsInTheStringOfThem() {
        let numbers = ["+1 (555) 010-0100", "+15550100100", "(555) 010-0100", "٣٤٥ 555", "5ü5", "", "abc", "1"]
        let wanted = ["555", "1555", "0100", "15550100100", "5", "55", "1"]
        for number in numbers {
            for digits in wanted {
                #expect(
                    CallInfo.digits(of: number, contain: digits) == CallInfo.digits(number).contains(digits),
                    "\(number) ∋ \(digits)")
            }
        }
        #expect(CallInfo.digits("+1 (555) 010-0100") == "15550100100")
        #expect(CallInfo.digits("٣٤٥ 555") == "555")
        let call = CallInfo(
            from: "+15550100100", to: "(555) 010-0199", callerName: "Ada", direction: .inbound, startedAt: nil,
            status: .inProgress, quality: CallQuality())
        #expect(call.matches("+1 555 010"))
        #expect(call.matches("(555) 010-0199"))
        #expect(call.matches("ada"))
        #expect(!call.matches("556"))
    }

    static func rows() -> [ConferenceRow] {
        let names = ["alpha", "Beta", "charlie", "Alpha", "beta", "Zürich Ops", "東京 standup", "delta", "Echo", "echo"]
        let regions = ["us1", "eu1", "us2"]
        return (0..<40).map { i in
            // SignalWire's sids (lowercase UUIDs, compared as their bits), others compared as
            // text, and one UUID in capitals (text too), all in one table.
            let n = (i &* 7919) % 97
            let sid =
                switch i % 3 {
                case 0: String(format: "CF%032x", n)
                case 1: String(format: "%08x-%04x-4%03x-8%03x-%012x", n &* 40_503, n, n % 7, n % 5, n &* 2_654_435_761)
                default: i == 2 ? "0A2B3C4D-0000-4000-8000-00000000000\(i % 10)" : String(format: "%08x-0000-4000-8000-%012x", n % 4, n)
                }
            var conference = Fixtures.conference(
                sid, names[i % names.count],
                status: i % 7 == 0 ? .completed : .inProgress, minutesAgo: Double(i % 5))
            conference.region = regions[i % regions.count]
            return ConferenceRow(
                conference: conference,
                participants: (0..<(i % 4)).map { Fixtures.participant("CA\(i)-\($0)", in: conference.sid) },
                participantsKnown: true, streamCount: i % 3)
        }
    }

    /// Every column, both ways: the table's order is the comparison's order (live first, the
    /// column, then the sid), names in any case together; and a changed row put back by the
    /// binary search lands where a full sort puts it.
    @Test func theSortByKeysIsTheComparisonsOrder() {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        state.rows = ConferenceRows(Self.rows())
        for column in SortColumn.allCases where column != .space {
            for descending in [false, true] {
                state.sort(by: column, descending: descending)
                let expected = state.rows.values.sorted { state.displayOrder($0, $1) }.map(\.id)
                #expect(state.visibleSids == expected, "\(column) \(descending ? "descending" : "ascending")")
                #expect(Set(state.visibleSids).count == state.rows.count)
                var changed = state.rows.values[3]
                changed.conference.friendlyName = "bravo"
                changed.conference.region = "ap1"
                changed.streamCount = 9
                changed.participants.removeAll()
                var placed = state
                placed.replace([changed])
                var sorted = state
                sorted.rows[changed.id] = changed
                #expect(placed.visibleSids == sorted.visibleSids, "\(column) \(descending ? "descending" : "ascending")")
            }
        }
        state.sort(by: .name, descending: false)
        let liveNames = state.visibleSids.compactMap { state.rows[$0] }.filter { $0.conference.status.isLive }
            .map { $0.conference.friendlyName.lowercased() }
        #expect(liveNames == liveNames.sorted())
        #expect(liveNames.first == "alpha")
    }

    /// The ranks a sort by a column of text compares, put right row by row as a refresh changes
    /// a few rows' texts (names in any case, ties, statuses, regions), order the table as the
    /// texts do; ranks worked out from rows that changed since are not taken.
    @Test func ranksPutRightRowByRowSortAsTheTexts() {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        state.rows = ConferenceRows(Self.rows())
        #expect(state.sortRanksJob == nil)  // not before the first refresh is whole
        state.lastRefresh = Fixtures.epoch
        #expect(state.sortRanksJob == nil)  // nor for 40 rows: worked out when first sorted by
        state.ranksOffTheLoop = 40
        let stale = state.sortRanksJob!
        var renamed = state.rows.values[5]
        renamed.conference.friendlyName = "Yankee"
        state.replace([renamed])
        _ = update(&state, .sortRanksBuilt(stale.build()))
        #expect(state.sortRanks.columns.isEmpty)
        _ = update(&state, .sortRanksBuilt(state.sortRanksJob!.build()))
        #expect(Set(state.sortRanks.columns.keys) == [.name, .status, .region])
        #expect(state.sortRanksJob == nil)

        let names = ["alpha", "Alpha", "zulu", "ALPHA", "mike", "", "Zürich Ops", "bravo", "Bravo", "alpha2", "東京"]
        let regions = ["us1", "eu1", "ap1", "us1", "sa1"]
        var seed: UInt64 = 7
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for step in 0..<80 {
            var changed = state.rows.values[next(state.rows.count)]
            changed.conference.friendlyName = names[next(names.count)]
            changed.conference.region = regions[next(regions.count)]
            changed.conference.status = step % 5 == 0 ? .completed : .inProgress
            state.replace([changed])
            #expect(state.sortRanks.columns.count == 3, "step \(step): ranks put right, not dropped")
            for column in [SortColumn.name, .status, .region] {
                for descending in [false, true] {
                    var sorted = state
                    sorted.sort(by: column, descending: descending)
                    let expected = sorted.rows.values.sorted { sorted.displayOrder($0, $1) }.map(\.id)
                    #expect(sorted.visibleSids == expected, "step \(step), \(column) \(descending ? "descending" : "ascending")")
                }
            }
        }
        // A stream started changes every row's count of them, and no text: the ranks stay, and
        // the table sorted by streams is right.
        var stream = SelectionTests.stream("MZ1", minutesAgo: 1)
        stream.conferenceSid = state.rows.values[9].id
        _ = update(&state, .streamsChanged([stream]))
        #expect(state.sortRanks.columns.count == 3)
        #expect(state.rows.values[9].streamCount == 1)
        state.sort(by: .streams, descending: true)
        #expect(state.visibleSids == state.rows.values.sorted { state.displayOrder($0, $1) }.map(\.id))
    }

    /// `s` moves to the next column and its direction in one step.
    @Test func sortNextSetsColumnAndDirection() {
        var state = Fixtures.loadedState()
        state.sort(by: .created, descending: true)
        _ = update(&state, .key(.character("s")))
        #expect(state.sortColumn == .name)
        #expect(!state.sortDescending)
        let expected = state.rows.values.sorted { state.displayOrder($0, $1) }.map(\.id)
        #expect(state.visibleSids == expected)
    }
}

/// A key typed at the end of the filter looks again only at the rows on the table; the table it
/// leaves is the one a filter set at once leaves.
struct NarrowingFilterTests {
    /// `FilterAndSortTests.rows()` with a call for every participant: numbers, and the name
    /// "Rosa" and the conference's on every other call, so filters find rows by their callers.
    static func filteredTable() -> AppState {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        state.rows = ConferenceRows(FilterAndSortTests.rows())
        var calls = CallBook()
        for (r, row) in state.rows.values.enumerated() {
            // Every fifth row's calls have numbers written without the +: `/+` does not find
            // them, `/+1` does (as digits).
            let plus = r % 5 == 0 ? "" : "+"
            for (n, participant) in row.participants.enumerated() {
                calls[participant.callSid] = CallInfo(
                    from: "\(plus)1555010\(String(format: "%04d", n * 37 % 1000))", to: "\(plus)15550100199",
                    callerName: n % 2 == 0 ? "Rosa \(row.conference.friendlyName)" : nil, direction: .inbound,
                    startedAt: nil, status: .inProgress, quality: CallQuality())
            }
        }
        state.calls = calls
        return state
    }

    @Test func whichFiltersNarrow() {
        #expect(AppState.narrows(from: "r", to: "ro"))
        #expect(AppState.narrows(from: "R", to: "Ro"))
        #expect(AppState.narrows(from: "ada l", to: "ada lo"))
        // No filter shows every row: the first key typed narrows from it.
        #expect(AppState.narrows(from: "", to: "r"))
        #expect(AppState.narrows(from: "", to: "+1"))
        #expect(!AppState.narrows(from: "ro", to: "r"))
        #expect(!AppState.narrows(from: "ro", to: "ro"))
        #expect(!AppState.narrows(from: "ro", to: "xo"))
        // A number is also tried as digits without a country code 1: "1" then "5".
        #expect(!AppState.narrows(from: "+1", to: "+15"))
        #expect(AppState.narrows(from: "+15", to: "+155"))
        #expect(AppState.narrows(from: "+1 555", to: "+1 555 0"))
        #expect(AppState.narrows(from: "555", to: "555-"))
        #expect(!AppState.narrows(from: "(", to: "(5"))  // text, then a number
        #expect(!AppState.narrows(from: "55", to: "55a"))  // a number, then text
        #expect(!AppState.narrows(from: "z", to: "zü"))  // past ASCII
        #expect(AppState.narrows(from: "us", to: "us1"))
    }

    @Test func typingAFilterLeavesWhatSettingItAtOnceLeaves() {
        var state = Self.filteredTable()
        state.sort(by: .name, descending: false)
        for typed in ["room", "rosa", "us1", "in-pr", "ech", "alpha", "ro", "+1555", "+1 555 010 0", "15550100", "beta ", "zz", "+", "+1"] {
            var typing = state
            var text = ""
            for character in typed {
                text.append(character)
                typing.filter = text
                var atOnce = state
                atOnce.filter = text
                #expect(typing.visibleSids == atOnce.visibleSids, "\(text)")
                #expect(typing.contentWidths == atOnce.contentWidths, "\(text)")
            }
            // A row that changed while the filter was on is judged again as the rest are.
            var changed = typing.rows.values[5]
            changed.conference.friendlyName = typed + " and more"
            typing.replace([changed])
            // A key that narrows from the table on screen, and one (a digit after `+` or `+1`)
            // that narrows only from a shorter filter's table kept on the way.
            for next in ["x", "5"] {
                var typed = typing
                typed.filter = text + next
                var atOnce = state
                atOnce.rows[changed.id] = changed
                atOnce.filter = text + next
                #expect(typed.visibleSids == atOnce.visibleSids, "\(text)\(next)")
                #expect(typed.contentWidths == atOnce.contentWidths, "\(text)\(next)")
            }
        }
        // Some of those typed leave some rows and not others.
        var some = state
        some.filter = "ro"
        #expect(!some.visibleSids.isEmpty && some.visibleSids.count < state.visibleSids.count)
    }

    /// Backspace and Esc put back the table of a shorter filter typed on the way; each table so
    /// put back is the one worked out again from every row, also when rows changed meanwhile;
    /// with the filter's index of every row's text built (as the dashboard builds it
    /// once `/` is open) and without it.
    @Test(arguments: [false, true]) func takingKeysBackLeavesWhatSettingItAtOnceLeaves(indexed: Bool) {
        var state = Self.filteredTable()
        state.sort(by: .region, descending: true)
        // Worked out from every row, without the index.
        func fresh(_ state: AppState) -> AppState {
            var fresh = state
            fresh.filterIndex.invalidate()
            fresh.recomputeVisible()
            return fresh
        }
        func buildIndex(_ state: inout AppState) {
            guard indexed, let job = state.filterIndexJob else { return }
            _ = update(&state, .filterIndexBuilt(job.build()))
            #expect(state.filterIndex.index != nil)
        }
        var changes = 0
        for typed in ["rosa", "+1555", "ech", "us1"] {
            var typing = state
            _ = update(&typing, .key(.character("/")))
            buildIndex(&typing)
            var text = ""
            for character in typed {
                text.append(character)
                _ = update(&typing, .key(.character(character)))
                #expect(typing.filter == text)
                #expect(typing.visibleSids == fresh(typing).visibleSids, "\(text)")
            }
            #expect(!typing.filterSteps.steps.isEmpty)
            while !text.isEmpty {
                // Now and then a row changes while the filter is typed: the tables kept for the
                // shorter filters follow it.
                changes += 1
                var changed = typing.rows.values[changes % typing.rows.count]
                changed.conference.friendlyName = changes % 2 == 0 ? "Rosa's \(typed)" : "Echo \(changes)"
                changed.conference.region = changes % 3 == 0 ? "us1" : "ap\(changes)"
                typing.replace([changed])
                #expect(typing.visibleSids == fresh(typing).visibleSids, "\(text) after a change")
                text.removeLast()
                _ = update(&typing, .key(.backspace))
                #expect(typing.filter == text)
                #expect(typing.visibleSids == fresh(typing).visibleSids, "back to \(text.debugDescription)")
                #expect(typing.contentWidths == fresh(typing).contentWidths, "back to \(text.debugDescription)")
            }
            #expect(typing.filterSteps.steps.isEmpty)
            #expect(typing.filterIndex.index != nil || !indexed)
            // Typed again and left with Esc: the whole table, as it is now.
            for character in typed { _ = update(&typing, .key(.character(character))) }
            _ = update(&typing, .key(.escape))
            #expect(typing.filter.isEmpty)
            #expect(typing.visibleSids == fresh(typing).visibleSids)
            #expect(typing.visibleSids.count == typing.rows.count)
            // Closed and empty: the index is let go of.
            typing.prepareAfterFrame()
            #expect(typing.filterIndex.index == nil)
        }
        // A change the tables cannot follow (a new sort) drops them; the next backspace works
        // its table out again.
        var typing = state
        _ = update(&typing, .key(.character("/")))
        for character in "ro" { _ = update(&typing, .key(.character(character))) }
        typing.sort(by: .name, descending: false)
        #expect(typing.filterSteps.steps.isEmpty)
        _ = update(&typing, .key(.backspace))
        #expect(typing.visibleSids == fresh(typing).visibleSids)
    }

    /// A pass of the filter over every row finds the matching calls first; with none, a few or
    /// thousands of them it shows the rows that trying each participant's call shows.
    /// 1,200 live conferences of five participants each, their calls in the book (thousands of
    /// them: a pass over every row finds the matching calls first), a few sids as text.
    static func manyRows() -> AppState {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        var rows: [ConferenceRow] = []
        var calls = CallBook()
        for i in 0..<1200 {
            let conference = Fixtures.conference(
                String(format: "%08x-0000-4000-8000-%012x", i, i * 7), "Room \(i)", status: .inProgress, minutesAgo: 1)
            let participants = (0..<5).map { n in
                // UUID call sids, and a few as text (as Twilio writes them).
                let sid = n == 4 && i % 10 == 0 ? "CA\(i)x\(n)" : String(format: "%08x-0000-4000-8000-%012x", i, n + 10)
                return Fixtures.participant(sid, in: conference.sid)
            }
            for (n, participant) in participants.enumerated() where !(i % 50 == 0 && n == 0) {
                calls[participant.callSid] = CallInfo(
                    from: String(format: "+1555%07d", i * 5 + n), to: "+15550100199",
                    callerName: i % 100 == 0 ? "Ada \(i)" : nil, direction: .inbound, startedAt: nil, status: .inProgress,
                    quality: CallQuality())
            }
            rows.append(ConferenceRow(conference: conference, participants: participants, participantsKnown: true))
        }
        state.rows = ConferenceRows(rows)
        state.calls = calls
        return state
    }

    @Test(arguments: [false, true]) func theCallsFoundFirstShowWhatEachParticipantsCallShows(indexed: Bool) {
        var state = Self.manyRows()
        // The old way, each key worked out at once (not waiting for every row's text).
        state.filterWaitsFrom = .max
        #expect(state.calls.count > CallMatches.fewest)
        if indexed {
            _ = update(&state, .key(.character("/")))
            _ = update(&state, .filterIndexBuilt(state.filterIndexJob!.build()))
            #expect(state.filterIndex.index != nil)
        }
        // Thousands match (every call), a few, one with a text sid, none.
        for needle in ["+1555", "+1555000", "5550003", "ada", "ada 10", "+15550000000", "+15550000250", "0004999", "nobody", "0100199"] {
            state.filter = needle
            let callNeedle = CallNeedle(needle.lowercased())
            let expected = state.rows.values.filter { row in
                row.participants.contains { state.calls[$0]?.matches(callNeedle) == true }
                    || row.conference.friendlyName.lowercased().contains(needle)
                    || row.conference.sid.contains(needle) || row.conference.region.contains(needle)
                    || row.conference.status.rawValue.contains(needle)
            }.map(\.id)
            #expect(Set(state.visibleSids) == Set(expected), "\(needle)")
        }
        // A participant whose call the book does not hold matches nothing (conference 50's
        // first); the next one's call does.
        state.filter = "+15550000250"
        #expect(state.visibleSids.isEmpty)
        state.filter = "+15550000251"
        #expect(state.visibleSids == [state.rows.values[50].id])
    }

    /// At 1,000 rows and more, a key typed into the filter before every row's text is built
    /// shows at once and the table keeps its rows (the header says it is finding them); when the
    /// text comes, the table is the one the filter typed finds, worked out by it; backspace and
    /// Esc then go back as ever. A refresh meanwhile works the table out the old way at once.
    @Test func aKeyTypedBeforeEveryRowsTextIsBuiltWaitsForIt() {
        var state = Self.manyRows()
        state.selectedSid = state.rows.values[7].id
        func atOnce(_ state: AppState, _ filter: String) -> AppState {
            var fresh = state
            fresh.filterWaitsFrom = .max
            fresh.filterIndex.invalidate()
            fresh.filter = filter
            return fresh
        }
        let everyRow = state.visibleSids
        _ = update(&state, .key(.character("/")))
        let job = try! #require(state.filterIndexJob)
        var typed = ""
        for character in "+15550001" {
            typed.append(character)
            _ = update(&state, .key(.character(character)))
            #expect(state.filter == typed)
            #expect(state.filterWaitsForIndex)
            #expect(state.visibleSids == everyRow, "\(typed): the rows shown before it")
        }
        _ = update(&state, .filterIndexBuilt(job.build()))
        #expect(!state.filterWaitsForIndex)
        let found = atOnce(state, typed).visibleSids
        #expect(!found.isEmpty && found.count < everyRow.count)
        #expect(state.visibleSids == found)
        #expect(state.contentWidths == atOnce(state, typed).contentWidths)
        // The selection is on a row the table shows.
        #expect(state.selectedSid.flatMap(state.visiblePosition(of:)) != nil)
        // Typed on with the text built: at once, as ever; back the same way.
        _ = update(&state, .key(.character("1")))
        #expect(!state.filterWaitsForIndex)
        #expect(state.visibleSids == atOnce(state, typed + "1").visibleSids)
        _ = update(&state, .key(.backspace))
        #expect(state.visibleSids == found)
        _ = update(&state, .key(.escape))
        #expect(state.filter.isEmpty && state.visibleSids == everyRow)

        // Esc while it waits: the whole table, and nothing left waiting.
        state.prepareAfterFrame()
        #expect(state.filterIndex.index == nil)
        _ = update(&state, .key(.character("/")))
        for character in "ada" { _ = update(&state, .key(.character(character))) }
        #expect(state.filterWaitsForIndex)
        _ = update(&state, .key(.escape))
        #expect(!state.filterWaitsForIndex && state.visibleSids == everyRow)

        // A refresh while it waits: the rows changed, the table worked out for the filter at once.
        state.prepareAfterFrame()
        _ = update(&state, .key(.character("/")))
        for character in "ada 1" { _ = update(&state, .key(.character(character))) }
        #expect(state.filterWaitsForIndex && state.visibleSids == everyRow)
        var rows = state.rows
        rows[state.rows.values[3].id] = nil
        state.rows = rows
        #expect(!state.filterWaitsForIndex)
        #expect(state.visibleSids == atOnce(state, "ada 1").visibleSids)
        #expect(!state.visibleSids.isEmpty)

        // Under 1,000 rows there is nothing to wait for: each key works the table out at once.
        var small = NarrowingFilterTests.filteredTable()
        _ = update(&small, .key(.character("/")))
        _ = update(&small, .key(.character("r")))
        #expect(!small.filterWaitsForIndex && small.visibleSids == atOnce(small, "r").visibleSids)
    }

    /// An index built from rows that changed wholesale before it came is not taken; one built
    /// while a few rows changed in place is taken with those rows put right.
    @Test func anIndexBuiltFromOlderRowsIsPutRightOrLeft() {
        var state = AppState(space: "demo", account: "AC", now: Fixtures.epoch)
        state.rows = ConferenceRows(FilterAndSortTests.rows())
        _ = update(&state, .key(.character("/")))
        let first = state.filterIndexJob!
        var changed = state.rows.values[4]
        changed.conference.friendlyName = "Quokka room"
        state.replace([changed])
        _ = update(&state, .filterIndexBuilt(first.build()))
        #expect(state.filterIndex.index != nil)
        for character in "quokka" { _ = update(&state, .key(.character(character))) }
        #expect(state.visibleSids == [changed.id])
        // Rows replaced wholesale: the index of the old ones is dropped and not taken.
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.character("/")))
        let stale = state.filterIndexJob
        #expect(stale == nil)  // still held: the filter never closed with the index let go
        state.prepareAfterFrame()
        var rows = state.rows
        rows[changed.id] = nil
        state.rows = rows
        #expect(state.filterIndex.index == nil)
        let job = state.filterIndexJob!
        var again = state.rows.values[0]
        again.conference.friendlyName = "Wombat"
        var all = state.rows
        all[again.id] = again
        state.rows = all
        _ = update(&state, .filterIndexBuilt(job.build()))
        #expect(state.filterIndex.index == nil)
        _ = update(&state, .filterIndexBuilt(state.filterIndexJob!.build()))
        for character in "wombat" { _ = update(&state, .key(.character(character))) }
        #expect(state.visibleSids == [again.id])
    }
}
