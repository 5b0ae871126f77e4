/// One key binding as shown to the operator: the keys ("j/k") and what they do ("move").
public struct KeyHint: Hashable, Sendable {
    public var keys: String
    public var action: String

    public init(_ keys: String, _ action: String) {
        self.keys = keys
        self.action = action
    }
}

/// The footer row of key hints, "j/k move  ⏎ open  ? help  q quit"; whole hints that do not fit are left off,
/// except the pinned ones (help and quit), which end the row at every width.
public struct KeyHints: Widget {
    public var hints: [KeyHint]
    /// Shown whatever the width, after the others.
    public var pinned: [KeyHint]
    public var glyphs: Glyphs
    public static let separator = "  "
    public static let keyStyle = Style(foreground: .cyan, bold: true)

    public init(_ hints: [KeyHint], pinned: [KeyHint] = [], glyphs: Glyphs = .unicode) {
        self.hints = hints
        self.pinned = pinned
        self.glyphs = glyphs
    }

    /// Cells one hint takes: "keys action", or the action alone for a hint without keys.
    static func width(of hint: KeyHint) -> Int {
        hint.keys.isEmpty ? TextWidth.width(of: hint.action) : TextWidth.width(of: hint.keys) + 1 + TextWidth.width(of: hint.action)
    }

    /// The hints that fit in `width` cells, in order, the pinned ones last; at least the first one
    /// (cut) when any width is left.
    public func visibleHints(width: Int) -> [KeyHint] {
        let pinnedWidth = pinned.reduce(0) { $0 + Self.separator.count + Self.width(of: $1) }
        var used = 0
        var shown: [KeyHint] = []
        for hint in hints {
            let needed = (shown.isEmpty ? 0 : Self.separator.count) + Self.width(of: hint)
            if used + needed + (pinned.isEmpty ? 0 : pinnedWidth) > width {
                if shown.isEmpty, width > 0, pinned.isEmpty { shown.append(hint) }
                break
            }
            used += needed
            shown.append(hint)
        }
        return shown + pinned
    }

    /// The footer as plain text fitted to `width`.
    public func text(width: Int) -> String {
        let joined = visibleHints(width: width).map { $0.keys.isEmpty ? $0.action : "\($0.keys) \($0.action)" }
            .joined(separator: Self.separator)
        return TextWidth.truncate(joined, to: width, ellipsis: glyphs.ellipsis)
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty else { return }
        var x = area.x
        for (index, hint) in visibleHints(width: area.width).enumerated() {
            if index > 0 { x += frame.write(Self.separator, x: x, y: area.y, maxWidth: area.maxX - x) }
            x += frame.write(
                TextWidth.truncate(hint.keys, to: area.maxX - x, ellipsis: glyphs.ellipsis),
                x: x, y: area.y, maxWidth: area.maxX - x, style: Self.keyStyle
            )
            guard x < area.maxX else { break }
            x += frame.write(
                TextWidth.truncate((hint.keys.isEmpty ? "" : " ") + hint.action, to: area.maxX - x, ellipsis: glyphs.ellipsis),
                x: x, y: area.y, maxWidth: area.maxX - x
            )
        }
    }
}
