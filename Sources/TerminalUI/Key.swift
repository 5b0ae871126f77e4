import DashboardCore

/// Key names for hints and help in this terminal's glyphs: arrows and ⏎ only where Unicode draws.
extension Key {
    public func displayName(glyphs: Glyphs) -> String {
        switch self {
        case .enter: return glyphs.enter
        case .up where !glyphs.isUnicode: return "Up"
        case .down where !glyphs.isUnicode: return "Down"
        case .left where !glyphs.isUnicode: return "Left"
        case .right where !glyphs.isUnicode: return "Right"
        default: return displayName
        }
    }
}
