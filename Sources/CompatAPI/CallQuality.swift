import Foundation

/// A call's audio quality as the Call resource reports it, and the one place that says what
/// "poor" means.
///
/// The spec's figures (openapi.yaml, `Call`): `audio_in_mos` (number, 1.0–5.0, nullable),
/// `audio_rtt_avg/min/max` (integer milliseconds, nullable), `audio_out_jitter_avg/min/max`
/// (integer milliseconds, nullable) and `audio_out_lost` (integer: a count of outbound packets
/// lost, not a share, nullable). The service gives no packet total, so the loss share is
/// estimated from the call's duration at 50 packets a second (20 ms packets, the usual
/// ptime for PCMU/PCMA and what SignalWire sends): see `lossPercent`. Twilio's Call resource has
/// none of these fields; every figure is then nil and the call is not marked poor.
public struct CallQuality: Hashable, Sendable, Codable {
    // Packed: the dashboard keeps a quality for every call in progress (50,000 at 10,000
    // conferences), and nine optionals took 144 bytes where these take 48. MOS is kept to four
    // decimals (the service sends two); a figure beyond what the packing holds is clamped.
    private var mosTenThousandths = Int32.min
    private var jitter = Packed3()
    private var rtt = Packed3()
    private var lost = Int64.min
    private var audioSeconds = Int64.min

    /// Three millisecond figures (average, least, most), `Int32.min` for none.
    private struct Packed3: Hashable, Sendable {
        var avg = Int32.min, min = Int32.min, max = Int32.min
    }

    /// Mean opinion score of the inbound audio, 1.0 (bad) to 5.0 (excellent).
    public var mos: Double? {
        get { mosTenThousandths == .min ? nil : Double(mosTenThousandths) / 10_000 }
        set {
            mosTenThousandths =
                newValue.map { Int32(clamping: Int64(($0 * 10_000).rounded().clamped(to: -2e9...2e9))) } ?? .min
        }
    }
    public var jitterAvg: Int? {
        get { Self.unpack(jitter.avg) }
        set { jitter.avg = Self.pack(newValue) }
    }
    public var jitterMin: Int? {
        get { Self.unpack(jitter.min) }
        set { jitter.min = Self.pack(newValue) }
    }
    public var jitterMax: Int? {
        get { Self.unpack(jitter.max) }
        set { jitter.max = Self.pack(newValue) }
    }
    public var rttAvg: Int? {
        get { Self.unpack(rtt.avg) }
        set { rtt.avg = Self.pack(newValue) }
    }
    public var rttMin: Int? {
        get { Self.unpack(rtt.min) }
        set { rtt.min = Self.pack(newValue) }
    }
    public var rttMax: Int? {
        get { Self.unpack(rtt.max) }
        set { rtt.max = Self.pack(newValue) }
    }
    /// Outbound packets lost so far (`audio_out_lost`).
    public var packetsLost: Int? {
        get { lost == .min ? nil : Int(lost) }
        set { lost = newValue.map { Int64(clamping: $0) } ?? .min }
    }
    /// Seconds of audio the packet count covers: the call's duration.
    public var seconds: Int? {
        get { audioSeconds == .min ? nil : Int(audioSeconds) }
        set { audioSeconds = newValue.map { Int64(clamping: $0) } ?? .min }
    }

    private static func pack(_ value: Int?) -> Int32 {
        value.map { Int32(clamping: $0) == .min ? .min + 1 : Int32(clamping: $0) } ?? .min
    }

    private static func unpack(_ value: Int32) -> Int? { value == .min ? nil : Int(value) }

    /// Poor below this MOS.
    public static let poorMOSBelow = 3.5
    /// Poor above this share of packets lost, in percent.
    public static let poorLossPercentAbove = 2.0
    /// Packets a second at 20 ms packetization: how a count of lost packets becomes a share.
    public static let packetsPerSecond = 50

    public init(
        mos: Double? = nil, jitterAvg: Int? = nil, jitterMin: Int? = nil, jitterMax: Int? = nil, rttAvg: Int? = nil,
        rttMin: Int? = nil, rttMax: Int? = nil, packetsLost: Int? = nil, seconds: Int? = nil
    ) {
        self.mos = mos
        self.jitterAvg = jitterAvg
        self.jitterMin = jitterMin
        self.jitterMax = jitterMax
        self.rttAvg = rttAvg
        self.rttMin = rttMin
        self.rttMax = rttMax
        self.packetsLost = packetsLost
        self.seconds = seconds
    }

    // The figures by name, as the unpacked struct was written.
    enum CodingKeys: String, CodingKey {
        case mos, jitterAvg, jitterMin, jitterMax, rttAvg, rttMin, rttMax, packetsLost, seconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            mos: try c.decodeIfPresent(Double.self, forKey: .mos), jitterAvg: try c.decodeIfPresent(Int.self, forKey: .jitterAvg),
            jitterMin: try c.decodeIfPresent(Int.self, forKey: .jitterMin), jitterMax: try c.decodeIfPresent(Int.self, forKey: .jitterMax),
            rttAvg: try c.decodeIfPresent(Int.self, forKey: .rttAvg), rttMin: try c.decodeIfPresent(Int.self, forKey: .rttMin),
            rttMax: try c.decodeIfPresent(Int.self, forKey: .rttMax), packetsLost: try c.decodeIfPresent(Int.self, forKey: .packetsLost),
            seconds: try c.decodeIfPresent(Int.self, forKey: .seconds))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(mos, forKey: .mos)
        try c.encodeIfPresent(jitterAvg, forKey: .jitterAvg)
        try c.encodeIfPresent(jitterMin, forKey: .jitterMin)
        try c.encodeIfPresent(jitterMax, forKey: .jitterMax)
        try c.encodeIfPresent(rttAvg, forKey: .rttAvg)
        try c.encodeIfPresent(rttMin, forKey: .rttMin)
        try c.encodeIfPresent(rttMax, forKey: .rttMax)
        try c.encodeIfPresent(packetsLost, forKey: .packetsLost)
        try c.encodeIfPresent(seconds, forKey: .seconds)
    }

    /// True when the service reported no figure at all (Twilio, or a call not yet answered).
    public var isEmpty: Bool {
        mos == nil && jitterAvg == nil && rttAvg == nil && packetsLost == nil
    }

    /// Lost packets as a percentage of those sent (lost + received at 50 a second over the
    /// call's duration); nil without a count or a duration.
    public var lossPercent: Double? {
        guard let packetsLost, packetsLost >= 0, let seconds, seconds > 0 else { return nil }
        let sent = Double(seconds * Self.packetsPerSecond + packetsLost)
        return Double(packetsLost) / sent * 100
    }

    /// Why the call counts as poor, one phrase a reason; empty when it does not.
    public var poorReasons: [String] {
        var reasons: [String] = []
        if let mos, mos < Self.poorMOSBelow {
            reasons.append("MOS \(Self.format(mos, digits: 1)) < \(Self.format(Self.poorMOSBelow, digits: 1))")
        }
        if let loss = lossPercent, loss > Self.poorLossPercentAbove {
            reasons.append("loss \(Self.format(loss, digits: 1))% > \(Self.format(Self.poorLossPercentAbove, digits: 0))%")
        }
        return reasons
    }

    /// MOS under 3.5 or more than 2% of packets lost.
    public var isPoor: Bool { !poorReasons.isEmpty }

    static func format(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double {
        isNaN ? 0 : Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
