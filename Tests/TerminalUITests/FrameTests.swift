import Testing
@testable import TerminalUI

@Suite struct FrameTests {
    /// The next frame is drawn in the cells of one the terminal let go of, blanked: the same
    /// storage, nothing of the old text left; a frame of another size is made afresh.
    @Test func aFrameIsDrawnInTheCellsOfOneLetGoOf() {
        var old = Frame(width: 12, height: 3)
        old.write("stale text", x: 1, y: 1, style: Style(foreground: .red))
        let storage = old.cells.withUnsafeBufferPointer { $0.baseAddress }
        var reused = Frame(size: old.size, reusing: consume old)
        #expect(reused == Frame(width: 12, height: 3))
        #expect(reused.cells.withUnsafeBufferPointer { $0.baseAddress } == storage)
        reused.write("new", x: 0, y: 0)
        #expect(reused.lines.first?.hasPrefix("new") == true)
        let resized = Frame(size: Size(width: 5, height: 2), reusing: reused)
        #expect(resized == Frame(width: 5, height: 2))
        #expect(Frame(size: Size(width: 4, height: 1), reusing: nil) == Frame(width: 4, height: 1))
    }

    @Test func writtenTextReadsBackAsLines() {
        var frame = Frame(width: 10, height: 2)
        frame.write("hello", x: 2, y: 1)
        #expect(frame.lines == ["", "  hello"])
    }

    @Test func writingClipsAtMaxWidthAndFrameEdge() {
        var frame = Frame(width: 8, height: 2)
        let used = frame.write("abcdefgh", x: 1, y: 0, maxWidth: 3)
        frame.write("abcdefgh", x: 5, y: 1)
        #expect(used == 3)
        #expect(frame.lines == [" abc", "     abc"])
    }

    @Test func wideCharacterTakesTwoCellsWithContinuation() {
        var frame = Frame(width: 6, height: 1)
        frame.write("東京", x: 0, y: 0)
        #expect(frame[0, 0].text == "東")
        #expect(frame[0, 0].width == 2)
        #expect(frame[1, 0].isContinuation)
        #expect(frame[2, 0].text == "京")
        #expect(frame.lines == ["東京"])
    }

    @Test func wideCharacterThatWouldCrossTheClipBecomesASpace() {
        var frame = Frame(width: 6, height: 1)
        let used = frame.write("a東京", x: 0, y: 0, maxWidth: 4)
        #expect(used == 4)
        #expect(frame[3, 0] == Cell.blank)
        #expect(frame.lines == ["a東"])
    }

    @Test func wideCharacterNeverStartsInTheLastColumn() {
        var frame = Frame(width: 3, height: 1)
        frame.write("ab🚑", x: 0, y: 0)
        #expect(frame[2, 0] == Cell.blank)
        #expect(frame.lines == ["ab"])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var frame = Frame(width: 6, height: 2)
        frame.write("東京", x: 0, y: 0)
        frame.write("x", x: 1, y: 0)          // right half of 東
        frame.write("京", x: 0, y: 1)
        frame.write("y", x: 0, y: 1)          // left half of 京
        #expect(frame.lines == [" x京", "y"])
        #expect(!frame[1, 1].isContinuation)
    }

    @Test func fillBlanksARectangleInAStyle() {
        var frame = Frame(width: 4, height: 2)
        frame.write("abcd", x: 0, y: 0)
        frame.write("abcd", x: 0, y: 1)
        frame.fill(Rect(x: 1, y: 0, width: 2, height: 5), style: .reverse)
        #expect(frame.lines == ["a  d", "a  d"])
        #expect(frame[1, 1].style == .reverse)
    }

    @Test func identicalDrawingGivesEqualFrames() {
        func draw() -> Frame {
            var frame = Frame(width: 20, height: 3)
            frame.render(Box(title: "東京"))
            frame.write("🚑 on-call", x: 1, y: 1, style: .bold)
            return frame
        }
        #expect(draw() == draw())
        var changed = draw()
        changed.restyle(Rect(x: 1, y: 1, width: 1, height: 1)) { $0.dim = true }
        #expect(changed != draw())
        #expect(changed.lines == draw().lines)   // same text, different style: still a change to draw
    }

    @Test func emptyFramesAreSafe() {
        var frame = Frame(width: 0, height: 0)
        frame.write("x", x: 0, y: 0)
        frame.fill(Rect(x: -1, y: -1, width: 5, height: 5))
        #expect(frame.lines == [])
    }

    @Test func controlCharactersTakeNoCell() {
        var frame = Frame(width: 10, height: 1)
        frame.write("a\tb\nc", x: 0, y: 0)
        #expect(frame.lines == ["abc"])
    }
}
