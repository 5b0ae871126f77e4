import DashboardCore
import Testing

/// RFC 4180: what is quoted, how quotes are escaped, how records end.
struct CSVTests {
    @Test func plainFieldsAreLeftAsTheyAre() {
        #expect(CSV.record(["CF1", "in-progress", "3", "2026-12-02T14:14:00Z", ""]) == "CF1,in-progress,3,2026-12-02T14:14:00Z,\r\n")
    }

    @Test func commasQuotesAndLineBreaksAreQuoted() {
        #expect(CSV.field("Acme, Inc.") == "\"Acme, Inc.\"")
        #expect(CSV.field("the \"war room\"") == "\"the \"\"war room\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("crlf\r\nhere") == "\"crlf\r\nhere\"")
        #expect(CSV.field("東京 standup 🚑") == "東京 standup 🚑")
        #expect(CSV.field(" padded ") == " padded ")
    }

    @Test func aTableIsAHeaderThenARecordPerRow() {
        let text = CSV.text(header: ["sid", "name"], rows: [["a", "x,y"], ["b", ""]])
        #expect(text == "sid,name\r\na,\"x,y\"\r\nb,\r\n")
        #expect(CSV.text(header: ["sid"], rows: []) == "sid\r\n")
    }
}
