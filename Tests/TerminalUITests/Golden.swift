import Foundation
import Testing
import TerminalUI

/// Whole screens kept as files under `Goldens/`: each row's text, then each cell's style as a
/// letter from a legend. A test compares the real view's frame with its file; with
/// `CONFDASH_UPDATE_GOLDENS=1` (scripts/update-goldens.sh) it writes the file instead, for
/// review in the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    static var updating: Bool { ProcessInfo.processInfo.environment["CONFDASH_UPDATE_GOLDENS"] == "1" }

    /// The frame as the golden file holds it.
    static func text(_ frame: Frame) -> String {
        var legend: [Style] = []
        var styleRows: [String] = []
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for y in 0..<frame.size.height {
            var row = ""
            for x in 0..<frame.size.width {
                let style = frame[x, y].style
                let index = legend.firstIndex(of: style) ?? { legend.append(style); return legend.count - 1 }()
                row.append(index < letters.count ? letters[index] : "?")
            }
            styleRows.append(row)
        }
        let border = "+" + String(repeating: "-", count: frame.size.width) + "+"
        var out = "\(frame.size.width)x\(frame.size.height)\n\(border)\n"
        for y in 0..<frame.size.height {
            var line = ""
            for x in 0..<frame.size.width where !frame[x, y].isContinuation { line += frame[x, y].text }
            out += "|\(line)|\n"
        }
        out += "\(border)\nstyles:\n"
        for (index, style) in legend.enumerated() { out += "  \(letters[index]) = \(describe(style))\n" }
        out += styleRows.map { "  \($0)\n" }.joined()
        return out
    }

    static func describe(_ style: Style) -> String {
        var parts: [String] = []
        if style.foreground != .default { parts.append("fg \(style.foreground)") }
        if style.background != .default { parts.append("bg \(style.background)") }
        if style.bold { parts.append("bold") }
        if style.dim { parts.append("dim") }
        if style.reverse { parts.append("reverse") }
        if style.underline { parts.append("underline") }
        return parts.isEmpty ? "plain" : parts.joined(separator: " ")
    }

    /// Compares `frame` with `Goldens/NAME.txt` (or writes it when updating).
    static func check(_ frame: Frame, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent("\(name).txt")
        let actual = text(frame)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden \(name).txt: run scripts/update-goldens.sh and review it", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            let shownActual = first < a.count ? String(a[first]) : "(end)"
            let shownExpected = first < e.count ? String(e[first]) : "(end)"
            let report =
                "\(name) differs from its golden at line \(first + 1):\n  expected: \(shownExpected)\n  actual:   \(shownActual)\n"
                + "(scripts/update-goldens.sh rewrites it; review the diff)"
            Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
        }
    }
}
