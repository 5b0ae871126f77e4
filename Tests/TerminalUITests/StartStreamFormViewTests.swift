import DashboardCore
import Testing
@testable import TerminalUI

/// The start-stream form as text at the sizes operators use: labels, the masked token, errors
/// under their fields, scrolling to the focus, and no crash at any size.
@Suite struct StartStreamFormViewTests {
    static let token = "tok-SECRET-42"

    static func form(_ keys: [Key] = [], callbackURL: String? = "https://hooks.example.com/streams") -> StartStreamForm {
        var form = StartStreamForm(
            conferenceSid: "CF0001", conferenceName: "standup", existingNames: [], callbackURL: callbackURL)
        for key in keys { _ = form.apply(key) }
        return form
    }

    /// A form with a URL and a bearer token typed in, focus back on the Url field.
    static func filledForm(url: String = "ws://media.example.com/audio") -> StartStreamForm {
        form([.paste(url)] + [Key](repeating: .tab, count: 7) + [.paste(token)] + [Key](repeating: .backTab, count: 7))
    }

    /// The form drawn over a screen full of dashboard text.
    static func render(_ form: StartStreamForm, _ size: Size, glyphs: Glyphs = .unicode) -> Frame {
        var frame = Frame(size: size)
        for y in 0..<size.height { frame.write(String(repeating: "dashboard ", count: 20), x: 0, y: y) }
        frame.render(StartStreamFormView(form, glyphs: glyphs))
        return frame
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func labelsTheMaskedTokenAndTheUrlErrorShow(size: Size) {
        let lines = Self.render(Self.filledForm(), size).lines
        let text = lines.joined(separator: "\n")
        #expect(text.contains("Start a stream on standup"))
        for label in [
            "Url", "Name", "Track", "Codec", "Real-time", "Status callback", "Callback method", "Bearer token", "Parameters",
            "[ + Add parameter ]", "[ Start stream ]", "[ Cancel ]",
        ] {
            #expect(text.contains(label), "\(label) missing at \(size)")
        }
        #expect(text.contains("◀ both_tracks ▶"))
        #expect(text.contains("◀ service default ▶"))
        #expect(text.contains("[ ] off"))
        #expect(text.contains("https://hooks.example.com/streams"))
        #expect(text.contains(String(repeating: "•", count: Self.token.count)))
        for line in lines { #expect(!line.contains("SECRET") && !line.contains(Self.token)) }
        let urlRow = lines.firstIndex { $0.contains("▸Url") }
        #expect(urlRow != nil)
        if let urlRow {
            #expect(lines[urlRow].contains("ws://media.example.com/audio"))
            #expect(lines[urlRow + 1].contains("✗ Url must use wss://"))
        }
        #expect(text.contains("Esc cancel"))
    }

    @Test func at80x24TheWholeFormFitsAndLooksLikeThis() {
        let lines = Self.render(Self.filledForm(), Size(width: 80, height: 24)).lines
        guard let top = lines.firstIndex(where: { $0.contains("╭─ Start a stream on standup ─") }) else {
            Issue.record("no title in \(lines)")
            return
        }
        #expect(Array(lines[(top + 1)...(top + 4)]) == [
            "d │ ▸Url              ws://media.example.com/audio                           │",
            "d │                   ✗ Url must use wss:// (the service refuses unencrypted │",
            "d │                     ws://)                                               │",
            "d │  Name             optional                                               │",
        ])
        #expect(lines.contains { $0.contains("[ Start stream ]  [ Cancel ]") })
        #expect(lines.contains { $0.contains("╰─") })
        #expect(lines.first?.hasPrefix("dashboard") == true)
        #expect(lines.last?.hasPrefix("dashboard") == true)
    }

    @Test func asciiGlyphsWhereUnicodeDoesNotDraw() {
        let text = Self.render(Self.filledForm(), Size(width: 80, height: 24), glyphs: .ascii).lines.joined(separator: "\n")
        #expect(text.contains("< both_tracks >"))
        #expect(text.contains(String(repeating: "*", count: Self.token.count)))
        #expect(text.contains("x Url must use wss://"))
        #expect(!text.contains("SECRET"))
    }

    @Test func theListScrollsToKeepTheFocusedParameterInView() {
        var keys: [Key] = [.paste("wss://media.example.com/audio")]
        for index in 1...20 { keys += [.ctrl("n"), .paste("name\(index)"), .tab, .paste("value\(index)")] }
        let lines = Self.render(Self.form(keys), Size(width: 80, height: 24)).lines
        #expect(lines.contains { $0.contains("▸  20") && $0.contains("name20") && $0.contains("value20") })
        #expect(!lines.contains { $0.contains("▸Url") })
        #expect(lines.contains { $0.contains("▲") })
        let top = Self.render(Self.form(keys + [Key](repeating: .tab, count: 4)), Size(width: 80, height: 24)).lines
        #expect(top.contains { $0.contains("▸Url") })
        #expect(top.contains { $0.contains("▼") })
    }

    @Test func serviceErrorAtTheTopAndStartingWhileInFlight() {
        var form = Self.form([.paste("wss://media.example.com/audio")])
        _ = form.apply(.enter)
        let inFlight = Self.render(form, Size(width: 80, height: 24)).lines.joined(separator: "\n")
        #expect(inFlight.contains("starting… waiting for the service"))
        #expect(inFlight.contains("[ starting… ]"))
        form.submissionFailed("Duplicated stream name")
        let failed = Self.render(form, Size(width: 80, height: 24)).lines
        let title = failed.firstIndex { $0.contains("Start a stream on standup") } ?? 0
        #expect(failed[title + 1].contains("✗ the service refused: Duplicated stream name"))
        #expect(!failed.joined().contains("starting"))
    }

    @Test func discardingChangesAsksInADialog() {
        var form = Self.filledForm()
        _ = form.apply(.escape)
        let text = Self.render(form, Size(width: 80, height: 24)).lines.joined(separator: "\n")
        #expect(text.contains("Discard changes?"))
        #expect(text.contains("[ Keep editing ]  [ Discard ]"))
    }

    @Test func everySmallSizeClipsWithoutCrashing() {
        var keys: [Key] = [.paste("ws://media.example.com/音声?x=1")]
        for index in 1...5 { keys += [.ctrl("n"), .paste("名前\(index)")] }
        let form = Self.form(keys + [.enter])
        for width in 0...44 {
            for height in 0...14 {
                let frame = Self.render(form, Size(width: width, height: height))
                #expect(frame.size == Size(width: width, height: height))
            }
        }
    }
}
