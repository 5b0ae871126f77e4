/// An in-memory screen: a grid of cells that screens render into and the terminal adapter blits.
///
/// Frames are values and `Equatable`, so the adapter can tell that nothing changed and write nothing.
/// Writing never splits a wide character: one that would cross the clip edge becomes a space, and
/// overwriting either half of a wide character blanks the other half.
public struct Frame: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    /// A blank frame of `size` in the cells of `spare` when it is that size and nothing else
    /// holds them. A 200x60 frame is 12,000 cells, about 400 KB: made afresh for every frame, it
    /// was mapped from the system, faulted in page by page and unmapped again (glibc maps every
    /// block of 128 KiB or more on its own), a fifth of a key's time in the kernel.
    public init(size: Size, reusing spare: consuming Frame?) {
        guard var frame = consume spare, frame.size == size else {
            self.init(size: size)
            return
        }
        frame.cells.withUnsafeMutableBufferPointer { cells in
            for index in cells.indices { cells[index] = .blank }
        }
        self = frame
    }

    /// The whole frame as a rectangle.
    public var area: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        precondition(contains(x: x, y: y), "cell (\(x), \(y)) outside a \(size) frame")
        return cells[y * size.width + x]
    }

    func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Writes `text` from (x, y) rightwards in `style`, clipped to `maxWidth` cells and to the frame.
    /// Returns the number of cells used (a wide character that did not fit counts its padding space).
    @discardableResult
    public mutating func write(
        _ text: some StringProtocol, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain
    ) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        let limit = min(size.width, maxWidth.map { x + max(0, $0) } ?? size.width)
        var column = x
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII, most of what a screen holds: one cell per printable byte, each cell's text a
            // string made once. Walking characters (grapheme breaking, a String per cell) was
            // most of drawing a table row.
            for byte in text.utf8 where byte >= 0x20 && byte < 0x7F {
                if column >= limit { break }
                if column >= 0 { place(Cell(text: Self.asciiText[Int(byte)], width: 1, style: style), x: column, y: y) }
                column += 1
            }
            return max(0, column - x)
        }
        for character in text {
            let width = TextWidth.width(of: character)
            if width == 0 { continue }               // controls and lone zero-width scalars take no cell
            if column + width > limit {
                if column < limit, column >= 0 { place(.blank(style), x: column, y: y); column += 1 }
                break
            }
            if column >= 0 {
                place(Cell(text: String(character), width: width, style: style), x: column, y: y)
            } else if column + width > 0 {
                place(.blank(style), x: 0, y: y)    // a wide character straddling the left edge
            }
            column += width
        }
        return max(0, column - x)
    }

    /// The one-character string of each ASCII byte (the printable ones are used).
    static let asciiText: [String] = (0..<128).map { String(UnicodeScalar(UInt8($0))) }

    /// Blanks every cell of `rect` (clipped to the frame) in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let clipped = rect.intersection(area)
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { place(.blank(style), x: x, y: y) }
        }
    }

    /// Changes the style of every cell in `rect` (clipped), keeping the text: selections, highlights.
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        let clipped = rect.intersection(area)
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { change(&cells[y * size.width + x].style) }
        }
    }

    /// Each row's text with trailing spaces trimmed: what tests compare, like ratatui's buffer asserts.
    public var lines: [String] {
        (0..<size.height).map { line($0) }
    }

    /// One row's text, trailing spaces trimmed.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var text = ""
        for x in 0..<size.width where !cells[y * size.width + x].isContinuation {
            text += cells[y * size.width + x].text
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Puts one cell (and a continuation after a wide one) at (x, y), repairing any wide character it cuts.
    private mutating func place(_ cell: Cell, x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        if cell.width == 2 && x + 1 >= size.width {
            place(.blank(cell.style), x: x, y: y)
            return
        }
        let index = y * size.width + x
        // Only half of a wide character has another half to blank; one cell over one cell (nearly
        // every write) is a plain store.
        if cells[index].width != 1 { breakWideCharacter(x: x, y: y) }
        cells[index] = cell
        if cell.width == 2 {
            if cells[index + 1].width != 1 { breakWideCharacter(x: x + 1, y: y) }
            cells[index + 1] = .continuation(cell.style)
        }
    }

    /// Before (x, y) is overwritten: blank the other half of the wide character it belongs to, if any.
    private mutating func breakWideCharacter(x: Int, y: Int) {
        let index = y * size.width + x
        let cell = cells[index]
        if cell.isContinuation, x > 0 {
            cells[index - 1] = .blank(cells[index - 1].style)
        } else if cell.width == 2, x + 1 < size.width {
            cells[index + 1] = .blank(cells[index + 1].style)
        }
        cells[index] = .blank(cell.style)
    }
}
