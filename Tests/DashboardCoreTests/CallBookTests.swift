import CompatAPI
import Foundation
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

    /// Thousands of adds, replacements and removals over a few hundred sids (UUIDs and other
    /// text), in an order fixed by a seed, through growth and the shifts removals make in the
    /// table: after each, the book answers as a dictionary does.
    @Test func aLongWalkAnswersAsADictionary() {
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let sids = (0..<300).map { i in
            i % 3 == 0 ? "CA-\(i)" : String(format: "%08x-0000-4000-8000-%012x", i * 7919, i)
        }
        var book = CallBook()
        var reference: [String: CallInfo] = [:]
        for step in 0..<4000 {
            let sid = sids[next(sids.count)]
            let info = next(3) == 0 ? nil : Self.call("caller \(step)")
            book[sid] = info
            reference[sid] = info
            #expect(book.count == reference.count)
            if step % 97 == 0 || step == 3999 {
                for probe in sids { #expect(book[probe] == reference[probe], "step \(step), \(probe)") }
                #expect(Set(book.keys) == Set(reference.keys))
            }
        }
        // Emptied one by one, every lookup still right as the table thins out.
        for (index, sid) in sids.shuffled().enumerated() {
            book[sid] = nil
            reference[sid] = nil
            #expect(book.count == reference.count)
            if index % 25 == 0 {
                for probe in sids { #expect(book[probe] == reference[probe], "emptying, \(probe)") }
            }
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

    /// A call keeps its direction and status as places among the known values: every known one,
    /// and one this build does not know, reads back as the service sent it, and so does the time
    /// it was answered (or none).
    @Test func aCallReadsBackEveryDirectionStatusAndTimeAsGiven() {
        let answered = Date(timeIntervalSinceReferenceDate: 812_345_678.25)
        for direction in CallDirection.known + ["trunking-beta", ""] {
            for status in CallStatus.known + ["on-the-moon"] {
                for startedAt in [nil, answered] {
                    let info = CallInfo(
                        from: "+15550100", to: "+15550199", callerName: nil, direction: direction, startedAt: startedAt,
                        status: status, quality: CallQuality())
                    #expect(info.direction == direction && info.status == status && info.startedAt == startedAt)
                }
            }
        }
        var call = Self.call("Ann")
        let before = call
        call.status = "on-the-moon"
        #expect(call != before && call.status.rawValue == "on-the-moon" && call.direction == .inbound)
        call.status = before.status
        #expect(call == before)
        call.startedAt = answered
        #expect(call != before && call.startedAt == answered)
    }
}
