import Foundation

/// SplitMix64: tiny, fast and the same on every platform, so one seed always yields the same
/// world (the system generator cannot be seeded). Public for the fuzz tests, whose failures
/// name a seed that replays them exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4 UUID in lowercase, the form SignalWire uses for every sid.
    mutating func uuid() -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            var word = next()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]]
            .map { $0.joined() }
            .joined(separator: "-")
    }

    /// A value in 0..<1.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &self)]
    }
}

/// The names and places of seeded conferences: what an operator's list looks like on a busy
/// day, including names that are not ASCII and are wider than they are long.
enum SeedCatalog {
    static let regions = ["us1", "us2", "ie1", "de1", "sg1", "br1", "au1", "jp1"]

    private static let fixedNames = [
        "Acme Q3 Board", "Zürich Ops", "東京 standup", "🚑 on-call", "Daily sync — Platform",
        "Sales kickoff EMEA", "São Paulo NOC", "Customer escalation: Globex", "Release train 24.6",
        "Københavns driftsmøde", "Support Bridge", "Payroll cutover", "Москва NOC", "서울 weekly",
        "All hands (dial-in)", "Vendor call: Initech", "Night shift handover", "Board prep 🔒",
    ]

    private static let patterns: [(String, ClosedRange<Int>)] = [
        ("Support Bridge", 1...40), ("Incident %d war room", 1000...9999), ("Training room", 1...12),
        ("Dispatch channel", 1...9), ("Interview loop", 100...999), ("Ticket #%d review", 20000...99999),
    ]

    /// A friendly name, at most 64 characters as the service allows.
    static func friendlyName(using rng: inout SeededGenerator) -> String {
        if rng.chance(0.45) {
            return rng.pick(fixedNames)
        }
        let (pattern, range) = rng.pick(patterns)
        let number = Int.random(in: range, using: &rng)
        if pattern.contains("%d") {
            return pattern.replacingOccurrences(of: "%d", with: String(number))
        }
        return "\(pattern) \(number)"
    }
}
