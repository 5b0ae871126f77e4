import CompatAPI
import Foundation
import Ledger

/// The polling machinery as the header shows it.
public enum PollState: Equatable, Sendable {
    case starting
    case live
    case paused
    /// The last poll failed; the next try is at `at`.
    case retrying(at: Date, attempt: Int, reason: String)
    /// Several polls in a row failed; still retrying at `at`.
    case offline(at: Date, attempt: Int, reason: String)
}

/// A conference with what confdash knows about it.
public struct ConferenceRow: Equatable, Sendable, Identifiable {
    public var conference: Conference
    public var participants: [Participant]
    /// False until a participants list came back for this conference.
    public var participantsKnown: Bool
    public var streamCount: Int

    public var id: String { conference.sid }

    public init(conference: Conference, participants: [Participant] = [], participantsKnown: Bool = false, streamCount: Int = 0) {
        self.conference = conference
        self.participants = participants
        self.participantsKnown = participantsKnown
        self.streamCount = streamCount
    }
}

/// How wide the conferences table's short columns have to be for the rows it shows (their
/// characters; every value is ASCII): kept up to date as rows change, so that the widths follow
/// the whole table's content, not the rows scrolled into view (which would make columns jump
/// while scrolling), and no frame walks every row to find them.
public struct ConferenceContentWidths: Equatable, Sendable {
    public var status = 0
    public var region = 0
    public var participants = 0
    public var streams = 0
    public var space = 0

    public init() {}

    /// Widened, never narrowed, by `row`: a row that changed in place may need more room; less
    /// room is found by the next full pass.
    mutating func widen(for row: borrowing ConferenceRow, space name: String?) {
        withUnsafePointer(to: row) { widen(at: $0, space: name) }
    }

    /// The same for a row read where it lies: a row passed as a value from an array's storage
    /// was copied whole first (a dozen references taken and let go), 10,000 times a pass.
    mutating func widen(at row: UnsafePointer<ConferenceRow>, space name: String?) {
        // The service's statuses and regions are ASCII: their UTF-8 length (free for a native
        // string) is their width, with no walk over each row's characters.
        status = max(status, row.pointee.conference.status.rawValue.utf8.count)
        region = max(region, row.pointee.conference.region.utf8.count)
        participants = max(participants, Self.digits(row.pointee.participants.count))
        streams = max(streams, Self.digits(row.pointee.streamCount))
        if let name { space = max(space, name.count) }
    }

    /// Widened by a space's name alone.
    mutating func widen(space name: String?) {
        if let name { space = max(space, name.count) }
    }

    static func digits(_ n: Int) -> Int { n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).count }
}

/// Which screen is in front.
public enum Screen: Equatable, Sendable {
    case conferences
    case conference(sid: String)
    /// The audit trail: every mutation, newest first.
    case eventLog
}

/// The two panes of a conference's detail screen.
public enum DetailPane: Equatable, Sendable {
    case participants
    case streams
    case recordings

    /// The pane Tab goes to next: participants, streams, recordings, and round again.
    public var next: DetailPane {
        switch self {
        case .participants: .streams
        case .streams: .recordings
        case .recordings: .participants
        }
    }
}

/// A one-line result or error that clears itself.
public struct StatusMessage: Equatable, Sendable {
    public enum Severity: Equatable, Sendable { case info, success, warning, error }
    public var text: String
    public var severity: Severity
    public var expires: Date
    /// Said by a poll (participants not refreshed), not in answer to the operator: it never
    /// takes the place of what an action or a key said.
    public var fromPoll: Bool
    /// An action's outcome: it stays until a key is pressed, even past `expires`, so an
    /// operator who looked away still reads what came of what they did.
    public var awaitingKey: Bool

    public init(text: String, severity: Severity, expires: Date, fromPoll: Bool = false, awaitingKey: Bool = false) {
        self.text = text
        self.severity = severity
        self.expires = expires
        self.fromPoll = fromPoll
        self.awaitingKey = awaitingKey
    }
}

/// Something destructive the operator asked for, waiting for a yes.
public enum PendingAction: Equatable, Sendable {
    case stopStream(conference: String, stream: String)
    case endConference(String)
    case removeParticipant(conference: String, callSid: String)
    case stopRecording(conference: String, recording: String)
    case deleteRecording(conference: String, recording: String)
    /// Stop a call's recording, through the call's endpoint.
    case stopCallRecording(conference: String, call: String, recording: String)
    /// Delete a call's recording (the account-level delete: the only one the spec has for it).
    case deleteCallRecording(conference: String, call: String, recording: String)
    /// Write an export over the file already at its path.
    case overwriteExport(path: String, text: String, rows: Int, table: TableName)
}

/// A question before a destructive action ("Stop stream NAME (SID) on CONFERENCE?"), with
/// Cancel focused until the operator moves, so Enter alone does nothing.
public struct Confirmation: Equatable, Sendable {
    public var title: String
    public var question: String
    /// The label of the button that acts: "Stop", "End", "Remove".
    public var verb: String
    public var action: PendingAction
    /// False: Cancel has the focus.
    public var confirmFocused = false

    public init(title: String, question: String, verb: String, action: PendingAction) {
        self.title = title
        self.question = question
        self.verb = verb
        self.action = action
    }
}

/// The one-line URL prompt at the bottom of the screen: an announcement's URL (with GET or
/// POST), or the music a participant hears on hold.
public struct URLPrompt: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        /// Announce to the conference; the URL is required.
        case announce
        /// Put this participant on hold; an empty URL keeps the service's own hold music.
        case hold(callSid: String)
        /// Announce to this participant alone; the URL is required.
        case announceParticipant(callSid: String)
    }
    public var purpose: Purpose
    public var conferenceSid: String
    public var conferenceName: String
    public var url = LineEditor("", limit: 2048)
    public var method: CallbackMethod = .post
    /// Why Enter sent nothing (the URL is not one the service can fetch), shown in the prompt
    /// until the URL is edited.
    public var problem: String?

    public init(_ purpose: Purpose, conferenceSid: String, conferenceName: String) {
        self.purpose = purpose
        self.conferenceSid = conferenceSid
        self.conferenceName = conferenceName
    }
}

/// How the conferences table is ordered beyond "live first".
public enum SortColumn: String, CaseIterable, Sendable {
    case created, name, status, region, participants, streams
    /// Every space at once: by the profile each conference belongs to (skipped otherwise).
    case space
}

/// Everything on screen, as a value. Only `update` changes it.
public struct AppState: Equatable, Sendable {
    public var space: String
    public var account: String
    /// Every conference row, by sid. Assigning re-sorts the table; a refresh that changed a few
    /// rows of a large table goes through `replace(_:)` instead.
    public var rows = ConferenceRows() {
        didSet {
            if !placingRows {
                filterIndex.invalidate()
                sortRanks.invalidate()
                recomputeVisible()
            }
        }
    }
    /// The filter's text of every row, while the table is being filtered (see `FilterIndex`).
    var filterIndex = FilterIndexCache()
    /// Every row's rank under each column of text sorted by so far, while the texts hold.
    var sortRanks = SortRanks()
    /// True only inside `replace(_:)`, which keeps the order up to date itself.
    private var placingRows = false
    public var lastRefresh: Date?
    public var poll: PollState = .starting
    /// The data on screen is older than the last failed poll.
    public var stale = false
    public var screen: Screen = .conferences
    /// The selected conference, by sid, so a refresh that reorders rows keeps it selected.
    public var selectedSid: String?
    /// First conference row on screen; moves only as far as needed to keep the selection in view.
    public var conferenceScroll = 0
    public var detailPane: DetailPane = .participants
    /// The participant picked in the open conference, by call sid: a poll that reorders or
    /// removes others never moves the pick to someone else.
    public var selectedCallSid: String?
    /// The stream picked in the open conference, by stream sid.
    public var selectedStreamSid: String?
    /// Where each pane's pick was last seen on screen, so that when the picked participant or
    /// stream leaves, the pick moves to the neighbour that took its place.
    public var detailPosition: [DetailPane: Int] = [:]
    /// Each pane's `/` filter on a conference's screen (none: every row shows).
    public var paneFilters: [DetailPane: String] = [:]
    /// The pick moved by itself (the picked participant or stream left) since the operator last
    /// moved it: the next mutating key says so instead of acting on someone not picked.
    public var selectionMoved: String?
    public var filter = "" {
        didSet { if filter != oldValue { filterChanged(from: oldValue) } }
    }
    /// The table under each shorter filter typed on the way to `filter`, so that a backspace or
    /// Esc puts back what the table showed instead of checking every row again.
    var filterSteps = FilterSteps()
    /// What has the keyboard in front of the screen (help, a form, a question, an editor).
    public var modal: Modal?
    public var showCompleted = true {
        didSet { if showCompleted != oldValue { recomputeVisible() } }
    }
    /// The conferences table's rows in display order, kept up to date as rows, the filter and
    /// the completed toggle change, so that a key press never sorts.
    ///
    /// Kept as places in `rows.values` only (`visiblePlaces`): an array of 10,000 sids built and
    /// let go at every sort or filter key, and looked through by comparing text to find the
    /// selection, were a fifth of a key of `s`. This one is built on each read, for tests and
    /// exports; a key reads `visibleCount`, `visibleSid(at:)` and `visiblePosition(of:)`.
    public var visibleSids: [String] {
        rows.values.withUnsafeBufferPointer { all in visiblePlaces.map { all[Int($0)].id } }
    }
    /// How many rows the conferences table shows.
    public var visibleCount: Int { visiblePlaces.count }
    /// The sid of the table's row at `position` (in range).
    public func visibleSid(at position: Int) -> String { rows.values[Int(visiblePlaces[position])].id }
    /// The table's row at `position` (in range).
    public func visibleRow(at position: Int) -> ConferenceRow { rows.values[Int(visiblePlaces[position])] }
    /// Where the table shows conference `sid`, if it does: its place found by sid, then that
    /// number among the shown places (no text compared).
    public func visiblePosition(of sid: String) -> Int? {
        guard let place = rows.place(of: sid) else { return nil }
        return visiblePlaces.firstIndex(of: Int32(place))
    }
    /// Where each of `visibleSids` is in `rows.values`, so that a pass over the shown rows finds
    /// them without a lookup by sid. (Places hold while rows change in place; rows come and
    /// go only through a full pass, which works these out again.)
    private(set) var visiblePlaces: [Int32] = []
    /// What the shown rows need of the short columns' widths.
    public private(set) var contentWidths = ConferenceContentWidths()
    public var status: StatusMessage?
    /// Conferences that changed in the last refresh, highlighted until the date given.
    public var changedUntil: [String: Date] = [:]
    public var now: Date
    /// Rows the conferences table can show at once, told by the terminal layer on resize.
    public var visibleRows = 20
    public var quitRequested = false
    /// Streams the ledger knows, by conference sid, newest first.
    public var streams: [String: [StreamRecord]] = [:]
    /// Who is on each participant's call, by call sid (the last poll's listing of calls in
    /// progress): the participants pane's numbers, names and quality, and what `/` matches.
    public var calls: CallBook = [:] {
        didSet { filterIndex.invalidate() }
    }
    /// The recordings of the conferences opened, by conference sid (read while one is open).
    public var recordings: [String: [Recording]] = [:]
    /// Recordings of single participants' calls started from this dashboard, by the conference
    /// the call was in: the service lists a call's recordings only account-wide, so the
    /// recordings pane shows these beside the conference's own (newest first).
    public var callRecordings: [String: [Recording]] = [:]
    /// The recording picked in the open conference, by recording sid.
    public var selectedRecordingSid: String?
    /// Why the shared store cannot be reached now (the header's problem line says it), or nil.
    public var storeProblem: String?
    /// The dashboard may not change anything on the service: mutating keys say so instead.
    public var readOnly = false
    /// Why stream actions are off (Twilio has no conference streams), when they are.
    public var streamsUnavailable: String?
    /// Participants as they were before an optimistic mute or hold, by call sid, restored if
    /// the service refuses the change.
    public var pendingRollbacks: [String: Participant] = [:]
    /// Changes whose answer never came, by `UnsettledChange.key`, until the service settles them.
    public var unsettled: [String: UnsettledChange] = [:]
    /// When the dashboard started: `connecting…` counts from here until the first answer.
    public var startedAt: Date
    /// How often the poller reads the service: a poll in flight longer than this is said.
    public var refreshInterval: TimeInterval = 2
    /// The audit trail as last read, newest first, for the event log pane.
    public var auditEntries: [AuditEntry] = []
    public var eventLogCursor = 0
    public var sortColumn: SortColumn = .created {
        didSet { if !sortingOnce { resortVisible() } }
    }
    /// Newest, largest or last first when true.
    public var sortDescending = true {
        didSet { if !sortingOnce { resortVisible() } }
    }
    /// Set while `sort(by:descending:)` changes both: the table is sorted once, not twice.
    private var sortingOnce = false

    /// A new sort column and direction, the table sorted once for both.
    public mutating func sort(by column: SortColumn, descending: Bool) {
        sortingOnce = true
        sortColumn = column
        sortDescending = descending
        sortingOnce = false
        resortVisible()
    }
    /// Where the service should send stream status callbacks, when the receiver is on.
    public var callbackURL: String?
    public var keymap: Keymap = .standard
    /// The profile this session runs under (nil: flags and environment only), and the other
    /// profiles of the config file that `:profile NAME` can switch to.
    public var profile: String?
    public var profiles: [String] = []
    /// What conference status callbacks said: who is speaking, and changes polls must not undo.
    public var conferenceEvents = ConferenceEventState()
    /// The profile's chosen columns and saved views.
    public var layout = SavedLayout()
    /// `:mouse on`: clicks select and the wheel scrolls. Off by default, so the terminal's own
    /// text selection works.
    public var mouse = false
    /// The saved view last put on screen, if any (the header names it).
    public var view: String?
    /// Every space at once (`--all-profiles`): each profile's health, in the config file's
    /// order. Empty: one space, the usual dashboard.
    public var spaces: [SpaceHealth] = []
    /// The space (profile name) each conference came from, by conference sid, when `spaces` is
    /// not empty.
    public var spaceOf: [String: String] = [:] {
        // A space's name is matched by the filter: what each shorter filter showed may differ.
        didSet {
            filterSteps.clear()
            filterIndex.invalidate()
            sortRanks.invalidate()
        }
    }
    /// When each space last answered a poll (every space at once), by name.
    public var spaceAnsweredAt: [String: Date] = [:]
    /// Spaces whose first poll listed their conferences and is still reading participants.
    public var spacesListing: Set<String> = []

    /// Conferences no poll lists any more (ended and gone from the recent list) kept on screen
    /// for reference, the most recent first.
    public static let completedKept = 200

    /// How long a status message stays.
    public static let statusLifetime: TimeInterval = 5
    /// How long a changed row stays highlighted.
    public static let highlightLifetime: TimeInterval = 1.5

    public init(space: String, account: String, now: Date) {
        self.space = space
        self.account = account
        self.now = now
        self.startedAt = now
    }

    /// Whether stream status callbacks reach this dashboard (its receiver is on): without them a
    /// stream's status after its start cannot be confirmed.
    public var receivesCallbacks: Bool { callbackURL != nil }

    /// How long the poll now in flight has waited for the service, once that is longer than the
    /// refresh interval (nil before): the header must not say "live" about data the service is
    /// not sending. A poll starts `refreshInterval` after the last one ended.
    public var pollOverdue: TimeInterval? {
        guard poll == .live, let lastRefresh else { return nil }
        let inFlight = now.timeIntervalSince(lastRefresh) - refreshInterval
        return inFlight > refreshInterval ? inFlight : nil
    }

    /// What is wrong right now, for the line under the title, until it is resolved: the
    /// service's failure (why polls fail), a poll that is taking too long, changes whose
    /// outcome is unknown. Transient messages go to the bottom line and never hide it.
    public var currentProblem: (text: String, severe: Bool)? {
        var parts: [String] = []
        var severe = false
        switch poll {
        case .retrying(_, _, let reason):
            parts.append(reason)
        case .offline(_, _, let reason):
            parts.append(reason)
            severe = true
        case .starting:
            let waited = Int(now.timeIntervalSince(startedAt))
            // Rows already on screen (`Msg.conferencesListed`) are the service's answer: the
            // first refresh is only still reading their participants.
            if waited >= 3 && rows.isEmpty { parts.append("no answer from the service yet (\(waited)s)") }
        case .live, .paused:
            if let inFlight = pollOverdue {
                parts.append("a refresh has waited \(Int(inFlight))s for the service's answer")
            }
        }
        if let spacesProblem {
            parts.append(spacesProblem.text)
            severe = severe || spacesProblem.severe
        }
        if let unsettledSummary { parts.append(unsettledSummary) }
        if let storeProblem {
            parts.append(storeProblem)
            severe = true
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "; "), severe)
    }

    public var context: KeyContext {
        switch screen {
        case .conferences: .conferences
        case .conference: .detail
        case .eventLog: .eventLog
        }
    }

    /// The filter being typed, when it is.
    public var filterEditor: LineEditor? {
        if case .filter(let editor) = modal { return editor }
        return nil
    }
    /// The `:` command being typed, when it is.
    public var commandEditor: LineEditor? {
        if case .command(let prompt) = modal { return prompt.editor }
        return nil
    }
    public var showHelp: Bool {
        if case .help = modal { return true }
        return false
    }
    public var startStreamForm: StartStreamForm? {
        if case .startStreamForm(let form) = modal { return form }
        return nil
    }
    public var confirmation: Confirmation? {
        if case .confirmation(let confirmation) = modal { return confirmation }
        return nil
    }
    public var urlPrompt: URLPrompt? {
        if case .urlPrompt(let prompt) = modal { return prompt }
        return nil
    }

    /// The conferences table as shown: filtered, live first, newest first.
    public var visibleConferences: [ConferenceRow] { visiblePlaces.map { rows.values[Int($0)] } }

    mutating func recomputeVisible() {
        filterSteps.clear()
        filterWaitsForIndex = false
        let filter = rowFilter(scanningCalls: true)
        // The sort moves indices, not rows: a row holds a conference and its participants, and
        // moving thousands of them through the merge sort was most of a refresh's cost. The rows
        // are read in place (a buffer's element is not copied to read a field of it), by a filter
        // that holds what it needs of the state: a copy of each row taken and let go, three
        // times a pass, was most of a key of the filter's cost.
        let (live, participants, shown, widths) = rows.values.withUnsafeBufferPointer { buffer in
            var live = 0, participants = 0
            var shown: [Int] = []
            var widths = ConferenceContentWidths()
            // Through the pointer: a row read through the buffer's subscript was copied whole.
            guard let all = buffer.baseAddress else { return (0, 0, shown, widths) }
            for index in buffer.indices {
                if all[index].conference.status.isLive {
                    live += 1
                    participants += all[index].participants.count
                }
                if filter.shows(at: all + index, place: index) {
                    shown.append(index)
                    widths.widen(at: all + index, space: filter.spaceOf.isEmpty ? nil : filter.spaceOf[all[index].id])
                }
            }
            return (live, participants, shown, widths)
        }
        liveConferenceCount = live
        liveParticipantCount = participants
        visiblePlaces = displaySorted(shown, of: rows, ranks: textRanksOfEveryRow())
        contentWidths = widths
    }

    /// The table in a new sort column's or direction's order: the same rows, so no pass over
    /// every row and no widths again (at 10,000 conferences `s` spent a fifth of its time on
    /// them). The shorter filters' tables are in the old order: dropped.
    mutating func resortVisible() {
        filterSteps.clear()
        let shown = visiblePlaces.map { Int($0) }
        visiblePlaces = displaySorted(shown, of: rows, ranks: textRanksOfEveryRow())
    }

    /// Whether the filter `new` shows only rows that `old` shows, so that a key typed at the end
    /// of the filter need only look again at the rows on the table (in their order) instead of
    /// every conference: text found in a row contains what it starts with. A number is also
    /// looked for as digits, and as digits without a country code 1: each must start with the
    /// last one's too (`+1` to `+15` looks again everywhere, `+15` to `+155` does not). Not past
    /// ASCII, where letters are also compared as whole characters.
    static func narrows(from old: String, to new: String) -> Bool {
        // No filter shows every row (under the completed toggle): any filter shows fewer.
        if old.isEmpty { return true }
        guard new.utf8.count > old.utf8.count, new.utf8.allSatisfy({ $0 < 0x80 }),
            new.utf8.starts(with: old.utf8)
        else { return false }
        let before = CallNeedle(old.lowercased()), after = CallNeedle(new.lowercased())
        switch (before.digits, after.digits, before.national, after.national) {
        case (nil, nil, _, _): return true
        case (let digitsBefore?, let digitsAfter?, let nationalBefore?, let nationalAfter?):
            return digitsAfter.hasPrefix(digitsBefore) && nationalAfter.hasPrefix(nationalBefore)
        default: return false
        }
    }

    /// The table after the filter changed from `old`: put back as it was under a shorter filter
    /// typed on the way (a backspace, Esc), narrowed from the rows shown when only more was typed,
    /// or worked out again from every row.
    mutating func filterChanged(from old: String) {
        if let step = filterSteps.takeBack(filter) {
            visiblePlaces = step.places
            contentWidths = step.widths
            filterWaitsForIndex = false
            return
        }
        let left = FilterStep(filter: old, places: visiblePlaces, widths: contentWidths)
        if filterIndex.index == nil, rows.count >= filterWaitsFrom, !filter.isEmpty,
            FilterIndex.answers(CallNeedle(filter.lowercased()))
        {
            // Typed before every row's text is built (it is, off the loop, from the `/`): the
            // old way is 10–50 ms a key at 10,000 conferences, more on a busy machine, while
            // the text is built in 45–200 ms. The key shows at once; the table follows when the
            // text is there (`take`), in one pass that finds every row by it.
            if !filterWaitsForIndex {
                if filter.hasPrefix(old) { filterSteps.keep(left) } else { filterSteps.clear() }
            }
            filterWaitsForIndex = true
            return
        }
        if Self.narrows(from: old, to: filter) {
            narrowVisible(from: visiblePlaces)
        } else if let wider = filterSteps.steps.last(where: { Self.narrows(from: $0.filter, to: filter) }) {
            // `+1` after `+` (a number is looked for as digits too): narrowed from the table of
            // a shorter filter kept on the way, no filter at least, already in display order:
            // no pass over every row, and no sort (9–13 ms of that key at 10,000 conferences).
            narrowVisible(from: wider.places)
        } else {
            // Worked out again from every row (`+1` after `+`: a number is looked for as digits
            // too); the tables kept so far still hold, nothing but the filter having changed.
            let steps = filterSteps
            recomputeVisible()
            filterSteps = steps
        }
        // A key typed at the end: a backspace will come back to the table just left.
        if filter.hasPrefix(old) { filterSteps.keep(left) } else { filterSteps.clear() }
    }

    /// The table under a filter that `narrows` from the one that showed `shown`: those of its
    /// rows the filter still shows, in the same order.
    mutating func narrowVisible(from shown: [Int32]) {
        filterWaitsForIndex = false
        let filter = rowFilter(scanningCalls: true)
        var widths = ConferenceContentWidths()
        var places: [Int32] = []
        rows.values.withUnsafeBufferPointer { all in
            guard let first = all.baseAddress else { return }
            for place in shown {
                let row = first + Int(place)
                guard filter.shows(at: row, place: Int(place)) else { continue }
                places.append(place)
                if let index = filter.index {
                    index.widen(&widths, place: Int(place))
                } else {
                    widths.widen(at: row, space: nil)
                }
                if !filter.spaceOf.isEmpty { widths.widen(space: filter.spaceOf[row.pointee.id]) }
            }
        }
        visiblePlaces = places
        contentWidths = widths
    }

    /// The walk over the calls book for the calls a needle matches, made the first time a row
    /// asks: a pass whose rows all match on their own fields (`ro` finds every live
    /// conference's status, in-progress) no longer walks 50,000 calls for nothing (15–20 ms).
    final class CallScan {
        private let calls: CallBook
        private let needle: CallNeedle
        private(set) lazy var matches: CallMatches = calls.matching(needle)

        init(_ calls: CallBook, _ needle: CallNeedle) {
            self.calls = calls
            self.needle = needle
        }
    }

    /// What decides whether the table shows a row: the completed toggle and the filter.
    struct RowFilter {
        let showCompleted: Bool
        let needle: CallNeedle
        let spaceOf: [String: String]
        let calls: CallBook
        /// The calls the needle matches, for a pass over every row (nil: each participant's call
        /// is looked up and tried), worked out when a row first needs them.
        let callScan: CallScan?
        var callMatches: CallMatches? { callScan?.matches }
        /// Every row's text, for a pass over many rows, when built and the needle is one it
        /// answers for.
        let index: FilterIndex?

        /// Whether the table shows `row` under the completed toggle and the filter.
        func shows(_ row: borrowing ConferenceRow) -> Bool {
            withUnsafePointer(to: row) { shows(at: $0) }
        }

        /// The same for a row read where it lies (see `ConferenceContentWidths.widen(at:)`), at
        /// `place` in the rows when known: the index answers for it then.
        func shows(at row: UnsafePointer<ConferenceRow>, place: Int? = nil) -> Bool {
            guard showCompleted || row.pointee.conference.status.isLive else { return false }
            let text = needle.text
            guard !text.isEmpty else { return true }
            if let index, let place { return index.matches(place: place, needle) }
            if TextMatch.contains(row.pointee.conference.friendlyName, lowercased: text)
                || TextMatch.contains(row.pointee.conference.sid, lowercased: text)
                || TextMatch.contains(row.pointee.conference.region, lowercased: text)
                || TextMatch.contains(row.pointee.conference.status.rawValue, lowercased: text)
            {
                return true
            }
            if !spaceOf.isEmpty, let space = spaceOf[row.pointee.conference.sid], TextMatch.contains(space, lowercased: text) {
                return true
            }
            // `/+1555` finds the conference a caller is in: its participants' numbers and names.
            guard row.pointee.conference.status.isLive, !calls.isEmpty else { return false }
            let callMatches = self.callMatches
            if let callMatches, !callMatches.mayHold { return false }
            return row.pointee.participants.withUnsafeBufferPointer { buffer in
                guard let participants = buffer.baseAddress else { return false }
                if let callMatches, let found = callMatches.contains(participants, count: buffer.count) { return found }
                return buffer.indices.contains { calls.call(ofSid: participants[$0].callSidKey, matches: needle) }
            }
        }
    }

    /// The filter as it stands. `scanningCalls`: for a pass over every row, the calls the needle
    /// matches are found first by one walk over the calls book, so that each participant is
    /// not looked up in it (50,000 lookups, each a miss of the processor's caches, were most of
    /// a key typed into the filter at 10,000 conferences); a few rows are better off without.
    func rowFilter(scanningCalls: Bool = false, text: String? = nil) -> RowFilter {
        let needle = CallNeedle((text ?? filter).lowercased())
        let index = scanningCalls && FilterIndex.answers(needle) ? filterIndex.index : nil
        let scan = scanningCalls && index == nil && !needle.text.isEmpty && !calls.isEmpty
        return RowFilter(
            showCompleted: showCompleted, needle: needle, spaceOf: spaceOf, calls: calls,
            callScan: scan ? CallScan(calls, needle) : nil, index: index)
    }

    /// For the slow-key log: whether a key typed into the filter now finds every row's text
    /// built ("ready"), or filters the old way while it is built ("building"); nil when the
    /// table is not being filtered.
    public var filterIndexState: String? {
        guard filtering else { return nil }
        return filterIndex.index == nil ? "building" : "ready"
    }

    /// Whether the table still shows the rows of an earlier filter: the filter was typed before
    /// every row's text was built, and the table follows when it is (`take`).
    public internal(set) var filterWaitsForIndex = false

    /// From this many rows a key typed into the filter before every row's text is built waits
    /// for it (under it, the old way is a millisecond or two). Public for the benchmark, which
    /// times the old way too.
    public var filterWaitsFrom = 1000

    /// Whether the conferences table is being filtered, or about to be (its `/` is open).
    var filtering: Bool {
        if !filter.isEmpty { return true }
        if case .conferences = screen, case .filter = modal { return true }
        return false
    }

    /// Work for after a frame is on screen: the filter's text of every row is let go of once
    /// the table's filter is closed and empty (about 350 bytes a conference). True when it was:
    /// memory worth handing back to the system.
    @discardableResult
    public mutating func prepareAfterFrame() -> Bool {
        guard !filtering, filterIndex.index != nil else { return false }
        filterIndex.invalidate()
        return true
    }

    /// The filter's text of every row to build off the main loop, when the table is being
    /// filtered and has none: once the `/` is open, so that the keys typed next find it.
    public var filterIndexJob: FilterIndexJob? {
        guard filtering, filterIndex.index == nil else { return nil }
        return FilterIndexJob(rows: rows, calls: calls, spaceOf: spaceOf, generation: filterIndex.generation)
    }

    /// Takes a built index if it was built from the rows, calls and spaces there are now, with
    /// the rows changed in place since put right.
    mutating func take(_ built: FilterIndexBuilt) {
        guard built.generation == filterIndex.generation, filterIndex.index == nil, filtering else { return }
        var index = built.index
        guard index.rows.count == rows.count else {
            // Not the rows there are now (a new job starts once they change): a filter waiting
            // for it is worked out the old way rather than wait for one that may not come.
            if filterWaitsForIndex { keepingFilterSteps { $0.recomputeVisible() } }
            return
        }
        for sid in filterIndex.changedSince {
            guard let place = rows.place(of: sid) else { continue }
            index.rows[place] = rows.values.withUnsafeBufferPointer {
                FilterIndex.row(at: $0.baseAddress! + place, calls: calls, spaceOf: spaceOf)
            }
        }
        filterIndex.changedSince = []
        filterIndex.index = index
        // The filter typed while it was built, found now by every row's text.
        if filterWaitsForIndex { keepingFilterSteps { $0.recomputeVisible() } }
    }

    /// `change`, keeping the tables of shorter filters kept so far (they still hold when only
    /// the way the table is worked out changed).
    mutating func keepingFilterSteps(_ change: (inout AppState) -> Void) {
        let steps = filterSteps
        change(&self)
        filterSteps = steps
    }

    /// Puts changed versions of rows already in the table in place. Each one leaves the order
    /// and goes back in where it now belongs, found by binary search, and the header's counts
    /// move by the difference: at 5,000 conferences, sorting them all again for one changed row
    /// made that refresh 40 ms of work, long enough for a key press behind it to feel late.
    /// Rows not yet in the table, or more than a few changed at once, take the full sort.
    /// Puts in place rows a poll read again and found equal to those on screen: nothing on
    /// screen moves, but each row now holds what the read decoded, which the client's read cache
    /// keeps too, instead of a copy of its own. Without it a row kept the participants (and
    /// conference) of an older decode, or of an event's change, for as long as nothing changed,
    /// beside an equal copy in the cache: a long run's memory grew by one such copy for every
    /// conference re-read after its cache entry had aged out or an event had touched it.
    mutating func adopt(_ same: [ConferenceRow]) {
        guard !same.isEmpty else { return }
        placingRows = true
        defer { placingRows = false }
        for row in same where rows[row.id] != nil { rows[row.id] = row }
    }

    mutating func replace(_ changed: [ConferenceRow]) {
        guard changed.count <= max(8, rows.count / 16), changed.allSatisfy({ rows[$0.id] != nil }) else {
            var all = rows
            for row in changed { all[row.id] = row }
            rows = all
            return
        }
        placingRows = true
        defer { placingRows = false }
        // The tables of the shorter filters are kept up to date the same way for a few rows;
        // for more they are dropped (the next backspace works its table out again).
        if changed.count > 8 { filterSteps.clear() }
        let filter = rowFilter()
        let stepFilters = filterSteps.steps.map { rowFilter(text: $0.filter) }
        for row in changed {
            guard let old = rows[row.id] else { continue }
            if old.conference.status.isLive {
                liveConferenceCount -= 1
                liveParticipantCount -= old.participants.count
            }
            if row.conference.status.isLive {
                liveConferenceCount += 1
                liveParticipantCount += row.participants.count
            }
            let wasShown = filter.shows(old)
            let wasShownInSteps = stepFilters.map { $0.shows(old) }
            rows[row.id] = row
            if let place = rows.place(of: row.id) { moveRanks(place: place, from: old) }
            if filterIndex.index != nil, let place = rows.place(of: row.id) {
                let text = rows.values.withUnsafeBufferPointer {
                    FilterIndex.row(at: $0.baseAddress! + place, calls: calls, spaceOf: spaceOf)
                }
                filterIndex.index?.rows[place] = text
            } else if filtering {
                filterIndex.changedSince.insert(row.id)
            }
            // Each list is moved out while it changes, so that no copy of it is made.
            var shown = FilterStep(filter: filter.needle.text, places: visiblePlaces, widths: contentWidths)
            visiblePlaces = []
            reposition(row, wasShown: wasShown, shows: filter.shows(row), in: &shown)
            (visiblePlaces, contentWidths) = (shown.places, shown.widths)
            for (step, stepFilter) in stepFilters.enumerated() {
                var kept = filterSteps.steps[step]
                filterSteps.steps[step].places = []
                reposition(row, wasShown: wasShownInSteps[step], shows: stepFilter.shows(row), in: &kept)
                filterSteps.steps[step] = kept
            }
        }
    }

    /// Takes `row`, just changed in `rows`, out of a table's `sids` in display order if it was
    /// there, and puts it back where it now belongs if the table shows it.
    private func reposition(_ row: ConferenceRow, wasShown: Bool, shows: Bool, in table: inout FilterStep) {
        guard let place = rows.place(of: row.id) else { return }
        if wasShown, let index = table.places.firstIndex(of: Int32(place)) {
            table.places.remove(at: index)
        }
        guard shows else { return }
        // The first position whose row sorts after this one; the rest are in order already.
        var low = 0, high = table.places.count
        while low < high {
            let middle = (low + high) / 2
            if displayOrder(rows.values[Int(table.places[middle])], row) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        table.places.insert(Int32(place), at: low)
        table.widths.widen(for: row, space: spaceOf[row.id])
    }

    /// What a row sorts by under the sort column. One function for the full sort and for the
    /// binary search that puts a changed row back, so the two can never disagree on the order.
    enum SortKey: Comparable {
        case time(Double)
        case count(Int)
        case text(String)
    }

    func sortKey(_ row: borrowing ConferenceRow) -> SortKey {
        switch sortColumn {
        case .created: .time(row.conference.dateCreated.date?.timeIntervalSinceReferenceDate ?? -.infinity)
        case .participants: .count(row.participants.count)
        case .streams: .count(row.streamCount)
        case .name, .status, .region, .space: .text(SortRanks.text(sortColumn, of: row, spaceOf: spaceOf) ?? "")
        }
    }

    /// Live first, then by the sort column, then by sid so the order never flickers.
    func displayOrder(_ a: ConferenceRow, _ b: ConferenceRow) -> Bool {
        Self.ordered(
            (a.conference.status.isLive, sortKey(a), a.conference.sid),
            (b.conference.status.isLive, sortKey(b), b.conference.sid), descending: sortDescending)
    }

    typealias SortEntry = (live: Bool, key: SortKey, sid: String)

    static func ordered(_ a: SortEntry, _ b: SortEntry, descending: Bool) -> Bool {
        if a.live != b.live { return a.live }
        if a.key != b.key { return descending ? b.key < a.key : a.key < b.key }
        return a.sid < b.sid
    }

    /// A shown row as the full sort reads it: numbers only, so the sort moves no references
    /// and compares no text. The key is the column's value, or for a column of text the rank of
    /// the row's text among the shown rows' (worked out by one sort of the texts); a sid that is
    /// a lowercase UUID (every SignalWire sid) compares as its 128 bits, in the order its text
    /// has. The order is `displayOrder`'s exactly, which the binary search of `replace` uses.
    struct SortPlace {
        var live: Bool
        var sidIsUUID: Bool
        var index: Int32
        var key: Double
        var sidHigh: UInt64
        var sidLow: UInt64
    }

    /// The sids of `indices` of `rows` in display order. Sorting 10,000 conferences by
    /// comparing rows took 13–130 ms of a key press (two rows copied each step), and by
    /// comparing keys of text and sids 15–20 ms (their references and text compared each step).
    /// `ranks`: under a column of text, every row's rank by place (`textRanksOfEveryRow`).
    func displaySorted(_ indices: [Int], of table: ConferenceRows, ranks: [Double]?) -> [Int32] {
        let sidKeys = table.sidKeys
        return table.values.withUnsafeBufferPointer { buffer in
            guard let rows = buffer.baseAddress else { return [] }
            var places: [SortPlace] = []
            places.reserveCapacity(indices.count)
            for index in indices {
                let key: Double
                switch sortColumn {
                case .created: key = rows[index].conference.dateCreated.date?.timeIntervalSinceReferenceDate ?? -.infinity
                case .participants: key = Double(rows[index].participants.count)
                case .streams: key = Double(rows[index].streamCount)
                case .name, .status, .region, .space: key = ranks?[index] ?? 0
                }
                let bits = sidKeys[index].uuid
                places.append(
                    SortPlace(
                        live: rows[index].conference.status.isLive, sidIsUUID: bits != nil, index: Int32(index), key: key,
                        sidHigh: bits?.0 ?? 0, sidLow: bits?.1 ?? 0))
            }
            let descending = sortDescending
            places.sort { a, b in
                if a.live != b.live { return a.live }
                if a.key != b.key { return descending ? b.key < a.key : a.key < b.key }
                if a.sidIsUUID && b.sidIsUUID { return (a.sidHigh, a.sidLow) < (b.sidHigh, b.sidLow) }
                return rows[Int(a.index)].conference.sid < rows[Int(b.index)].conference.sid
            }
            return places.map(\.index)
        }
    }

    /// Under a column of text, each row's rank among every row's texts (equal texts, equal
    /// ranks), by place in `rows.values`; nil under the other columns. Kept in `sortRanks`,
    /// usually worked out off the loop before any key asks (`sortRanksJob`).
    mutating func textRanksOfEveryRow() -> [Double]? {
        if let kept = sortRanks.columns[sortColumn] { return kept.ranks }
        guard let column = SortRanks.column(sortColumn, of: rows, spaceOf: spaceOf) else { return nil }
        sortRanks.columns[sortColumn] = column
        return column.ranks
    }

    /// From this many rows the ranks are worked out off the loop; under it, when a sort first
    /// needs them (under a millisecond), so that a small, busy account (the demo's churn changes
    /// rows wholesale at every refresh) does no work for a key that may never come.
    var ranksOffTheLoop = 1000

    /// The columns of text `s` can sort by: the space's only with every space at once.
    var textSortColumns: [SortColumn] { everySpace ? [.name, .status, .region, .space] : [.name, .status, .region] }

    /// The ranks to work out off the main loop, once the first refresh is whole and while any
    /// column of text has none: so that `s` never sorts texts while a key waits.
    public var sortRanksJob: SortRanksJob? {
        guard lastRefresh != nil, rows.count >= ranksOffTheLoop else { return nil }
        let missing = textSortColumns.filter { sortRanks.columns[$0] == nil }
        guard !missing.isEmpty else { return nil }
        return SortRanksJob(rows: rows, spaceOf: spaceOf, columns: missing, generation: sortRanks.generation)
    }

    /// Ranks built off the loop: taken when no row's text changed since they were asked for.
    mutating func take(_ built: SortRanksBuilt) {
        guard built.generation == sortRanks.generation else { return }
        for (column, ranks) in built.columns where sortRanks.columns[column] == nil { sortRanks.columns[column] = ranks }
    }

    /// Each row's count of open streams, from `streams`. No text changes: the sort's ranks are
    /// kept (every stream started or stopped had them worked out again, 20 ms at 10,000).
    mutating func countOpenStreams() {
        let streams = self.streams
        let ranks = sortRanks.columns
        rows.updateEach { row in
            row.streamCount = streams[row.id]?.filter { !$0.status.isTerminal }.count ?? 0
        }
        sortRanks.columns = ranks
    }

    /// Puts the ranks right for the row at `place`, which was `old` and is now in `rows`. Any
    /// text changed, kept ranks or not, moves the generation on: ranks being worked out off the
    /// loop from the rows before are not taken.
    private mutating func moveRanks(place: Int, from old: ConferenceRow) {
        let now = rows.values[place]
        for column in textSortColumns {
            let changed =
                switch column {
                case .name: now.conference.friendlyName != old.conference.friendlyName
                case .status: now.conference.status != old.conference.status
                case .region: now.conference.region != old.conference.region
                case .created, .participants, .streams, .space: false  // a space's name is not the row's
                }
            guard changed, let text = SortRanks.text(column, of: now, spaceOf: spaceOf) else { continue }
            sortRanks.generation += 1
            guard sortRanks.columns[column] != nil else { continue }
            let moved = rows.values.withUnsafeBufferPointer { all in
                sortRanks.columns[column]!.move(place: Int32(place), to: text) {
                    SortRanks.text(column, of: all[Int($0)], spaceOf: spaceOf) ?? ""
                }
            }
            if !moved { sortRanks.columns[column] = nil }
        }
    }

    /// The conferences in the conferences table's window: the ones whose participants the
    /// poller keeps freshest.
    public var conferencesInView: Set<String> {
        let start = min(max(0, conferenceScroll), visibleCount)
        return Set((start..<min(visibleCount, start + visibleRows)).map(visibleSid(at:)))
    }

    /// Index of the selection in `visibleConferences` (0 when it is filtered away).
    public var selectedIndex: Int {
        guard let sid = selectedSid, let i = visiblePosition(of: sid) else { return 0 }
        return i
    }

    public var selectedRow: ConferenceRow? {
        guard !visiblePlaces.isEmpty else { return nil }
        return rows.values[Int(visiblePlaces[min(selectedIndex, visiblePlaces.count - 1)])]
    }

    /// The conference whose detail is open.
    public var openConference: ConferenceRow? {
        if case .conference(let sid) = screen { return rows[sid] }
        return nil
    }

    /// Counted when `rows` changes, not on every frame: counting walked (and copied) every row,
    /// which at 5,000 conferences was most of the cost of a key press.
    public private(set) var liveConferenceCount = 0
    public private(set) var liveParticipantCount = 0
    /// Streams still open (queued or in progress) across every conference.
    public var streamCount: Int { streams.values.reduce(0) { $0 + $1.filter { !$0.status.isTerminal }.count } }

    /// The streams of the conference open on screen.
    public var openConferenceStreams: [StreamRecord] {
        if case .conference(let sid) = screen { return streams[sid] ?? [] }
        return []
    }

    /// The row of the picked participant in the open conference: where the highlight is, and
    /// who a participant key acts on. Nil when nobody is there.
    public var selectedParticipantIndex: Int? {
        Self.index(of: selectedCallSid, in: shownParticipants.map(\.callSid), near: detailPosition[.participants])
    }

    public var selectedParticipant: Participant? {
        selectedParticipantIndex.map { shownParticipants[$0] }
    }

    /// The row of the picked stream in the open conference.
    public var selectedStreamIndex: Int? {
        Self.index(of: selectedStreamSid, in: shownStreams.map(\.sid), near: detailPosition[.streams])
    }

    public var selectedStream: StreamRecord? {
        selectedStreamIndex.map { shownStreams[$0] }
    }

    /// Where `sid` is in `sids`; if it is gone, the row that took its place (or the last row);
    /// nil for an empty list.
    static func index(of sid: String?, in sids: [String], near position: Int?) -> Int? {
        guard !sids.isEmpty else { return nil }
        if let sid, let found = sids.firstIndex(of: sid) { return found }
        return min(max(0, position ?? 0), sids.count - 1)
    }

    /// When the dashboard must wake without input: a status message or a highlight ends, or a
    /// retry countdown ticks. Nil means sleep until something happens.
    public var nextWake: Date? {
        var candidates: [Date] = []
        if let status, !status.awaitingKey { candidates.append(status.expires) }
        if let soonest = changedUntil.values.min() { candidates.append(soonest) }
        // A failing space's retry countdown moves in the header.
        if spaces.contains(where: \.failing) { candidates.append(now.addingTimeInterval(1)) }
        if let deadline = nextSpaceDeadline { candidates.append(deadline) }
        switch poll {
        case .retrying, .offline, .starting:
            // Once a second, so countdowns and ages move while the service is not answering
            // (a retry already due is a poll in flight: its time counts up).
            candidates.append(now.addingTimeInterval(1))
        case .live:
            if pollOverdue != nil || !unsettled.isEmpty {
                candidates.append(now.addingTimeInterval(1))
            } else if let lastRefresh {
                // The moment a late poll would first show, if no answer comes before it.
                candidates.append(max(now.addingTimeInterval(0.05), lastRefresh.addingTimeInterval(2 * refreshInterval + 0.5)))
            }
        case .paused:
            // Paused, the data still ages: the header's "refreshed Ns ago" moves with it (each
            // second under a minute, then each minute).
            if let lastRefresh {
                let age = Int(now.timeIntervalSince(lastRefresh))
                candidates.append(now.addingTimeInterval(age < 60 ? 1 : TimeInterval(60 - age % 60)))
            }
        }
        return candidates.min()
    }
}

extension AppState {
    /// The sizes of what the screen's state keeps across polls, by name: the dashboard logs them
    /// every few minutes, so that what a long run's memory grew with shows in its log.
    public var census: [(name: String, count: Int)] {
        [
            ("rows", rows.count), ("participants", rows.values.reduce(0) { $0 + $1.participants.count }),
            ("calls", calls.count), ("visible", visibleCount), ("changed", changedUntil.count),
            ("streams", streams.values.reduce(0) { $0 + $1.count }), ("stream_conferences", streams.count),
            ("recordings", recordings.values.reduce(0) { $0 + $1.count }),
            ("call_recordings", callRecordings.values.reduce(0) { $0 + $1.count }),
            ("rollbacks", pendingRollbacks.count), ("unsettled", unsettled.count), ("audit", auditEntries.count),
            ("space_of", spaceOf.count), ("speaking", conferenceEvents.speaking.count),
            ("event_sequences", conferenceEvents.lastSequence.count), ("events_recent", conferenceEvents.recent.count),
            ("events_unlisted", conferenceEvents.unlisted.count),
        ]
    }
}
