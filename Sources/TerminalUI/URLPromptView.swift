import DashboardCore

/// The URL prompt (an announcement, hold music) as a box across the bottom of the screen: who
/// it is for, the URL as typed (scrolled sideways to keep the cursor in view), the method for an
/// announcement, and a line that says what the URL is for or, after a refused Enter, why it was
/// refused, wrapped to the width. It fits 80 columns and uses 120 without cutting anything off.
public struct URLPromptView: Widget {
    public var prompt: URLPrompt
    public var glyphs: Glyphs

    public init(_ prompt: URLPrompt, glyphs: Glyphs = .unicode) {
        self.prompt = prompt
        self.glyphs = glyphs
    }

    static let labelWidth = 8
    /// The problem is wrapped to at most this many lines.
    static let maxMessageLines = 3

    /// Lines the box takes at `width`: its border, the fields and the message.
    public static func height(_ prompt: URLPrompt, width: Int) -> Int {
        2 + fields(prompt).count + URLPromptView(prompt).messageLines(width: width).count
    }

    var title: String {
        switch prompt.purpose {
        case .announce: "Announce to \(prompt.conferenceName)"
        case .hold: "Put a caller on hold in \(prompt.conferenceName)"
        case .announceParticipant: "Announce to one caller in \(prompt.conferenceName)"
        }
    }

    /// The lines above the URL: (label, value).
    static func fields(_ prompt: URLPrompt) -> [(String, String?)] {
        switch prompt.purpose {
        case .announce: [("URL", nil), ("Method", "\(prompt.method.rawValue) (Tab switches)")]
        case .hold(let callSid): [("Caller", callSid), ("Music", nil)]
        case .announceParticipant(let callSid):
            [("Caller", callSid), ("URL", nil), ("Method", "\(prompt.method.rawValue) (Tab switches)")]
        }
    }

    var message: (text: String, style: Style) {
        if let problem = prompt.problem { return ("\(glyphs.error) \(problem)", Style(foreground: .red, bold: true)) }
        switch prompt.purpose {
        case .announce:
            return ("the service fetches this audio (or TwiML) and plays it to everyone in the conference", .dim)
        case .hold:
            return ("the caller hears this audio while on hold; leave it empty for the service's own music", .dim)
        case .announceParticipant:
            return ("the service fetches this audio (or TwiML) and plays it to this caller alone", .dim)
        }
    }

    func messageLines(width: Int) -> [String] {
        Array(TextWidth.wrap(message.text, to: max(1, width - 4)).prefix(Self.maxMessageLines))
    }

    public func draw(in area: Rect, on frame: inout Frame) {
        guard area.width >= 4, area.height >= 3 else { return }
        frame.fill(area)
        let box = Box(title: title, glyphs: glyphs, style: Style(foreground: .cyan), titleStyle: Style(foreground: .cyan, bold: true))
        box.draw(in: area, on: &frame)
        let inner = Rect(x: area.x + 2, y: area.y + 1, width: area.width - 4, height: area.height - 2)
        var y = inner.y
        let valueX = inner.x + Self.labelWidth
        let valueWidth = max(1, inner.width - Self.labelWidth)
        for (label, value) in Self.fields(prompt) where y < inner.maxY {
            frame.write(label, x: inner.x, y: y, maxWidth: Self.labelWidth - 1, style: .bold)
            if let value {
                frame.write(TextWidth.truncate(value, to: valueWidth, ellipsis: glyphs.ellipsis), x: valueX, y: y, maxWidth: valueWidth)
            } else {
                frame.render(EditorLine(prompt.url), in: Rect(x: valueX, y: y, width: valueWidth, height: 1))
            }
            y += 1
        }
        let (_, style) = message
        for line in messageLines(width: area.width) where y < inner.maxY {
            frame.write(line, x: inner.x, y: y, maxWidth: inner.width, style: style)
            y += 1
        }
    }
}
