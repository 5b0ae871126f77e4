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
}
