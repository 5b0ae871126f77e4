import Foundation
import Testing

@testable import CompatAPI

/// A call's quality is packed (one is kept for every call in progress): every figure the service
/// sends reads back as sent, nil stays nil, and the packing is a third of nine optionals.
struct CallQualityPackingTests {
    @Test func everyFigureReadsBackAsSent() throws {
        let full = CallQuality(
            mos: 4.37, jitterAvg: 12, jitterMin: 0, jitterMax: 2_000_000, rttAvg: 83, rttMin: -5, rttMax: 124,
            packetsLost: 9_000_000_000, seconds: 86_400 * 30)
        #expect(full.mos == 4.37)
        #expect(full.jitterAvg == 12 && full.jitterMin == 0 && full.jitterMax == 2_000_000)
        #expect(full.rttAvg == 83 && full.rttMin == -5 && full.rttMax == 124)
        #expect(full.packetsLost == 9_000_000_000 && full.seconds == 86_400 * 30)
        let empty = CallQuality()
        #expect(empty.mos == nil && empty.jitterAvg == nil && empty.rttMax == nil && empty.packetsLost == nil && empty.seconds == nil)
        #expect(empty.isEmpty && !full.isEmpty)
        for mos in stride(from: 1.0, through: 5.0, by: 0.01) {
            #expect(CallQuality(mos: (mos * 100).rounded() / 100).mos == (mos * 100).rounded() / 100)
        }
        // Beyond what the packing holds: clamped, never wrapped into another figure or into nil.
        #expect(CallQuality(jitterAvg: Int(Int32.max) + 10).jitterAvg == Int(Int32.max))
        #expect(CallQuality(rttMin: Int(Int32.min)).rttMin == Int(Int32.min) + 1)
        #expect(MemoryLayout<CallQuality>.size <= 48)
        let decoded = try JSONDecoder().decode(CallQuality.self, from: try JSONEncoder().encode(full))
        #expect(decoded == full)
        #expect(try JSONDecoder().decode(CallQuality.self, from: Data("{}".utf8)) == empty)
    }
}
