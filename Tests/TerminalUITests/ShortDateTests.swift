import CompatAPI
import Foundation
import Testing

@testable import TerminalUI

/// The table's CREATED column is worked out by arithmetic on the timestamp: it must say what a
/// UTC calendar says, across month ends, leap days, centuries and dates before 1970.
struct ShortDateTests {
    @Test func theCreatedColumnAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        var step: Int64 = 1
        while seconds < 4_102_444_800 {  // 2100-01-01
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let c = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
            let expected = String(format: "%02d-%02d %02d:%02d", c.month!, c.day!, c.hour!, c.minute!)
            #expect(DashboardView.shortDate(ServiceDate(date)) == expected, "\(date)")
            if DashboardView.shortDate(ServiceDate(date)) != expected { return }
            // Uneven strides land on every hour, day and month boundary sooner or later.
            step = step * 7 % 1_000_003 + 86_399
            seconds += step
        }
        #expect(DashboardView.shortDate(ServiceDate(raw: "not a date")) == "?")
        #expect(DashboardView.shortDate(ServiceDate(raw: "Sat, 29 Feb 2028 23:59:59 +0000")) == "02-29 23:59")
    }
}
