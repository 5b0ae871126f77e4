import Foundation

/// A date as the service writes it (RFC 2822). The raw text is always there; `date` is nil when
/// the text cannot be read, so a malformed date never fails a page.
///
/// A text that is exactly what `format` writes for its date (the service's own dates always are)
/// is not kept as a string: `raw` writes it again when asked. Two dates per participant and per
/// conference were a heap string each, a tenth of what a dashboard held at 10,000 conferences.
///
/// Sixteen bytes: the date as the bits of its `timeIntervalSinceReferenceDate` (exactly the Date
/// it was made from), and the rare text kept in a box of its own. As a `Date?` beside a `String?`
/// it took 32, and a dashboard keeps two per participant and per conference, several times over.
public struct ServiceDate: Codable, Hashable, Sendable, CustomStringConvertible {
    /// `Date.timeIntervalSinceReferenceDate.bitPattern`, or `noDate`.
    private let bits: UInt64
    /// The text when `format(date)` would not give it back; nil when it would.
    private let text: Text?

    /// A NaN no parse or clock gives: the text could not be read as a date.
    private static let noDate = UInt64.max

    /// Boxed: one pointer in every date, a string only in the few that need one.
    private final class Text: Hashable, Sendable {
        let value: String
        init(_ value: String) { self.value = value }
        static func == (lhs: Text, rhs: Text) -> Bool { lhs.value == rhs.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    public var date: Date? {
        bits == Self.noDate ? nil : Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
    }

    /// The text as the service sent it.
    public var raw: String { text?.value ?? date.map(Self.format) ?? "" }

    public init(raw: String) {
        let date = ServiceDate.parse(raw)
        self.bits = date?.timeIntervalSinceReferenceDate.bitPattern ?? Self.noDate
        self.text = date.map(Self.format) == raw ? nil : Text(raw)
    }

    public init(_ date: Date) {
        // Whole seconds, as the service's text holds them: the same date read back is equal.
        let whole = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        self.bits = whole.timeIntervalSinceReferenceDate.bitPattern
        self.text = nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(raw: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }

    public var description: String { raw }

    /// `Tue, 25 Sep 2018 20:00:00 +0000`, in GMT, as the service sends it.
    public static func format(_ date: Date) -> String {
        // Arithmetic, not a Calendar: `raw` of a date kept without its text writes it again.
        let (days, secondOfDay) = utcDayAndSecond(date)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday.
        let weekday = weekdayNames[((days % 7) + 11) % 7]
        return "\(weekday), \(pad(day)) \(monthNames[month - 1]) \(year) \(pad(secondOfDay / 3600)):"
            + "\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60)) +0000"
    }

    /// The day counted from 1970-01-01 (UTC) that holds `date`, and the whole second of that day.
    public static func utcDayAndSecond(_ date: Date) -> (days: Int, secondOfDay: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return (days, seconds - days * 86_400)
    }

    /// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01 (Howard
    /// Hinnant's `civil_from_days`), the inverse of `daysSinceEpoch`.
    public static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Reads RFC 2822 leniently: optional weekday, month names of any length (`Sept`), one- or
    /// two-digit days, optional seconds, numeric offsets or `GMT`/`UTC`/`Z`, two-digit years.
    public static func parse(_ text: String) -> Date? {
        // Split on the UTF-8 bytes: splitting the String walks grapheme clusters, which made
        // tokenising cost more than the rest of the parse. Separators are ASCII either way.
        var tokens = text.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 }).map { Substring($0) }
        guard !tokens.isEmpty else { return nil }
        if let first = tokens.first, first.first?.isLetter == true, monthIndex(first) == nil {
            tokens.removeFirst()  // weekday
        }
        guard tokens.count >= 4 else { return nil }
        var day: Int?
        var month: Int?
        // Accept both "25 Sep 2018" and "Sep 25 2018".
        if let d = Int(tokens[0]), let m = monthIndex(tokens[1]) {
            day = d
            month = m
        } else if let m = monthIndex(tokens[0]), let d = Int(tokens[1]) {
            day = d
            month = m
        }
        guard let day, let month, (1...31).contains(day), var year = Int(tokens[2]) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        let timeParts = tokens[3].utf8.split(separator: 0x3A).map { Int(Substring($0)) }
        guard timeParts.count >= 2, timeParts.allSatisfy({ $0 != nil }) else { return nil }
        let hour = timeParts[0]!, minute = timeParts[1]!
        let second = timeParts.count > 2 ? timeParts[2]! : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var offsetSeconds = 0
        if tokens.count > 4 {
            let zone = tokens[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
                offsetSeconds = ((value / 100) * 3600 + (value % 100) * 60) * (sign == "-" ? -1 : 1)
            } else if let named = namedZones[zone.uppercased()] {
                offsetSeconds = named * 3600
            }
        }
        // Arithmetic, not a Calendar: every poll parses two dates per conference and participant,
        // and building a Calendar for each was a tenth of the dashboard's idle CPU.
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days from 1970-01-01 to a date in the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`). A day past the month's end rolls into the next month, as a lenient
    /// Calendar does (the parser has already refused days above 31).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let namedZones: [String: Int] = [
        "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
        "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    ]

    private static let lowercasedMonthNames = monthNames.map { $0.lowercased() }

    private static func monthIndex(_ token: Substring) -> Int? {
        guard token.count >= 3 else { return nil }
        let key = token.prefix(3).lowercased()
        return lowercasedMonthNames.firstIndex(of: key).map { $0 + 1 }
    }

    private static func pad(_ value: Int?) -> String {
        let v = value ?? 0
        return v < 10 ? "0\(v)" : "\(v)"
    }
}
