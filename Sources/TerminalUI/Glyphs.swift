#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Border and symbol characters: Unicode in a UTF-8 locale, plain ASCII otherwise.
public struct Glyphs: Hashable, Sendable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var up: String
    public var down: String
    public var left: String
    public var right: String
    public var bullet: String
    public var ellipsis: String
    public var enter: String
    public var success: String
    public var warning: String
    public var error: String
    public var isUnicode: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        up: "▲", down: "▼", left: "←", right: "→", bullet: "●", ellipsis: "…", enter: "⏎",
        success: "✓", warning: "!", error: "✗", isUnicode: true
    )

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        up: "^", down: "v", left: "<", right: ">", bullet: "*", ellipsis: "~", enter: "Enter",
        success: "+", warning: "!", error: "x", isUnicode: false
    )

    /// The set for a locale given as environment variables: LC_ALL wins over LC_CTYPE over LANG,
    /// the first one set and non-empty decides (POSIX precedence).
    public static func forLocale(environment: [String: String]) -> Glyphs {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .lazy
            .compactMap { environment[$0] }
            .first { !$0.isEmpty } ?? ""
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8") ? .unicode : .ascii
    }

    /// The set for this process's environment.
    public static func detect() -> Glyphs {
        var environment: [String: String] = [:]
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return forLocale(environment: environment)
    }
}
