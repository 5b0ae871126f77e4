/// The filter's test, `text.lowercased().contains(needle)`, without the lowercased copy where
/// it can.
///
/// The conferences table's `/` asks it of every conference's name, sid, region and status and
/// of the numbers and names of every participant's call, again at each key typed: at 10,000
/// conferences the copies (four heap strings a conference, three a participant) and
/// Foundation's search made a key of the filter take 30 ms, and up to 140.
///
/// The answer is whether the needle's characters, as Unicode scalars, appear in a row in the
/// lowercased text (UTF-8 never puts one scalar's bytes inside another's, so a byte search
/// answers it):
/// - ASCII text and needle (every sid, status, region and number): byte by byte, ASCII case
///   folded, no copy;
/// - other text or needle (a name in another script): the lowercased copy, byte by byte;
/// - a needle past ASCII: also what Swift's comparison of whole characters finds, so an "é"
///   typed as one scalar still finds one stored as e and a combining accent.
/// That finds all the lowercased copy's `contains` found, and more only inside a character
/// made of several scalars: "e" now finds the e of that stored "é", as an operator expects of
/// a filter.
enum TextMatch {
    /// Whether `text` contains `needle`, which is lowercased already.
    static func contains(_ text: String, lowercased needle: String) -> Bool {
        if needle.isEmpty { return true }
        var needleCopy = needle
        var text = text
        return needleCopy.withUTF8 { needleBytes in
            if isASCII(needleBytes),
                let folded = text.withUTF8({ textBytes in isASCII(textBytes) ? search(textBytes, needleBytes, folding: true) : nil })
            {
                return folded
            }
            var lowered = text.lowercased()
            if lowered.withUTF8({ search($0, needleBytes, folding: false) }) { return true }
            return !isASCII(needleBytes) && lowered.contains(needle)
        }
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        return true
    }

    private static func search(_ text: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, folding: Bool) -> Bool {
        guard needle.count <= text.count else { return false }
        let first = needle[0]
        for start in 0...(text.count - needle.count) where lower(text[start], folding) == first {
            var at = 1
            while at < needle.count && lower(text[start + at], folding) == needle[at] { at += 1 }
            if at == needle.count { return true }
        }
        return false
    }

    @inline(__always)
    private static func lower(_ byte: UInt8, _ folding: Bool) -> UInt8 {
        folding && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
