/// `:mouse on`: a press picks the row under it (a second press on the picked conference opens
/// it, as Enter would), on a conference's screen it also brings that pane in front; the wheel
/// moves the pick three rows. Nothing while a form, question or list is open: those take keys.
func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
    guard state.mouse, state.modal == nil else { return [] }
    switch event.kind {
    case .wheelUp:
        move(&state, by: -3)
        return []
    case .wheelDown:
        move(&state, by: 3)
        return []
    case .press:
        break
    }
    // The body's height, as `resized` told it through the table's rows.
    let bodyHeight = state.visibleRows + ScreenLayout.tableHeaderLines
    let line = event.y - ScreenLayout.headerLines - ScreenLayout.tableHeaderLines
    switch state.screen {
    case .conferences:
        guard line >= 0, line < state.visibleRows else { return [] }
        let index = state.conferenceScroll + line
        guard index < state.visibleCount else { return [] }
        if state.selectedSid == state.visibleSid(at: index) { return perform(.open, &state) }
        state.selectedSid = state.visibleSid(at: index)
        scrollToSelection(&state)
    case .eventLog:
        // Under the pane's title line; the last line is the picked entry's request.
        let rows = bodyHeight - 1 - ScreenLayout.tableHeaderLines - 1
        let count = state.auditEntries.count
        let offset = windowStart(selected: state.eventLogCursor, visibleRows: rows, count: count)
        let index = offset + line - 1
        guard line >= 1, line - 1 < rows, index < count else { return [] }
        state.eventLogCursor = index
    case .conference(let sid):
        let infoLines = 2 + (state.rows[sid]?.conference.reasonConferenceEnded == nil ? 0 : 1)
        guard
            let pane = ScreenLayout.detailPanes(bodyY: ScreenLayout.headerLines, bodyHeight: bodyHeight, infoLines: infoLines)?
                .first(where: { event.y >= $0.y && event.y < $0.y + $0.height })
        else { return [] }
        state.detailPane = pane.pane
        state.selectionMoved = nil
        // Inside the box: its border, the table's header, then the rows.
        var rows = pane.height - 2 - ScreenLayout.tableHeaderLines
        let count: Int
        let selected: Int?
        switch pane.pane {
        case .participants:
            count = state.shownParticipants.count
            selected = state.selectedParticipantIndex
            // The picked participant's line takes the pane's last row.
            if selected != nil, pane.height - 2 >= 4 { rows -= 1 }
        case .streams:
            count = state.shownStreams.count
            selected = state.selectedStreamIndex
        case .recordings:
            count = state.shownRecordings.count
            selected = state.selectedRecordingIndex
        }
        let row = event.y - pane.y - 1 - ScreenLayout.tableHeaderLines
        let index = windowStart(selected: selected ?? 0, visibleRows: rows, count: count) + row
        guard row >= 0, row < rows, index < count, let current = selected else { return [] }
        move(&state, by: index - current)
    }
    return []
}

/// The first row a table shows with `selected` picked: as far down as keeps it in view (the
/// detail tables and the event log keep no scroll of their own).
func windowStart(selected: Int, visibleRows: Int, count: Int) -> Int {
    guard visibleRows > 0 else { return 0 }
    var offset = 0
    if selected >= visibleRows { offset = selected - visibleRows + 1 }
    return min(max(0, offset), max(0, count - visibleRows))
}
