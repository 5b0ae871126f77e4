import CompatAPI
import DashboardCore
import DashboardTestSupport
import Foundation
import Testing

/// Every conference row by sid, as a dense array with a table of places (`PlaceIndex`, which the
/// calls book shares): every lookup, replacement and removal must answer as a dictionary would.
struct ConferenceRowsTests {
    static func row(_ sid: String, _ name: String, streams: Int = 0) -> ConferenceRow {
        ConferenceRow(conference: Fixtures.conference(sid, name), streamCount: streams)
    }

    /// Thousands of adds, replacements and removals over a few hundred sids, in an order fixed by
    /// a seed, through growth and the shifts removals make in the table: after each, the rows
    /// answer as a dictionary does, and iterate over exactly its values.
    @Test func aLongWalkAnswersAsADictionary() {
        var seed: UInt64 = 0xC0FFEE
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let sids = (0..<300).map { String(format: "CF%032x", $0 &* 0x9E37_79B9) }
        var rows = ConferenceRows()
        var reference: [String: ConferenceRow] = [:]
        for step in 0..<4000 {
            let sid = sids[next(sids.count)]
            let row = next(3) == 0 ? nil : Self.row(sid, "Bridge \(step)")
            if row == nil && next(2) == 0 {
                #expect(rows.removeValue(forKey: sid) == reference.removeValue(forKey: sid))
            } else {
                rows[sid] = row
                reference[sid] = row
            }
            #expect(rows.count == reference.count)
            if step % 97 == 0 || step == 3999 {
                for probe in sids { #expect(rows[probe] == reference[probe], "step \(step), \(probe)") }
                #expect(Set(rows.keys) == Set(reference.keys))
                #expect(Set(rows.map(\.conference.friendlyName)) == Set(reference.values.map(\.conference.friendlyName)))
            }
        }
        for (index, sid) in sids.enumerated().reversed() {
            rows[sid] = nil
            reference[sid] = nil
            #expect(rows.count == reference.count)
            if index % 25 == 0 {
                for probe in sids { #expect(rows[probe] == reference[probe], "emptying, \(probe)") }
            }
        }
        #expect(rows.isEmpty)
    }

    @Test func equalWhateverTheOrderTheRowsArrivedIn() {
        let forwards: ConferenceRows = ["CF1": Self.row("CF1", "A"), "CF2": Self.row("CF2", "B")]
        var backwards = ConferenceRows()
        backwards["CF2"] = Self.row("CF2", "B")
        backwards["CF1"] = Self.row("CF1", "A")
        #expect(forwards == backwards)
        backwards["CF1"] = Self.row("CF1", "A", streams: 1)
        #expect(forwards != backwards)
        backwards["CF1"] = nil
        #expect(forwards != backwards)
    }

    @Test func updateEachChangesEveryRowInPlaceAndKeepsThemFound() {
        var rows = ConferenceRows((0..<50).map { Self.row("CF\($0)", "Bridge \($0)") })
        rows.updateEach { $0.streamCount = Int($0.id.dropFirst(2))! % 3 }
        for n in 0..<50 { #expect(rows["CF\(n)"]?.streamCount == n % 3) }
        let kept = ConferenceRows(rows.values.filter { $0.streamCount == 0 })
        #expect(kept.count == 17)
        #expect(kept["CF3"] != nil && kept["CF4"] == nil)
    }
}
