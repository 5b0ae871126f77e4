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
    /// Mean opinion score of the inbound audio, 1.0 (bad) to 5.0 (excellent).
    public var mos: Double?
    public var jitterAvg: Int?
    public var jitterMin: Int?
    public var jitterMax: Int?
    public var rttAvg: Int?
    public var rttMin: Int?
    public var rttMax: Int?
    /// Outbound packets lost so far (`audio_out_lost`).
    public var packetsLost: Int?
    /// Seconds of audio the packet count covers: the call's duration.
    public var seconds: Int?

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
