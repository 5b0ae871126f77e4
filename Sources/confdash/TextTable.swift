import CNcurses
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A plain-text table whose columns line up by display width, so CJK and emoji names align.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(Self.displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], Self.displayWidth(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                out += cell
                if !isLast { out += String(repeating: " ", count: widths[i] - Self.displayWidth(cell) + 2) }
            }
            return out
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    /// wcwidth answers -1 for every non-ASCII character under the C locale.
    private static let wideCharacterLocale: Bool = setlocale(LC_CTYPE, "C.UTF-8") != nil

    /// Terminal cells a string takes: wide characters count 2, combining marks 0.
    static func displayWidth(_ text: String) -> Int {
        _ = wideCharacterLocale
        var total = 0
        for scalar in text.unicodeScalars {
            let w = Int(cn_wcwidth(scalar.value))
            total += w < 0 ? 1 : w
        }
        return total
    }
}
