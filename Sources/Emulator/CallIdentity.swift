import CompatAPI
import Foundation

/// Who is on a call and how it sounds, derived from the world's seed and the call's sid alone:
/// the same seed gives the same numbers, names and quality for the same call, and deriving it
/// draws nothing from the world's generator, so turning calls on changed no seeded conference,
/// participant or churn step.
struct CallIdentity: Sendable, Hashable {
    var from: String
    var to: String
    var fromFormatted: String
    var toFormatted: String
    var direction: CallDirection
    var callerName: String?
    var isAgent: Bool
    var quality: QualityProfile

    static func make(seed: UInt64, callSid: String, conferenceSid: String) -> CallIdentity {
        var rng = SeededGenerator(seed: seed ^ StableHash.of(callSid) ^ 0xCA11_1D00_0000_0001)
        let bridge = bridgeNumber(seed: seed, conferenceSid: conferenceSid)
        let quality = QualityProfile.make(using: &rng)
        if rng.chance(0.35) {
            // An agent: a SIP phone on the company PBX, dialled out to or calling in.
            let number = Int.random(in: 1...60, using: &rng)
            let name = rng.pick(agentNames)
            let sip = "sip:agent\(number)@pbx.example.com"
            if rng.chance(0.6) {
                return CallIdentity(
                    from: bridge, to: sip, fromFormatted: format(bridge), toFormatted: sip, direction: .outbound,
                    callerName: nil, isAgent: true, quality: quality)
            }
            return CallIdentity(
                from: sip, to: bridge, fromFormatted: sip, toFormatted: format(bridge), direction: .inbound,
                callerName: name, isAgent: true, quality: quality)
        }
        let customer = customerAddress(using: &rng)
        if rng.chance(0.8) {
            let name = customer.hasPrefix("sip:") || rng.chance(0.4) ? nil : rng.pick(customerNames)
            return CallIdentity(
                from: customer, to: bridge, fromFormatted: format(customer), toFormatted: format(bridge),
                direction: .inbound, callerName: name, isAgent: false, quality: quality)
        }
        return CallIdentity(
            from: bridge, to: customer, fromFormatted: format(bridge), toFormatted: format(customer),
            direction: .outbound, callerName: nil, isAgent: false, quality: quality)
    }

    /// The conference's dial-in number: +1 555 010 xxxx (555-01xx numbers are fictional).
    static func bridgeNumber(seed: UInt64, conferenceSid: String) -> String {
        var rng = SeededGenerator(seed: seed ^ StableHash.of(conferenceSid) ^ 0xB41D_6E00_0000_0002)
        return "+1555010" + pad(Int.random(in: 0...9999, using: &rng), 4)
    }

    /// A caller from the fictional ranges: North American 555-01xx, Ofcom's drama numbers,
    /// Germany's 030 23125 xxx, or a SIP address.
    static func customerAddress(using rng: inout SeededGenerator) -> String {
        let roll = rng.unit()
        if roll < 0.55 {
            return "+1" + rng.pick(areaCodes) + "55501" + pad(Int.random(in: 0...99, using: &rng), 2)
        } else if roll < 0.75 {
            return "+4420794600" + pad(Int.random(in: 0...99, using: &rng), 2)
        } else if roll < 0.87 {
            return "+493023125" + pad(Int.random(in: 0...999, using: &rng), 3)
        }
        return "sip:" + rng.pick(["guest", "kiosk", "lobby", "partner"]) + String(Int.random(in: 1...99, using: &rng))
            + "@" + rng.pick(["customer.example.net", "sip.example.org"])
    }

    /// How the service formats an address for people: `(415) 555-0123` in North America,
    /// spaced international numbers elsewhere, SIP addresses as they are.
    static func format(_ address: String) -> String {
        guard address.hasPrefix("+") else { return address }
        let digits = Array(address.dropFirst())
        func part(_ range: Range<Int>) -> String { String(digits[range]) }
        if digits.first == "1", digits.count == 11 {
            return "(\(part(1..<4))) \(part(4..<7))-\(part(7..<11))"
        }
        if address.hasPrefix("+44"), digits.count == 12 {
            return "+44 \(part(2..<4)) \(part(4..<8)) \(part(8..<12))"
        }
        if address.hasPrefix("+49"), digits.count == 12 {
            return "+49 \(part(2..<4)) \(part(4..<9)) \(part(9..<12))"
        }
        return address
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static let areaCodes = ["212", "312", "415", "512", "617", "720", "206", "305"]

    /// CNAM as carriers send it: upper case, surname first, companies, and some not ASCII.
    static let customerNames = [
        "GARCIA MARIA", "ACME CORP", "GLOBEX INC", "WIRELESS CALLER", "MÜLLER JÜRGEN", "O'BRIEN SEAN",
        "INITECH LLC", "SØRENSEN ANNE", "田中 太郎", "NGUYEN LINH", "DUBOIS CLAIRE", "UMBRELLA HEALTH",
    ]

    static let agentNames = [
        "Priya Raman", "Tomás Ortega", "Mei Chen", "Jonas Berg", "Aisha Bello", "Lukas Novak", "Sofia Rossi",
        "Kenji Watanabe",
    ]
}

/// A call's audio: a level it wanders around, so the figures drift as the call goes on. About
/// one call in eight is poor throughout (MOS under 3.5 and more than 2% lost), the rest good.
struct QualityProfile: Sendable, Hashable {
    var poor: Bool
    var mos: Double
    var mosSwing: Double
    /// The share of packets lost, 0...1.
    var loss: Double
    var lossSwing: Double
    var jitter: Double
    var rtt: Double
    /// Seconds of one wander.
    var period: Double
    var phase: Double

    static func make(using rng: inout SeededGenerator) -> QualityProfile {
        let poor = rng.chance(0.12)
        let period = Double.random(in: 90...300, using: &rng)
        let phase = Double.random(in: 0..<(2 * .pi), using: &rng)
        if poor {
            return QualityProfile(
                poor: true, mos: Double.random(in: 2.6...3.1, using: &rng), mosSwing: Double.random(in: 0.1...0.25, using: &rng),
                loss: Double.random(in: 0.03...0.06, using: &rng), lossSwing: 0.006,
                jitter: Double.random(in: 25...60, using: &rng), rtt: Double.random(in: 180...420, using: &rng),
                period: period, phase: phase)
        }
        return QualityProfile(
            poor: false, mos: Double.random(in: 3.95...4.4, using: &rng), mosSwing: Double.random(in: 0.05...0.2, using: &rng),
            loss: Double.random(in: 0...0.008, using: &rng), lossSwing: 0.002,
            jitter: Double.random(in: 2...12, using: &rng), rtt: Double.random(in: 25...120, using: &rng),
            period: period, phase: phase)
    }

    /// The figures after `seconds` of the call.
    func figures(seconds: Int) -> CallQuality {
        let t = Double(seconds)
        let wave = sin(2 * .pi * t / period + phase)
        let slowWave = sin(2 * .pi * t / (period * 1.7) + phase / 2)
        let score = min(5, max(1, mos + mosSwing * wave))
        let lost = min(0.5, max(0, loss + lossSwing * slowWave))
        // lost / (sent) = `lost` exactly, at CallQuality's 50 packets a second.
        let packets = Int((lost / (1 - lost) * Double(seconds * CallQuality.packetsPerSecond)).rounded())
        let jitterAvg = max(1, Int((jitter * (1 + 0.3 * slowWave)).rounded()))
        let rttAvg = max(5, Int((rtt * (1 + 0.2 * wave)).rounded()))
        return CallQuality(
            mos: (score * 100).rounded() / 100, jitterAvg: jitterAvg, jitterMin: max(0, jitterAvg / 3),
            jitterMax: jitterAvg * 2 + 3, rttAvg: rttAvg, rttMin: max(1, rttAvg * 7 / 10), rttMax: rttAvg * 3 / 2,
            packetsLost: packets, seconds: seconds)
    }
}

/// FNV-1a over UTF-8: the same number for the same text on every platform and run (Swift's
/// own hashing is seeded per process).
enum StableHash {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
