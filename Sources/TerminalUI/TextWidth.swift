import CNcurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where text sits inside a wider space.
public enum Alignment: Sendable, Hashable {
    case left, right, center
}

/// Display width of text in terminal cells (by `wcwidth`, so CJK and emoji count 2), and the
/// truncating and padding that keep columns aligned.
public enum TextWidth {
    /// wcwidth answers by the process's LC_CTYPE: under "C" every non-ASCII scalar is -1. Measuring
    /// always happens under a UTF-8 ctype so widths are the same in tests, in a UTF-8 terminal, and
    /// in an ASCII one (where the adapter later draws non-ASCII as "?" cell by cell).
    private static let utf8CTypeReady: Bool = {
        ensureUTF8CType()
        return true
    }()

    /// Switches LC_CTYPE to C.UTF-8 when the current one is not UTF-8. Call it again after anything
    /// that resets the locale (the terminal adapter does, after `setlocale(LC_ALL, "")`).
    public static func ensureUTF8CType() {
        if !currentCTypeIsUTF8() {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    static func currentCTypeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased()
        return name == "utf-8" || name == "utf8"
    }

    /// Cells one character takes: 0 (control or zero-width), 1 or 2.
    public static func width(of character: Character) -> Int {
        if let ascii = character.asciiValue {
            return (0x20..<0x7F).contains(ascii) ? 1 : 0
        }
        _ = utf8CTypeReady
        // A grapheme is one base plus marks/joiners/selectors: its width is its widest scalar, capped at
        // the two cells a terminal gives any one character.
        var widest = 0
        for scalar in character.unicodeScalars {
            widest = max(widest, Int(cn_wcwidth(scalar.value)))
        }
        return min(widest, 2)
    }

    /// Cells a whole string takes.
    public static func width(of text: some StringProtocol) -> Int {
        // ASCII, most of what a screen holds: one cell per printable byte, no grapheme breaking.
        var printable = 0
        var ascii = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                ascii = false
                break
            }
            if byte >= 0x20 && byte < 0x7F { printable += 1 }
        }
        if ascii { return printable }
        var total = 0
        for character in text { total += width(of: character) }
        return total
    }

    /// The longest prefix of `text` that fits in `width` cells, never splitting a wide character.
    public static func prefix(of text: some StringProtocol, fitting width: Int) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var result = ""
        for character in text {
            let w = self.width(of: character)
            if used + w > width { break }
            used += w
            result.append(character)
        }
        return result
    }

    /// `text` cut to at most `width` cells, ending in `ellipsis` when something was cut.
    public static func truncate(_ text: some StringProtocol, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if self.width(of: text) <= width { return String(text) }
        let ellipsisWidth = self.width(of: ellipsis)
        guard ellipsisWidth <= width else { return prefix(of: text, fitting: width) }
        return prefix(of: text, fitting: width - ellipsisWidth) + ellipsis
    }

    /// `text` padded with spaces to exactly `width` cells (unchanged when already as wide or wider).
    public static func pad(_ text: some StringProtocol, to width: Int, alignment: Alignment = .left) -> String {
        let missing = width - self.width(of: text)
        guard missing > 0 else { return String(text) }
        switch alignment {
        case .left:
            return text + String(repeating: " ", count: missing)
        case .right:
            return String(repeating: " ", count: missing) + text
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
        }
    }

    /// Truncated then padded: exactly `width` cells (a wide character that does not fit becomes a space).
    public static func fit(
        _ text: some StringProtocol, to width: Int, alignment: Alignment = .left, ellipsis: String = "…"
    ) -> String {
        pad(truncate(text, to: width, ellipsis: ellipsis), to: width, alignment: alignment)
    }
}
