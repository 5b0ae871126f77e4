import CompatAPI
import DashboardCore
import Testing

/// The calls in progress by sid, as a dense array with a table of places: every lookup,
/// replacement and removal must answer as a dictionary would.
struct CallBookTests {
    static func call(_ name: String) -> CallInfo {
        CallInfo(
            from: "+1555000\(name.count)", to: "+15559990000", callerName: name, direction: "inbound", startedAt: nil,
            status: "in-progress", quality: CallQuality())
    }

    @Test func answersAsADictionaryThroughAddsReplacementsAndRemovals() {
        var book = CallBook()
        var reference: [String: CallInfo] = [:]
        // A fixed walk of adds, replacements and removals (the first, a middle and the last
        // place), checked against a dictionary after every step.
        let steps: [(String, String?)] = [
            ("CA1", "Ann"), ("CA2", "Bo"), ("CA3", "Cy"), ("CA4", "Di"), ("CA2", "Bob"), ("CA1", nil),
            ("CA5", "Ed"), ("CA5", nil), ("CA3", nil), ("CA9", nil), ("CA6", "Flo"), ("CA4", nil), ("CA2", nil),
            ("CA6", nil),
        ]
        for (sid, name) in steps {
            book[sid] = name.map(Self.call)
            reference[sid] = name.map(Self.call)
            #expect(book.count == reference.count)
            for probe in ["CA1", "CA2", "CA3", "CA4", "CA5", "CA6", "CA9"] {
                #expect(book[probe] == reference[probe], "after \(sid) = \(name ?? "nil"), \(probe)")
            }
            #expect(Set(book.keys) == Set(reference.keys))
        }
        #expect(book.isEmpty)
    }

    @Test func equalWhateverTheOrderTheCallsWereLearnedIn() {
        let forwards: CallBook = ["CA1": Self.call("Ann"), "CA2": Self.call("Bo")]
        var backwards = CallBook()
        backwards["CA2"] = Self.call("Bo")
        backwards["CA1"] = Self.call("Ann")
        #expect(forwards == backwards)
        backwards["CA1"] = Self.call("Anne")
        #expect(forwards != backwards)
        backwards["CA1"] = nil
        #expect(forwards != backwards)
    }

    @Test func mergingKeepsTheFirstBooksCallWhereBothKnowTheSid() {
        let alpha: CallBook = ["CA1": Self.call("Alpha's"), "CA2": Self.call("Bo")]
        let bravo: CallBook = ["CA1": Self.call("Bravo's"), "CA3": Self.call("Cy")]
        let merged = alpha.merging(bravo)
        #expect(merged.count == 3)
        #expect(merged["CA1"]?.callerName == "Alpha's")
        #expect(merged["CA3"]?.callerName == "Cy")
    }
}
