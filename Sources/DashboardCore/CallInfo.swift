import CompatAPI
import Foundation

/// What the participants pane shows of a participant's call: who is on it, which way it came,
/// since when, and how it sounds. Read from the account's in-progress calls (one paged listing
/// per poll), kept by call sid; only these fields, not the whole Call resource, so that tens of
/// thousands of participants cost little.
public struct CallInfo: Equatable, Sendable {
    /// The caller's number (or SIP address) as the service formats it.
    public var from: String
    /// The number (or SIP address) called, as the service formats it.
    public var to: String
    /// CNAM, when the service knows it.
    public var callerName: String?
    public var direction: CallDirection
    /// When the call was answered; nil until it is.
    public var startedAt: Date?
    public var status: CallStatus
    public var quality: CallQuality

    public init(
        from: String, to: String, callerName: String?, direction: CallDirection, startedAt: Date?, status: CallStatus,
        quality: CallQuality
    ) {
        self.from = from
        self.to = to
        self.callerName = callerName
        self.direction = direction
        self.startedAt = startedAt
        self.status = status
        self.quality = quality
    }

    public init(_ call: Call) {
        self.init(
            from: Self.shown(call.fromFormatted, raw: call.from), to: Self.shown(call.toFormatted, raw: call.to),
            callerName: call.callerName.flatMap { $0.isEmpty ? nil : $0 }, direction: call.direction,
            startedAt: call.startTime?.date, status: call.status, quality: call.quality)
    }

    /// A call as the calls-in-progress listing reads it.
    public init(_ call: ListedCall) {
        self.init(
            from: Self.shown(call.fromFormatted, raw: call.from), to: Self.shown(call.toFormatted, raw: call.to),
            callerName: call.callerName.flatMap { $0.isEmpty ? nil : $0 }, direction: call.direction,
            startedAt: call.startTime?.date, status: call.status, quality: call.quality)
    }

    /// The formatted number, or the raw one when the service formatted none.
    static func shown(_ formatted: String, raw: String) -> String {
        formatted.isEmpty ? raw : formatted
    }

    /// "in" or "out": which way the call came, in a column three cells wide.
    public var directionWord: String { direction.isInbound ? "in" : "out" }

    /// Who the participant is, in one cell: the caller's name and number for a call that came
    /// in, the number called for one the application placed (the caller is the account's own
    /// number then, the same on every outbound call).
    public var who: String {
        let number = direction.isInbound ? from : to
        guard let callerName, direction.isInbound else { return number }
        return "\(callerName) \(number)"
    }

    /// Whether `needle` (lowercased) is in the call's numbers or caller name. A needle of digits
    /// (with `+`, spaces, dashes, dots or brackets) matches the digits of a number however either
    /// is written: `/+1555` finds "(555) 010-0100" called from +15550100100.
    public func matches(_ needle: String) -> Bool {
        if from.lowercased().contains(needle) || to.lowercased().contains(needle)
            || (callerName?.lowercased().contains(needle) ?? false)
        {
            return true
        }
        let digits = Self.digits(needle)
        guard !digits.isEmpty, needle.allSatisfy({ $0.isNumber || "+-. ()".contains($0) }) else { return false }
        return Self.digits(from).contains(digits) || Self.digits(to).contains(digits)
            || Self.digits(from).contains(Self.withoutCountryCode(digits))
    }

    static func digits(_ text: String) -> String { String(text.filter(\.isASCII).filter(\.isNumber)) }

    /// "1555…" typed as +1 555 matches a national format "(555) …" too.
    static func withoutCountryCode(_ digits: String) -> String {
        digits.count > 1 && digits.hasPrefix("1") ? String(digits.dropFirst()) : digits
    }

    /// The call's quality in a few cells: MOS and loss, "poor" first when under the thresholds
    /// (`CallQuality.poorMOSBelow`, `poorLossPercentAbove`); "-" when the service reports none.
    public var qualityText: String {
        guard !quality.isEmpty else { return "-" }
        var parts: [String] = []
        if let mos = quality.mos { parts.append(String(format: "%.1f", mos)) }
        if let loss = quality.lossPercent { parts.append(String(format: "%.1f%%", loss)) }
        if parts.isEmpty { return "-" }
        return (quality.isPoor ? "poor " : "") + parts.joined(separator: " ")
    }

    /// Every figure, for the line under the participants pane: "MOS 4.3 · jitter 12 ms · …".
    public var qualityDetail: String {
        var parts: [String] = []
        if let mos = quality.mos { parts.append("MOS \(String(format: "%.1f", mos))") }
        if let jitter = quality.jitterAvg { parts.append("jitter \(jitter) ms") }
        if let rtt = quality.rttAvg { parts.append("RTT \(rtt) ms") }
        if let loss = quality.lossPercent { parts.append("loss \(String(format: "%.1f", loss))%") }
        if parts.isEmpty { return "no quality figures" }
        let reasons = quality.poorReasons
        return parts.joined(separator: " \u{00B7} ") + (reasons.isEmpty ? "" : "  POOR: " + reasons.joined(separator: ", "))
    }
}
