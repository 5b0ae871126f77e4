import DashboardCore
/// Turns what `wget_wch` returns (a character, or a KEY_* code) into a `Key`. Pure, so it is tested
/// without a terminal.
public enum KeyDecoder {
    /// KEY_* values from ncurses' curses.h (octal there); a unit test checks them against the header.
    public enum Code {
        public static let down: Int32 = 0o402
        public static let up: Int32 = 0o403
        public static let left: Int32 = 0o404
        public static let right: Int32 = 0o405
        public static let home: Int32 = 0o406
        public static let backspace: Int32 = 0o407
        public static let f0: Int32 = 0o410
        public static let delete: Int32 = 0o512
        public static let insert: Int32 = 0o513
        public static let scrollForward: Int32 = 0o520
        public static let scrollBackward: Int32 = 0o521
        public static let pageDown: Int32 = 0o522
        public static let pageUp: Int32 = 0o523
        public static let enter: Int32 = 0o527
        public static let backTab: Int32 = 0o541
        public static let end: Int32 = 0o550
        public static let resize: Int32 = 0o632
    }

    /// A character `wget_wch` returned with OK (a Unicode scalar value, controls included).
    public static func decode(character value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace           // C-h or DEL: what terminals send for Backspace
        case 27: return .escape
        case 0: return .ctrl(" ")                // C-Space / C-@
        case 1...26: return .ctrl(Character(Unicode.Scalar(value + 96)!))
        case 28...31: return .ctrl(Character(Unicode.Scalar(value + 64)!))  // C-\ C-] C-^ C-_
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// A KEY_* code `wget_wch` returned with KEY_CODE_YES. Nil for codes with no meaning here (mouse,
    /// resize: the adapter reports resizes itself).
    public static func decode(keyCode code: Int32) -> Key? {
        switch code {
        case Code.up, Code.scrollBackward: return .up
        case Code.down, Code.scrollForward: return .down
        case Code.left: return .left
        case Code.right: return .right
        case Code.home: return .home
        case Code.end: return .end
        case Code.pageUp: return .pageUp
        case Code.pageDown: return .pageDown
        case Code.backspace: return .backspace
        case Code.delete: return .delete
        case Code.insert: return .insert
        case Code.enter: return .enter
        case Code.backTab: return .backTab
        case (Code.f0 + 1)...(Code.f0 + 63): return .function(Int(code - Code.f0))
        default: return nil
        }
    }

    /// A value from the shim's `cn_wget_wch_packed`: >= 0 a character, -1 nothing, <= -2 a KEY_* code.
    public static func decode(packed value: Int64) -> Key? {
        if value >= 0 { return decode(character: UInt32(truncatingIfNeeded: value)) }
        if value == -1 { return nil }
        return decode(keyCode: Int32(truncatingIfNeeded: -(value + 2)))
    }
}
