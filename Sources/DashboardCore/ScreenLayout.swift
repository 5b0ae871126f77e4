/// The screen's fixed lines, in one place for `update` (how many rows a page moves, which
/// conferences are in view) and the view (where it draws them), so the two cannot disagree.
public enum ScreenLayout {
    /// The title line and the counts line.
    public static let headerLines = 2
    /// The status or editing line, and the key hints.
    public static let footerLines = 2
    /// A table's column headings.
    public static let tableHeaderLines = 1

    /// Lines between the header and the footer.
    public static func bodyHeight(forHeight height: Int) -> Int { max(0, height - headerLines - footerLines) }

    /// Conference rows the table shows at once on a screen `height` lines tall.
    public static func tableRows(forHeight height: Int) -> Int {
        max(1, bodyHeight(forHeight: height) - tableHeaderLines)
    }

    /// Where a conference's screen puts its three boxed panes, below `infoLines` lines about the
    /// conference at the top of the body: the participants take half, the streams and the
    /// recordings a quarter each. Nil when fewer than four lines are left. The view draws them
    /// here and a click is placed by the same numbers.
    public static func detailPanes(bodyY: Int, bodyHeight: Int, infoLines: Int) -> [(pane: DetailPane, y: Int, height: Int)]? {
        let y = bodyY + infoLines
        let remaining = bodyY + bodyHeight - y
        guard remaining >= 4 else { return nil }
        let participants = max(2, remaining / 2)
        let recordings = max(2, (remaining - participants) / 2)
        let streams = remaining - participants - recordings
        return [
            (.participants, y, participants), (.streams, y + participants, streams),
            (.recordings, y + participants + streams, recordings),
        ]
    }
}
