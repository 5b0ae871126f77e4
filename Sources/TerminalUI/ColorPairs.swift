import CNcurses

/// curses colour pairs allocated on first use: a terminal may offer as few as 64 pairs, fewer than
/// all foreground/background combinations, and a screen only ever uses a handful.
@MainActor
struct ColorPairs {
    private var numbers: [Key: Int16] = [:]
    private var next: Int16 = 1
    /// Without use_default_colors, -1 is not a colour: the terminal's own colours become white on black.
    let defaultColorsSupported: Bool

    private struct Key: Hashable {
        var foreground: Color
        var background: Color
    }

    init(defaultColorsSupported: Bool) {
        self.defaultColorsSupported = defaultColorsSupported
    }

    /// The pair number for `style`'s colours; 0 (the terminal's colours) when pairs run out.
    mutating func number(for style: Style) -> Int16 {
        if style.foreground == .default && style.background == .default { return 0 }
        let key = Key(foreground: style.foreground, background: style.background)
        if let number = numbers[key] { return number }
        guard Int32(next) < cn_color_pairs() else { return 0 }
        let foreground = resolve(style.foreground, otherwise: .white)
        let background = resolve(style.background, otherwise: .black)
        guard init_pair(next, foreground, background) != ERR else { return 0 }
        numbers[key] = next
        next += 1
        return numbers[key] ?? 0
    }

    private func resolve(_ color: Color, otherwise fallback: Color) -> Int16 {
        if color == .default && !defaultColorsSupported { return Int16(fallback.rawValue) }
        return Int16(color.rawValue)
    }
}
