/// A sid as the dashboard keeps it: a UUID in lowercase (SignalWire's form for every sid) as its
/// sixteen bytes, any other text (Twilio's `CA…`, a test's `CA-c1`) as the text itself.
///
/// A 36-character sid as a `String` is a heap object of 80 bytes beside the 16 of the string;
/// the dashboard keeps one per participant and one per call in progress, 100,000 at 10,000
/// conferences. Kept as two words it is allocated nowhere. Its text comes back exactly as read:
/// only a sid that writes itself again character for character is kept as bytes.
public struct Sid: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    private enum Storage: Hashable, Sendable {
        case uuid(UInt64, UInt64)
        case text(String)
    }
    private let storage: Storage

    public init(_ text: String) {
        storage = Self.uuidBits(text).map { .uuid($0.0, $0.1) } ?? .text(text)
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// The 128 bits of a UUID sid; nil for a sid kept as text. Two UUID sids compare by these
    /// bits in the order their texts have (lowercase hexadecimal, most significant first).
    public var uuid: (high: UInt64, low: UInt64)? {
        if case .uuid(let high, let low) = storage { return (high, low) }
        return nil
    }

    /// The sid as the service wrote it.
    public var text: String {
        switch storage {
        case .text(let text): text
        case .uuid(let high, let low): Self.uuidText(high, low)
        }
    }

    public var description: String { text }

    /// The 128 bits of `8-4-4-4-12` lowercase hexadecimal, or nil for any other text.
    public static func uuidBits(_ text: String) -> (UInt64, UInt64)? {
        guard text.utf8.count == 36 else { return nil }
        var text = text
        text.makeContiguousUTF8()  // nothing to do for a native string, as every decoded one is
        return text.utf8.withContiguousStorageIfAvailable(parse) ?? nil
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        var high: UInt64 = 0, low: UInt64 = 0
        var nibbles = 0
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            default: return nil  // upper case too: it would not come back as written
            }
            if nibbles < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            nibbles += 1
        }
        return (high, low)
    }

    /// The lowercase `8-4-4-4-12` text of 128 bits.
    static func uuidText(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var out = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                let word = nibble < 16 ? high : low
                let shift = UInt64(60 - 4 * (nibble % 16))
                buffer[out] = digits.utf8Start[Int((word >> shift) & 0xF)]
                out += 1
            }
            return 36
        }
    }
}
