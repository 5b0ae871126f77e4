/// One terminal cell: the text of one character, the columns it takes, and its style.
///
/// A wide character (CJK, most emoji) is stored in its first cell with `width == 2`; the cell to its
/// right is a continuation (`width == 0`, empty text) that the terminal adapter skips.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var width: Int
    public var style: Style

    public init(text: String, width: Int, style: Style = .plain) {
        self.text = text
        self.width = width
        self.style = style
    }

    public static let blank = Cell(text: " ", width: 1)

    /// A blank cell in `style` (what erasing or padding leaves behind).
    public static func blank(_ style: Style) -> Cell { Cell(text: " ", width: 1, style: style) }

    /// The right half of a wide character.
    public static func continuation(_ style: Style) -> Cell { Cell(text: "", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}
