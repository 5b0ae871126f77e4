import Foundation
import Testing

@testable import CompatAPI

/// A service date keeps no string when its text is what `format` writes: `raw` must then give
/// back exactly the text the service sent, and `format` must say what a UTC calendar says.
struct ServiceDateTests {
    @Test func formatAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var seconds: Int64 = -2_208_988_800  // 1900
        var step: Int64 = 1
        while seconds < 4_102_444_800 {  // 2100
            for fraction in [0.0, 0.75] {
                let date = Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
                let expected = String(
                    format: "%@, %02d %@ %d %02d:%02d:%02d +0000", weekdays[c.weekday! - 1], c.day!, months[c.month! - 1],
                    c.year!, c.hour!, c.minute!, c.second!)
                #expect(ServiceDate.format(date) == expected, "\(date)")
                if ServiceDate.format(date) != expected { return }
            }
            step = step * 7 % 1_000_003 + 86_399
            seconds += step
        }
    }

    @Test func rawGivesBackWhatTheServiceSent() {
        for text in [
            "Tue, 25 Sep 2018 20:00:00 +0000",  // the service's own form: kept without its string
            "Tue, 25 Sep 2018 22:00:00 +0200",  // another zone: the text is kept
            "25 Sep 2018 20:00 GMT",  // lenient forms: the text is kept
            "not a date", "",
        ] {
            let date = ServiceDate(raw: text)
            #expect(date.raw == text)
            #expect(date.description == text)
            #expect(ServiceDate(raw: date.raw) == date)
        }
        #expect(ServiceDate(raw: "Tue, 25 Sep 2018 22:00:00 +0200").date == ServiceDate(raw: "Tue, 25 Sep 2018 20:00:00 +0000").date)
        #expect(ServiceDate(raw: "not a date").date == nil)
        // A date made from a Date reads back equal, and its text is the service's form.
        let made = ServiceDate(Date(timeIntervalSince1970: 1_537_905_600.4))
        #expect(made.raw == "Tue, 25 Sep 2018 20:00:00 +0000")
        #expect(made == ServiceDate(raw: made.raw))
    }
}
