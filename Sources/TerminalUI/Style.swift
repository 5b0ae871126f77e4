/// One of the eight ANSI colours, or the terminal's own colour (`.default`).
public enum Color: Int, Hashable, Sendable, CaseIterable {
    // Raw values are the curses COLOR_* numbers; `.default` is -1, the value use_default_colors() understands.
    case `default` = -1
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How one cell looks: colours and attributes. Meaning must never ride on colour alone (NO_COLOR).
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        foreground: Color = .default, background: Color = .default,
        bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)
    public static let reverse = Style(reverse: true)

    /// The same style with reverse video on: how a selection is drawn.
    public var reversed: Style {
        var style = self
        style.reverse = true
        return style
    }

    /// The same style in bold.
    public var emphasized: Style {
        var style = self
        style.bold = true
        return style
    }
}
