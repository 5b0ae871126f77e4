import Testing

@testable import TerminalUI

/// The key-to-frame figures the session log reports (and the benchmarks read) from a histogram
/// of fixed size: within half a percent of the exact ones, the largest exact.
@Suite struct LatencyHistogramTests {
    @Test func percentilesAreWithinHalfAPercentAndTheLargestIsExact() throws {
        var histogram = LatencyHistogram()
        #expect(histogram.percentile(0.5) == nil)
        #expect(histogram.max == nil)
        // 1 ms to 1000 ms in steps of 1 ms, in a shuffled order.
        var values = Array(1...1000)
        var seed: UInt64 = 7
        for i in values.indices.reversed() {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.swapAt(i, Int(seed >> 33) % (i + 1))
        }
        for ms in values { histogram.append(.milliseconds(ms)) }
        #expect(histogram.count == 1000)
        #expect(histogram.max == 1000)
        let p50 = try #require(histogram.percentile(0.5))
        let p99 = try #require(histogram.percentile(0.99))
        #expect(abs(p50 - 501) / 501 < 0.005, "p50 \(p50)")
        #expect(abs(p99 - 991) / 991 < 0.005, "p99 \(p99)")
    }

    @Test func tinyAndHugeTimesLandInTheEndBuckets() {
        var histogram = LatencyHistogram()
        histogram.append(.nanoseconds(10))
        #expect(histogram.percentile(0.5) == LatencyHistogram.smallest)
        histogram.append(.seconds(3600))
        #expect(histogram.max == 3_600_000)
        #expect(histogram.percentile(0.99) ?? 0 <= 3_600_000)
        #expect(histogram.count == 2)
    }
}
