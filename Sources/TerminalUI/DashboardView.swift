import CompatAPI
import DashboardCore
import Foundation
import Ledger

/// The whole dashboard as a pure function of state and size: header, the screen in front,
/// the status or editing line and the key hints.
public struct DashboardView {
    /// Below this the dashboard shows a "terminal too small" screen instead.
    public static let minimumSize = Size(width: 60, height: 12)

    public var glyphs: Glyphs

    public init(glyphs: Glyphs = .unicode) { self.glyphs = glyphs }

    public func render(_ state: AppState, size: Size) -> Frame {
        render(state, size: size, reusing: nil)
    }

    /// The same, drawn in the cells of `spare` (a frame the terminal is done with) when it is
    /// the same size: see `Frame.init(size:reusing:)`.
    public func render(_ state: AppState, size: Size, reusing spare: consuming Frame?) -> Frame {
        guard size.fits(Self.minimumSize) else {
            return TooSmallView.frame(have: size, need: Self.minimumSize)
        }
        var frame = Frame(size: size, reusing: spare)
        let width = size.width
        drawHeader(state, width: width, on: &frame)
        let body = Rect(
            x: 0, y: ScreenLayout.headerLines, width: width, height: ScreenLayout.bodyHeight(forHeight: size.height))
        switch state.screen {
        case .conferences:
            drawConferences(state, in: body, on: &frame)
        case .conference(let sid):
            drawDetail(state, sid: sid, in: body, on: &frame)
        case .eventLog:
            drawEventLog(state, in: body, on: &frame)
        }
        drawBottomLine(state, y: size.height - 2, width: width, on: &frame)
        let footer = state.footerHints
        func hint(_ h: FooterHint) -> KeyHint { KeyHint(h.keys.map { $0.displayName(glyphs: glyphs) }.joined(separator: "/"), h.summary) }
        frame.render(
            KeyHints(footer.hints.map(hint), pinned: footer.pinned.map(hint), glyphs: glyphs),
            in: Rect(x: 0, y: size.height - 1, width: width, height: 1))
        switch state.modal {
        case .help(let scroll): drawHelp(state, scroll: scroll, on: &frame)
        case .startStreamForm(let form): frame.render(StartStreamFormView(form, glyphs: glyphs))
        case .confirmation(let confirmation):
            frame.render(
                ConfirmDialog(
                    title: confirmation.title, message: confirmation.question, buttons: ["Cancel", confirmation.verb],
                    focusedButton: confirmation.confirmFocused ? 1 : 0, glyphs: glyphs))
        case .notice(let notice):
            frame.render(ConfirmDialog(title: notice.title, message: notice.message, buttons: ["OK"], focusedButton: 0, glyphs: glyphs))
        case .picker(let picker):
            frame.render(PickerView(picker, glyphs: glyphs))
        case .columns(let chooser):
            frame.render(PickerView(chooser, glyphs: glyphs))
        case .urlPrompt(let prompt):
            // Over the bottom of the body and the status line, above the key hints.
            let height = URLPromptView.height(prompt, width: width)
            let top = max(ScreenLayout.headerLines, size.height - 1 - height)
            frame.render(
                URLPromptView(prompt, glyphs: glyphs), in: Rect(x: 0, y: top, width: width, height: size.height - 1 - top))
        case .command(let prompt):
            // Above the command line, over the body.
            let body = ScreenLayout.bodyHeight(forHeight: size.height)
            let menu = CommandMenuView(prompt.menu, glyphs: glyphs)
            let height = min(body, menu.height)
            frame.render(menu, in: Rect(x: 0, y: size.height - 2 - height, width: width, height: height))
        case .filter, nil:
            // Drawn on the bottom line.
            break
        }
        return frame
    }

    // MARK: header

    func drawHeader(_ state: AppState, width: Int, on frame: inout Frame) {
        var title = "confdash \(glyphs.vertical) \(state.space)"
        if state.everySpace {
            // Each space by name, a failing one marked: which answers is the first thing to know.
            title += ": " + state.spaces.map { $0.failing ? "\($0.name) \(glyphs.warning)" : $0.name }.joined(separator: ", ")
        } else {
            title += " \(glyphs.vertical) account \(state.account)"
        }
        if let profile = state.profile { title += " \(glyphs.vertical) profile \(profile)" }
        let (pollText, pollStyle) = pollSummary(state)
        let pollWidth = TextWidth.width(of: pollText)
        let titleRoom = max(0, width - pollWidth - 2)
        frame.write(TextWidth.truncate(title, to: titleRoom, ellipsis: glyphs.ellipsis), x: 0, y: 0, style: .bold)
        frame.write(pollText, x: max(0, width - pollWidth), y: 0, maxWidth: width, style: pollStyle)
        let live = state.liveConferenceCount, participants = state.liveParticipantCount, streams = state.streamCount
        var counts =
            "\(live) live conference\(live == 1 ? "" : "s") "
            + "\(glyphs.bullet) \(participants) participant\(participants == 1 ? "" : "s") "
            + "\(glyphs.bullet) \(streams) stream\(streams == 1 ? "" : "s")"
        if let view = state.viewInUse { counts += "   view: \(view.name)\(view.changed ? " (changed)" : "")" }
        if !state.filter.isEmpty {
            counts += "   filter: \(state.filter)"
            // For the moment before every row's text is built (a large table, a key typed at once).
            if state.filterWaitsForIndex { counts += " (finding\(glyphs.ellipsis))" }
        }
        if !state.showCompleted { counts += "   (completed hidden)" }
        if state.sortColumn != .created || !state.sortDescending {
            counts += "   sorted by \(state.sortColumn.rawValue) \(state.sortDescending ? glyphs.down : glyphs.up)"
        }
        if state.readOnly { counts += "   READ-ONLY" }
        let readOnlySpaces = state.spaces.filter(\.readOnly).map(\.name)
        if !state.readOnly, !readOnlySpaces.isEmpty { counts += "   READ-ONLY: \(readOnlySpaces.joined(separator: ", "))" }
        // Said up front, not only when a stream key is pressed: the operator should know before
        // reaching for one.
        if state.streamsUnavailable != nil { counts += "   streams: n/a on Twilio" }
        // The current problem has this line until it is resolved: the bottom line's transient
        // messages come and go without hiding it.
        if let problem = state.currentProblem {
            let text = "\(glyphs.warning) \(problem.text)"
            frame.write(
                TextWidth.truncate(text, to: width, ellipsis: glyphs.ellipsis), x: 0, y: 1,
                style: Style(foreground: problem.severe ? .red : .yellow, bold: true))
            return
        }
        frame.write(TextWidth.truncate(counts, to: width, ellipsis: glyphs.ellipsis), x: 0, y: 1, style: .dim)
    }

    /// The poll state and the age of the data, e.g. `● live · 3s ago`, `retrying in 4s`.
    public func pollSummary(_ state: AppState) -> (String, Style) {
        let age = state.lastRefresh.map { "refreshed \(Self.age(from: $0, to: state.now)) ago" } ?? "no data yet"
        let stale = state.stale ? "STALE \(glyphs.bullet) " : ""
        switch state.poll {
        case .starting:
            let doing = state.rows.isEmpty ? "connecting" : "reading participants"
            return ("\(doing)\(glyphs.ellipsis) \(Self.age(from: state.startedAt, to: state.now))", .dim)
        case .live:
            if let inFlight = state.pollOverdue {
                // A poll in flight longer than the refresh interval: the data is not live.
                return ("waiting for the service \(Int(inFlight))s \(glyphs.bullet) \(age)", Style(foreground: .yellow, bold: true))
            }
            return ("\(glyphs.bullet) live \(glyphs.bullet) \(age)", Style(foreground: .green))
        case .paused:
            return ("paused \(glyphs.bullet) \(age)", Style(foreground: .yellow, bold: true))
        case .retrying(let at, _, _):
            return ("\(stale)\(Self.retryText("retrying", at: at, now: state.now)) \(glyphs.bullet) \(age)", Style(foreground: .yellow, bold: true))
        case .offline(let at, _, _):
            return ("\(stale)OFFLINE \(glyphs.bullet) \(Self.retryText("retry", at: at, now: state.now)) \(glyphs.bullet) \(age)", Style(foreground: .red, bold: true))
        }
    }

    /// `retrying in 4s` before the retry, `retrying now 3s` while it is in flight.
    static func retryText(_ word: String, at: Date, now: Date) -> String {
        at > now ? "\(word) in \(countdown(to: at, from: now))" : "\(word) now \(age(from: at, to: now))"
    }

    // MARK: conferences

    /// Every column of the conferences table, in `TableName.conferences.columns`' order; the
    /// short ones as wide as the whole table's content or their title (at most 20): a table of
    /// live conferences gives STATUS the room of `in-progress`, a table of only `init` ones does
    /// not. `space`: the SPACE cells' width.
    static func conferenceColumns(fitting widths: ConferenceContentWidths, space: Int) -> [TableColumn] {
        func fitted(_ title: String, _ content: Int, _ alignment: Alignment = .left) -> TableColumn {
            TableColumn(title, width: .fixed(min(20, max(TextWidth.width(of: title), content))), alignment: alignment)
        }
        return [
            fitted("SPACE", space),
            TableColumn("NAME", width: .flex(min: 16, weight: 1)),
            TableColumn("SID", width: .fixed(36)),
            fitted("STATUS", widths.status),
            fitted("REGION", widths.region),
            fitted("PARTS", widths.participants, .right),
            fitted("STREAMS", widths.streams, .right),
            TableColumn("CREATED", width: .fixed(11)),
            TableColumn("AGE", width: .fixed(6), alignment: .right),
            TableColumn("UPDATED", width: .fixed(11)),
        ]
    }

    /// A table as the operator chose its columns (`:columns`, a view): `all` (every column, in
    /// the table's own order) narrowed to those shown, in their order, and each row with them.
    /// `unavailable` columns have nothing to say here (SPEAKING without conference events).
    static func chosen(
        _ table: TableName, _ all: [TableColumn], rows: [[String]], layout: SavedLayout, unavailable: Set<String> = []
    ) -> ([TableColumn], [[String]]) {
        let names = table.columns
        var indices = layout.shown(table).filter { !unavailable.contains($0) }.compactMap { names.firstIndex(of: $0) }
        if indices.isEmpty {
            indices = layout.defaults(table).filter { !unavailable.contains($0) }.compactMap { names.firstIndex(of: $0) }
        }
        if indices == Array(all.indices) { return (all, rows) }
        // Rows not on screen are left empty by the conferences table: they stay empty.
        return (indices.map { all[$0] }, rows.map { row in row.isEmpty ? row : indices.map { $0 < row.count ? row[$0] : "" } })
    }

    func drawConferences(_ state: AppState, in area: Rect, on frame: inout Frame) {
        let count = state.visibleCount
        let selected = count == 0 ? nil : state.selectedIndex
        // Only the rows on screen are formatted: with thousands of conferences, formatting them
        // all made every key press slow. The others stay empty; the table never draws them.
        let offset = TableView.scrollOffset(
            selected: selected, previous: state.conferenceScroll, visibleRows: max(0, area.height - 1), rowCount: count)
        let window = offset..<min(count, offset + max(0, area.height - 1))
        var rows = [[String]](repeating: [], count: count)
        var emphasis = [RowEmphasis](repeating: .normal, count: count)
        for index in window {
            let row = state.visibleRow(at: index)
            let c = row.conference
            // A failing space's rows say so in their SPACE cell (and are drawn dim, as stale).
            let space = state.spaceOf[row.id].map { state.spaceFailing(ofConference: row.id) ? "\($0) \(glyphs.warning)" : $0 }
            rows[index] = [
                space ?? state.profile ?? state.space,
                c.friendlyName.isEmpty ? c.sid : c.friendlyName,
                c.sid,
                c.status.rawValue,
                c.region,
                c.status.isLive ? (row.participantsKnown ? String(row.participants.count) : "?") : "-",
                String(row.streamCount),
                Self.shortDate(c.dateCreated),
                c.dateCreated.date.map { Self.age(from: $0, to: state.now) } ?? "?",
                Self.shortDate(c.dateUpdated),
            ]
            // Stale data stays readable but drawn dim, so nobody mistakes it for the present.
            emphasis[index] =
                state.stale || state.spaceFailing(ofConference: row.id) ? .dim : state.changedUntil[row.id] != nil ? .highlight : (c.status.isLive ? .normal : .dim)
        }
        let empty =
            state.rows.isEmpty
            ? (state.lastRefresh == nil ? "waiting for the first refresh\(glyphs.ellipsis)" : "no live conferences")
            : "no conference matches the filter (\(state.keymap.keyName(for: .clearFilter, in: .conferences, fallback: ":filter")) clears it)"
        // One space: its SPACE cell is the profile (or the host); every space: the widest name,
        // and room for the mark of a failing one.
        let spaceWidth =
            state.everySpace
            ? state.contentWidths.space + (state.spaces.contains(where: \.failing) ? 2 : 0)
            : TextWidth.width(of: state.profile ?? state.space)
        let (columns, shownRows) = Self.chosen(
            .conferences, Self.conferenceColumns(fitting: state.contentWidths, space: spaceWidth), rows: rows, layout: state.layout)
        let table = TableView(
            columns: columns, rows: shownRows, emphasis: emphasis, selectedRow: selected, scrollOffset: offset,
            emptyText: empty, glyphs: glyphs)
        frame.render(table, in: area)
    }

    // MARK: detail

    /// The call sid first and whole where the width allows (the flex column takes what the
    /// others leave); who is on the call, which way it came, how it sounds and how long it has
    /// lasted, from the account's calls; the participant's own state in one FLAGS cell. With
    /// conference events reaching the dashboard, SPEAKING says who the service last said is
    /// speaking; without them nobody can tell, and the column is not there.
    static let participantColumns = [
        TableColumn("CALL SID", width: .flex(min: 20, weight: 1)),
        TableColumn("SPEAKING", width: .fixed(8)),
        TableColumn("STATUS", width: .fixed(11)),
        TableColumn("FLAGS", width: .fit(min: 5, max: 28)),
        TableColumn("WHO", width: .fit(min: 3, max: 32)),
        TableColumn("DIR", width: .fixed(3)),
        TableColumn("QUALITY", width: .fit(min: 7, max: 14)),
        TableColumn("LASTED", width: .fixed(6), alignment: .right),
    ]

    /// A participant's own state in words: muted, on hold, and who coaches whom ("coaches
    /// Alice Moreno", "coached by CA1b2c3d"); "-" when none applies.
    static func flags(_ p: Participant, among everyone: [Participant], calls: CallBook) -> String {
        var words: [String] = []
        if p.muted { words.append("muted") }
        if p.hold { words.append("hold") }
        if p.coaching {
            words.append("coaches " + (p.callSidToCoach.map { Self.callName($0, calls: calls) } ?? "?"))
        }
        for coach in everyone where coach.coaching && coach.callSidToCoach == p.callSid && coach.callSid != p.callSid {
            words.append("coached by " + Self.callName(coach.callSid, calls: calls))
        }
        return words.isEmpty ? "-" : words.joined(separator: ", ")
    }

    /// A call in a few cells: its caller's name, else its number (a SIP address's user), else
    /// its sid's start.
    static func callName(_ sid: String, calls: CallBook) -> String {
        guard let call = calls[sid] else { return String(sid.prefix(8)) }
        if call.direction.isInbound, let name = call.callerName { return name }
        let number = call.direction.isInbound ? call.from : call.to
        guard number.hasPrefix("sip:") else { return number }
        return String(number.dropFirst(4).prefix { $0 != "@" })
    }

    /// How long the call has lasted, from its answer; without its call, since it joined.
    static func lasted(_ p: Participant, call: CallInfo?, now: Date) -> String {
        guard let started = call?.startedAt ?? p.dateCreated.date else { return "?" }
        return Self.age(from: started, to: now)
    }

    /// One line about the picked participant, under the pane: the whole sid and every figure
    /// the columns have no room for.
    static func participantDetail(_ p: Participant, call: CallInfo?, glyphs: Glyphs) -> String {
        let dot = " \(glyphs.bullet) "
        guard let call else { return p.callSid + dot + "no call details (not in the service's list of calls in progress)" }
        var who = "from \(call.from)"
        if let name = call.callerName { who += " (\(name))" }
        who += " \(glyphs.right) \(call.to)"
        return [p.callSid, who, call.direction.rawValue, call.qualityDetail].joined(separator: dot)
    }

    static let streamColumns = [
        TableColumn("NAME", width: .flex(min: 8, weight: 1)),
        TableColumn("STATUS", width: .fit(min: 6, max: 22)),
        TableColumn("TRACK", width: .fit(min: 5, max: 14)),
        TableColumn("CODEC", width: .fit(min: 5, max: 10)),
        TableColumn("STREAM SID", width: .fit(min: 10, max: 36)),
        TableColumn("FROM", width: .fit(min: 4, max: 16)),
        TableColumn("STARTED", width: .fixed(7), alignment: .right),
    ]

    /// A stream's name, and for a stream on one participant's call rather than the whole
    /// conference, which call (its sid's start, enough to find it in the participants pane). No
    /// column of its own: at 120 columns the stream sids must still show whole.
    static func streamName(_ stream: StreamRecord) -> String {
        let name = stream.name ?? "-"
        guard let call = stream.callSid else { return name }
        return "\(name) (call \(call.prefix(8)))"
    }

    func drawDetail(_ state: AppState, sid: String, in area: Rect, on frame: inout Frame) {
        guard let row = state.rows[sid] else {
            frame.write("conference \(sid) is no longer known", x: area.x, y: area.y, maxWidth: area.width, style: .dim)
            return
        }
        let c = row.conference
        var y = area.y
        var nameLine = "\(c.friendlyName)  \(glyphs.bullet) \(c.status.rawValue)"
        // Every space at once: whose conference this is (and whether its space answers).
        if let space = state.spaceOf[c.sid] {
            nameLine += "  \(glyphs.bullet) space \(space)"
            if let health = state.space(named: space) {
                if health.readOnly { nameLine += " (read-only)" }
                if health.failing { nameLine += " \(glyphs.warning) not answering" }
            }
        }
        frame.write(TextWidth.truncate(nameLine, to: area.width, ellipsis: glyphs.ellipsis), x: area.x, y: y, style: .bold)
        y += 1
        var facts = "sid \(c.sid)  region \(c.region)  created \(c.dateCreated.raw)"
        if let created = c.dateCreated.date { facts += "  (\(Self.age(from: created, to: state.now)) ago)" }
        frame.write(TextWidth.truncate(facts, to: area.width, ellipsis: glyphs.ellipsis), x: area.x, y: y, style: .dim)
        y += 1
        if let reason = c.reasonConferenceEnded {
            var ended = "ended: \(reason)"
            if let by = c.callSidEndingConference { ended += " by \(by)" }
            frame.write(TextWidth.truncate(ended, to: area.width, ellipsis: glyphs.ellipsis), x: area.x, y: y, style: .dim)
            y += 1
        }
        guard let panes = ScreenLayout.detailPanes(bodyY: area.y, bodyHeight: area.height, infoLines: y - area.y) else {
            return
        }
        let clearKey = state.keymap.keyName(for: .clearFilter, in: .detail, fallback: ":filter")
        let participantsArea = Rect(x: area.x, y: panes[0].y, width: area.width, height: panes[0].height)
        let streamsArea = Rect(x: area.x, y: panes[1].y, width: area.width, height: panes[1].height)
        let recordingsArea = Rect(x: area.x, y: panes[2].y, width: area.width, height: panes[2].height)

        let participants = state.shownParticipants
        let participantsFilter = state.paneFilters[.participants]
        let participantCount =
            !c.status.isLive ? "ended" : !row.participantsKnown ? "?"
            : participantsFilter == nil ? String(row.participants.count)
            : "\(participants.count) of \(row.participants.count), filter: \(participantsFilter!)"
        let participantsBox = Box(
            title: "Participants (\(participantCount))", glyphs: glyphs,
            style: state.detailPane == .participants ? Style(foreground: .cyan) : .dim,
            titleStyle: state.detailPane == .participants ? Style(foreground: .cyan, bold: true) : .bold)
        frame.render(participantsBox, in: participantsArea)
        let showsSpeaking = state.showsSpeaking
        let everyone = row.participantsInCall
        let participantRows = participants.map { p -> [String] in
            let call = state.calls[p]
            return [
                p.callSid, showsSpeaking && state.isSpeaking(p.callSid) ? "speaking" : "", p.status.rawValue,
                Self.flags(p, among: everyone, calls: state.calls), call?.who ?? "-",
                call?.directionWord ?? "-", call?.qualityText ?? "-", Self.lasted(p, call: call, now: state.now),
            ]
        }
        let (participantColumns, shownParticipantRows) = Self.chosen(
            .participants, Self.participantColumns, rows: participantRows, layout: state.layout,
            unavailable: showsSpeaking ? [] : ["speaking"])
        var participantsTableArea = participantsBox.inner(participantsArea)
        if state.detailPane == .participants, let picked = state.selectedParticipant, participantsTableArea.height >= 4 {
            // The last line of the pane: the picked participant in full.
            participantsTableArea.height -= 1
            frame.write(
                TextWidth.truncate(
                    Self.participantDetail(picked, call: state.calls[picked], glyphs: glyphs),
                    to: participantsTableArea.width, ellipsis: glyphs.ellipsis),
                x: participantsTableArea.x, y: participantsTableArea.maxY, style: .dim)
        }
        frame.render(
            TableView(
                columns: participantColumns, rows: shownParticipantRows,
                selectedRow: state.detailPane == .participants ? state.selectedParticipantIndex : nil,
                emptyText: !c.status.isLive ? "the conference has ended: nobody is in the call any more"
                    : participantsFilter != nil ? "no participant matches the filter (\(clearKey) clears it)"
                    : row.participantsKnown ? "nobody is in this conference" : "participants not read yet",
                glyphs: glyphs),
            in: participantsTableArea)

        let streams = state.shownStreams
        let streamsFilter = state.paneFilters[.streams]
        var streamsTitle =
            "Streams (\(row.streamCount) open, \(state.openConferenceStreams.count) known"
            + (streamsFilter.map { ", \(streams.count) shown, filter: \($0)" } ?? "") + ")"
        // Without the receiver nothing tells confdash that a stream connected, failed or stopped
        // by itself: the pane says so, and how to turn it on, rather than show a frozen status.
        if !state.receivesCallbacks, state.streamsUnavailable == nil {
            streamsTitle += " \(glyphs.bullet) ? unconfirmed: callbacks off (--callback-listen)"
        }
        let streamsBox = Box(
            title: streamsTitle, glyphs: glyphs,
            style: state.detailPane == .streams ? Style(foreground: .cyan) : .dim,
            titleStyle: state.detailPane == .streams ? Style(foreground: .cyan, bold: true) : .bold)
        frame.render(streamsBox, in: streamsArea)
        let streamRows = streams.map { stream -> [String] in
            [
                Self.streamName(stream),
                Self.streamStatus(stream, confirmable: state.receivesCallbacks),
                stream.track?.rawValue ?? (stream.url == nil ? "-" : "default"),
                stream.codec?.rawValue ?? (stream.url == nil ? "-" : "default"),
                stream.sidKnown ? stream.sid : "(not known yet)",
                stream.startedByText,
                Self.age(from: stream.startedAt, to: state.now),
            ]
        }
        let streamEmphasis = streams.map {
            $0.status.isTerminal ? RowEmphasis.dim : $0.status == .unknown ? .highlight : .normal
        }
        let newStream = state.readOnlyHere || !c.status.isLive ? nil : state.keymap.keyName(for: .newStream, in: .detail, fallback: ":stream")
        let (streamColumns, shownStreamRows) = Self.chosen(.streams, Self.streamColumns, rows: streamRows, layout: state.layout)
        frame.render(
            TableView(
                columns: streamColumns, rows: shownStreamRows, emphasis: streamEmphasis,
                selectedRow: state.detailPane == .streams ? state.selectedStreamIndex : nil,
                emptyText: state.streamsUnavailable
                    ?? (streamsFilter != nil ? "no stream matches the filter (\(clearKey) clears it)" : nil)
                    ?? "no streams known on this conference\(newStream.map { " (\($0) starts one)" } ?? "")",
                glyphs: glyphs),
            in: streamsBox.inner(streamsArea))
        drawRecordings(state, row: row, in: recordingsArea, clearKey: clearKey, on: &frame)
    }

    static let recordingColumns = [
        TableColumn("RECORDING SID", width: .flex(min: 14, weight: 1)),
        TableColumn("STATUS", width: .fit(min: 6, max: 11)),
        TableColumn("SOURCE", width: .fit(min: 6, max: 26)),
        TableColumn("CH", width: .fixed(2), alignment: .right),
        TableColumn("LENGTH", width: .fixed(6), alignment: .right),
        TableColumn("STARTED", width: .fixed(8), alignment: .right),
        TableColumn("ERROR", width: .fit(min: 5, max: 8)),
    ]

    /// The conference's recordings: what the service lists for it, read on every poll while the
    /// conference is open.
    func drawRecordings(_ state: AppState, row: ConferenceRow, in area: Rect, clearKey: String, on frame: inout Frame) {
        let recordings = state.shownRecordings
        let filter = state.paneFilters[.recordings]
        let all = state.recordings[row.id] ?? []
        let active = all.filter { $0.status.isActive }.count
        let count = !state.recordingsKnown ? "?" : "\(active) active, \(all.count) in all" + (filter.map { ", \(recordings.count) shown, filter: \($0)" } ?? "")
        let box = Box(
            title: "Recordings (\(count))", glyphs: glyphs,
            style: state.detailPane == .recordings ? Style(foreground: .cyan) : .dim,
            titleStyle: state.detailPane == .recordings ? Style(foreground: .cyan, bold: true) : .bold)
        frame.render(box, in: area)
        let rows = recordings.map { r -> [String] in
            [
                r.sid, r.status.rawValue, Self.recordingSource(r, calls: state.calls), String(r.channels), r.duration.map { Self.duration($0) } ?? "-",
                r.startTime?.date.map { Self.age(from: $0, to: state.now) } ?? "-", r.errorCode ?? "-",
            ]
        }
        let emphasis = recordings.map { r -> RowEmphasis in
            r.status == .failed || r.status == .absent ? .highlight : r.status.isActive ? .normal : .dim
        }
        let (columns, shownRows) = Self.chosen(.recordings, Self.recordingColumns, rows: rows, layout: state.layout)
        frame.render(
            TableView(
                columns: columns, rows: shownRows, emphasis: emphasis,
                selectedRow: state.detailPane == .recordings ? state.selectedRecordingIndex : nil,
                emptyText: filter != nil ? "no recording matches the filter (\(clearKey) clears it)"
                    : state.recordingsKnown ? "no recordings of this conference" : "recordings not read yet",
                glyphs: glyphs),
            in: box.inner(area))
    }

    /// How a recording was made; a call's recording (started from the participants pane) says
    /// whose call instead, so it stands apart from the conference's own: `call 1f2e3d4c Ana`.
    static func recordingSource(_ recording: Recording, calls: CallBook) -> String {
        guard let call = recording.callSid else { return recording.source.rawValue }
        return "call \(call.prefix(8))" + (calls[call].map { " \($0.who)" } ?? "")
    }

    /// A length in seconds as `45s`, `12m05`, `1h02m`.
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return String(format: "%dm%02d", seconds / 60, seconds % 60) }
        return String(format: "%dh%02dm", seconds / 3600, (seconds % 3600) / 60)
    }

    /// A stream's status as the table says it: `unknown` says why; without callbacks an open
    /// status is only what the start's answer said, and carries a `?` (it may have moved since).
    static func streamStatus(_ stream: StreamRecord, confirmable: Bool) -> String {
        var status = stream.status.rawValue
        if !confirmable, !stream.status.isTerminal, stream.status != .unknown { status += "?" }
        return stream.statusReason.map { "\(status) (\($0))" } ?? status
    }

    // MARK: event log

    static let eventLogColumns = [
        TableColumn("TIME", width: .fixed(8)),
        TableColumn("WHO", width: .fit(min: 4, max: 24)),
        TableColumn("ACTION", width: .fixed(18)),
        TableColumn("CONFERENCE", width: .flex(min: 10, weight: 1)),
        TableColumn("TARGET", width: .flex(min: 8, weight: 1)),
        TableColumn("OUTCOME", width: .fixed(8)),
        TableColumn("REQUEST", width: .fit(min: 7, max: 20)),
        TableColumn("DETAIL", width: .flex(min: 10, weight: 2)),
    ]

    /// The request behind an entry in a few cells: `POST 201 84ms`, `DELETE - 5000ms` when no
    /// answer came, `-` when none went out.
    static func requestCell(_ request: SentRequest?) -> String {
        guard let request else { return "-" }
        return "\(request.method) \(request.status.map(String.init) ?? "-") \(request.milliseconds)ms"
    }

    func drawEventLog(_ state: AppState, in area: Rect, on frame: inout Frame) {
        frame.write("Event log: every operator's changes on this store, newest first", x: area.x, y: area.y, maxWidth: area.width, style: .bold)
        let rows = state.auditEntries.map { entry -> [String] in
            [
                Self.clock(entry.at), entry.who, "\(entry.action)" + (entry.origin.rawValue == "cli" ? " (cli)" : ""),
                state.rows[entry.conferenceSid]?.conference.friendlyName ?? entry.conferenceSid, entry.targetSid ?? "-",
                "\(entry.outcome)", Self.requestCell(entry.request), entry.detail ?? "",
            ]
        }
        let emphasis = state.auditEntries.map { $0.outcome.rawValue == "ok" ? RowEmphasis.normal : .highlight }
        var tableArea = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        if state.auditEntries.indices.contains(state.eventLogCursor), tableArea.height >= 4 {
            // The last line: the picked entry's request in full (the path has no room in a column).
            let entry = state.auditEntries[state.eventLogCursor]
            tableArea.height -= 1
            let line = entry.request.map { "request: \($0.summary)" } ?? "no request went out for this entry"
            frame.write(
                TextWidth.truncate(line, to: tableArea.width, ellipsis: glyphs.ellipsis), x: tableArea.x, y: tableArea.maxY,
                style: .dim)
        }
        frame.render(
            TableView(
                columns: Self.eventLogColumns, rows: rows, emphasis: emphasis,
                selectedRow: rows.isEmpty ? nil : state.eventLogCursor, emptyText: "no changes recorded yet", glyphs: glyphs),
            in: tableArea)
    }

    /// `13:04:05` in UTC, like the other dates on screen.
    static func clock(_ date: Date) -> String {
        let c = utc.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    // MARK: bottom lines

    func drawBottomLine(_ state: AppState, y: Int, width: Int, on frame: inout Frame) {
        switch state.modal {
        case .urlPrompt:
            // The prompt's own box covers this line.
            return
        case .command(let prompt):
            drawEditor(prefix: ":", prompt.editor, y: y, width: width, on: &frame)
            return
        case .filter(let editor):
            drawEditor(prefix: "/", editor, y: y, width: width, on: &frame)
            return
        case .help, .startStreamForm, .confirmation, .notice, .picker, .columns, nil:
            break
        }
        if let status = state.status {
            frame.render(
                StatusLine(status.text, severity: Self.severity(status.severity), glyphs: glyphs),
                in: Rect(x: 0, y: y, width: width, height: 1))
        }
        // Why polls fail is on the line under the title (`AppState.currentProblem`) until it is resolved.
    }

    func drawEditor(prefix: String, _ editor: LineEditor, y: Int, x: Int = 0, width: Int, on frame: inout Frame) {
        frame.render(EditorLine(prefix: prefix, editor), in: Rect(x: x, y: y, width: width, height: 1))
    }

    func drawHelp(_ state: AppState, scroll: Int, on frame: inout Frame) {
        var sections = (state.readOnlyHere ? state.keymap.readOnly : state.keymap).sections.map { section in
            HelpSection(
                section.title,
                section.bindings.map { KeyHint($0.keys.map { $0.displayName(glyphs: glyphs) }.joined(separator: "/"), $0.summary) })
        }
        // The `:` commands reached only from there (the `:` menu lists them all): short, so the
        // whole help still fits at 120x40.
        sections.append(
            HelpSection(
                "Commands (: lists them all)",
                [
                    KeyHint(":columns", "show, hide, reorder this table's columns"),
                    KeyHint(":view", "views: save NAME, NAME; alone, a list"),
                    KeyHint(":export", "PATH.csv or .json: the table, every row"),
                ]))
        // The help can be taller than the screen: it scrolls with the keymap's movement keys,
        // clamped by HelpView.
        let down = state.keymap.keyName(for: .moveDown, in: state.context, fallback: "↓")
        let up = state.keymap.keyName(for: .moveUp, in: state.context, fallback: "↑")
        let help = HelpView(
            title: "Keys (\(down)/\(up) scroll, other keys close)", sections: sections, scrollOffset: scroll, glyphs: glyphs)
        frame.render(help, in: Rect(x: 0, y: 1, width: frame.size.width, height: frame.size.height - 2))
    }

    // MARK: formatting

    static func severity(_ s: StatusMessage.Severity) -> Severity {
        switch s {
        case .info: .info
        case .success: .success
        case .warning: .warning
        case .error: .error
        }
    }

    /// `45s`, `12m`, `3h`, `2d`: short enough for a column.
    public static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }

    static func countdown(to date: Date, from now: Date) -> String {
        "\(max(0, Int(date.timeIntervalSince(now).rounded(.up))))s"
    }

    /// Made once: building a Calendar per row made every frame slow.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `11-21 10:55` in UTC: the service's dates are UTC and an ops team spans time zones.
    /// "MM-DD HH:MM" in UTC. By arithmetic on the timestamp, not a calendar: it is on every row
    /// of every frame, and the calendar's components were a sixth of drawing the table.
    static func shortDate(_ date: ServiceDate) -> String {
        guard let d = date.date else { return "?" }
        let seconds = Int(d.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let minuteOfDay = (seconds - days * 86_400) / 60
        let (_, month, day) = ServiceDate.civilDate(daysSinceEpoch: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(two(month))-\(two(day)) \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60))"
    }

}
