/// How much an operator should care about a status message.
public enum Severity: Hashable, Sendable {
    case info, success, warning, error
}

/// One row telling the operator what just happened, marked by a symbol as well as a colour (NO_COLOR).
public struct StatusLine: Widget {
    public var message: String
    public var severity: Severity
    public var glyphs: Glyphs

    public init(_ message: String, severity: Severity = .info, glyphs: Glyphs = .unicode) {
        self.message = message
        self.severity = severity
        self.glyphs = glyphs
    }

    public var style: Style {
        switch severity {
        case .info: .plain
        case .success: Style(foreground: .green)
        case .warning: Style(foreground: .yellow, bold: true)
        case .error: Style(foreground: .red, bold: true)
        }
    }

    /// The message with its severity mark, before fitting to a width.
    public var text: String {
        switch severity {
        case .info: message
        case .success: "\(glyphs.success) \(message)"
        case .warning: "\(glyphs.warning) \(message)"
        case .error: "\(glyphs.error) \(message)"
        }
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard !area.isEmpty, !message.isEmpty else { return }
        let fitted = TextWidth.truncate(text, to: area.width, ellipsis: glyphs.ellipsis)
        frame.write(fitted, x: area.x, y: area.y, maxWidth: area.width, style: style)
    }
}
