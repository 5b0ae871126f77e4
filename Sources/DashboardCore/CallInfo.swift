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
    public var quality: CallQuality
    // Packed: the dashboard keeps one for every call in progress (50,064 at 10,000 conferences).
    // A direction and a status as two strings and the answer time as an optional date took 48
    // bytes where these take 10: each is its place among the values this build knows, and the
    // text of one it does not know sits in a box, absent for every call the service sends today.
    /// Seconds since the reference date when answered; NaN until then.
    private var answeredAt: Double
    private var directionCode: UInt8
    private var statusCode: UInt8
    private var unknown: UnknownValues?

    /// A direction or status this build does not know, kept as the service sent it.
    private final class UnknownValues: Sendable {
        let direction: CallDirection?
        let status: CallStatus?
        init?(direction: CallDirection?, status: CallStatus?) {
            guard direction != nil || status != nil else { return nil }
            self.direction = direction
            self.status = status
        }
    }

    /// Marks a value found among none of the known ones.
    private static let unknownCode = UInt8.max

    private static func code<T: OpenEnum>(_ value: T) -> UInt8 {
        T.known.firstIndex(of: value).map { UInt8($0) } ?? unknownCode
    }

    public var direction: CallDirection {
        get { directionCode == Self.unknownCode ? unknown?.direction ?? "" : CallDirection.known[Int(directionCode)] }
        set { pack(direction: newValue, status: status) }
    }
    public var status: CallStatus {
        get { statusCode == Self.unknownCode ? unknown?.status ?? "" : CallStatus.known[Int(statusCode)] }
        set { pack(direction: direction, status: newValue) }
    }
    /// When the call was answered; nil until it is.
    public var startedAt: Date? {
        get { answeredAt.isNaN ? nil : Date(timeIntervalSinceReferenceDate: answeredAt) }
        set { answeredAt = newValue?.timeIntervalSinceReferenceDate ?? .nan }
    }

    private mutating func pack(direction: CallDirection, status: CallStatus) {
        directionCode = Self.code(direction)
        statusCode = Self.code(status)
        unknown = UnknownValues(
            direction: directionCode == Self.unknownCode ? direction : nil,
            status: statusCode == Self.unknownCode ? status : nil)
    }

    public init(
        from: String, to: String, callerName: String?, direction: CallDirection, startedAt: Date?, status: CallStatus,
        quality: CallQuality
    ) {
        self.from = from
        self.to = to
        self.callerName = callerName
        self.quality = quality
        answeredAt = startedAt?.timeIntervalSinceReferenceDate ?? .nan
        directionCode = 0
        statusCode = 0
        pack(direction: direction, status: status)
    }

    public static func == (lhs: CallInfo, rhs: CallInfo) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.callerName == rhs.callerName && lhs.quality == rhs.quality
            && lhs.startedAt == rhs.startedAt && lhs.direction == rhs.direction && lhs.status == rhs.status
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
    public func matches(_ needle: String) -> Bool { matches(CallNeedle(needle)) }

    /// The same, with the needle's digits worked out once for all the calls it is tried on.
    public func matches(_ needle: CallNeedle) -> Bool {
        withUnsafePointer(to: self) { Self.matches(at: $0, needle) }
    }

    /// The same for a call read where it lies in the calls book: one passed as a value from
    /// its storage was copied whole first, for every participant at each key typed.
    static func matches(at call: UnsafePointer<CallInfo>, _ needle: CallNeedle) -> Bool {
        if TextMatch.contains(call.pointee.from, lowercased: needle.text)
            || TextMatch.contains(call.pointee.to, lowercased: needle.text)
            || (call.pointee.callerName.map { TextMatch.contains($0, lowercased: needle.text) } ?? false)
        {
            return true
        }
        guard let digits = needle.digits, let national = needle.national else { return false }
        return Self.digits(of: call.pointee.from, contain: digits) || Self.digits(of: call.pointee.to, contain: digits)
            || Self.digits(of: call.pointee.from, contain: national)
    }

    /// `digits(text).contains(wanted)` (wanted: ASCII digits), for an ASCII text without making
    /// the string of its digits: a number typed into the filter asks it of every participant.
    static func digits(of text: String, contain wanted: String) -> Bool {
        var text = text
        var wanted = wanted
        let fast = text.withUTF8 { text -> Bool? in
            guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
            return wanted.withUTF8 { wanted -> Bool in
                guard !wanted.isEmpty else { return true }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { found in
                    var count = 0
                    for byte in text where byte >= 0x30 && byte <= 0x39 {
                        found[count] = byte
                        count += 1
                    }
                    guard wanted.count <= count else { return false }
                    for start in 0...(count - wanted.count) {
                        var at = 0
                        while at < wanted.count && found[start + at] == wanted[at] { at += 1 }
                        if at == wanted.count { return true }
                    }
                    return false
                }
            }
        }
        return fast ?? digits(text).contains(wanted)
    }

    /// The ASCII digits of `text`. An ASCII text (every number the service writes) is read as
    /// bytes: walking its characters was most of a number typed into the filter at 10,000.
    static func digits(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        }
        return String(text.filter(\.isASCII).filter(\.isNumber))
    }

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

/// A filter's text (lowercased) made ready once for every call it is tried on: its digits, when
/// it reads as a number, and those digits without a leading country code 1.
public struct CallNeedle: Sendable {
    public let text: String
    let digits: String?
    let national: String?

    public init(_ text: String) {
        self.text = text
        let found = CallInfo.digits(text)
        if !found.isEmpty, text.allSatisfy({ $0.isNumber || "+-. ()".contains($0) }) {
            digits = found
            national = CallInfo.withoutCountryCode(found)
        } else {
            digits = nil
            national = nil
        }
    }
}
