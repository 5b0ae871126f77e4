import CompatAPI
import Foundation

/// What the table's `/` filter reads of each conference, laid out as bytes ready to search: the
/// conference's name, sid, region, status and space, its participants' numbers and caller names,
/// and those numbers' digits, all lowercased, one short array a row.
///
/// Without it a key typed into the filter at 10,000 conferences read each row's strings where
/// they lie on the heap and looked each of 50,000 participants up in the calls book: some
/// 150,000 reads from memory the processor had not cached, 15–45 ms a key. Here a row's
/// text is one array, found by the row's place, and searched with `memmem`.
///
/// Built after a frame is on screen once the filter is opened (`AppState.prepareFilterIndex`),
/// kept up to date row by row as a refresh changes a few rows, and dropped when the rows are
/// replaced wholesale, the calls change, or the filter is closed and empty: it holds about
/// 350 bytes a conference, which an operator not filtering has no use for.
public struct FilterIndex: Equatable, Sendable {
    /// One conference's text. `bytes` holds, each part's fields ended by a 0:
    /// `[0, calls)` the conference's own fields; `[calls, fromDigits)` its participants' calls'
    /// numbers and caller names; `[fromDigits, toDigits)` the digits of the numbers calls came
    /// from; `[toDigits, count)` the digits of the numbers called.
    struct Row: Sendable {
        var bytes: [UInt8]
        var calls: Int32
        var fromDigits: Int32
        var toDigits: Int32
        /// What the row needs of the short columns' widths (`ConferenceContentWidths`), so that
        /// a pass of the filter reads nothing of the row itself.
        var statusWidth: UInt8
        var regionWidth: UInt8
        var participantsWidth: UInt8
        var streamsWidth: UInt8
    }

    /// By the row's place in `ConferenceRows.values`.
    var rows: [Row]

    /// A cache of what the rows say: equal whatever it holds (see `FilterSteps`).
    public static func == (lhs: FilterIndex, rhs: FilterIndex) -> Bool { true }

    init(_ table: ConferenceRows, calls: CallBook, spaceOf: [String: String]) {
        rows = table.values.withUnsafeBufferPointer { buffer in
            guard let first = buffer.baseAddress else { return [] }
            return buffer.indices.map { Self.row(at: first + $0, calls: calls, spaceOf: spaceOf) }
        }
    }

    /// The text of the row at `row` (read where it lies: see `ConferenceContentWidths.widen(at:)`).
    static func row(at row: UnsafePointer<ConferenceRow>, calls: CallBook, spaceOf: [String: String]) -> Row {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96 + row.pointee.participants.count * 64)
        append(row.pointee.conference.friendlyName, to: &bytes)
        append(row.pointee.conference.sid, to: &bytes)
        append(row.pointee.conference.region, to: &bytes)
        append(row.pointee.conference.status.rawValue, to: &bytes)
        if !spaceOf.isEmpty, let space = spaceOf[row.pointee.conference.sid] { append(space, to: &bytes) }
        let callsAt = Int32(bytes.count)
        // The calls only of a live conference, as the filter reads them (`RowFilter.shows`);
        // participants and calls read where they lie (a copy of each is a dozen references).
        var fromDigits: [UInt8] = [], toDigits: [UInt8] = []
        if row.pointee.conference.status.isLive, !calls.isEmpty {
            row.pointee.participants.withUnsafeBufferPointer { participants in
                guard let first = participants.baseAddress else { return }
                for index in participants.indices {
                    calls.withCall(ofSid: first[index].callSidKey) { call in
                        append(call.pointee.from, to: &bytes)
                        append(call.pointee.to, to: &bytes)
                        if let name = call.pointee.callerName { append(name, to: &bytes) }
                        appendDigits(call.pointee.from, to: &fromDigits)
                        appendDigits(call.pointee.to, to: &toDigits)
                    }
                }
            }
        }
        let fromDigitsAt = Int32(bytes.count)
        bytes.append(contentsOf: fromDigits)
        let toDigitsAt = Int32(bytes.count)
        bytes.append(contentsOf: toDigits)
        var widths = ConferenceContentWidths()
        widths.widen(at: row, space: nil)
        func narrow(_ width: Int) -> UInt8 { UInt8(clamping: width) }
        return Row(
            bytes: bytes, calls: callsAt, fromDigits: fromDigitsAt, toDigits: toDigitsAt,
            statusWidth: narrow(widths.status), regionWidth: narrow(widths.region),
            participantsWidth: narrow(widths.participants), streamsWidth: narrow(widths.streams))
    }

    /// `text` as the filter compares it: ASCII folded to lower case byte by byte, any other text
    /// lowercased (what `TextMatch` searches for a needle of ASCII), then a 0. Read through
    /// `withUTF8` and appended at once: byte by byte through the `utf8` view, the appends were
    /// half of building the index (108 ms at 10,000 conferences).
    private static func append(_ text: String, to bytes: inout [UInt8]) {
        // Where the text lies, without a copy of the string (nil: not contiguous UTF-8).
        let ascii = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte >= 0x80 { return false }
            let start = bytes.count
            bytes.append(contentsOf: utf8)
            bytes.withUnsafeMutableBufferPointer { all in
                for at in start..<all.count where all[at] &- 0x41 < 26 { all[at] |= 0x20 }
            }
            return true
        }
        if ascii != true {
            var lowered = text.lowercased()
            lowered.withUTF8 { bytes.append(contentsOf: $0) }
        }
        bytes.append(0)
    }

    /// The ASCII digits of a number (`CallInfo.digits`), then a 0.
    private static func appendDigits(_ text: String, to bytes: inout [UInt8]) {
        let ascii = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte >= 0x80 { return false }
            for byte in utf8 where byte &- 0x30 < 10 { bytes.append(byte) }
            return true
        }
        if ascii != true { bytes.append(contentsOf: CallInfo.digits(text).utf8) }
        bytes.append(0)
    }

    /// A needle this index can answer for: ASCII with no control characters (a field's end is
    /// a 0, which must not be found inside a needle). Other needles take `RowFilter`'s own way.
    static func answers(_ needle: CallNeedle) -> Bool {
        !needle.text.isEmpty && needle.text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 }
    }

    /// Whether the filter `needle` (which `answers`) finds the row at `place`: in its own fields,
    /// its calls' numbers and names, or as a number in its calls' digits.
    func matches(place: Int, _ needle: CallNeedle) -> Bool {
        rows.withUnsafeBufferPointer { rows in
            let row = rows.baseAddress! + place
            return row.pointee.bytes.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress else { return false }
                if Self.find(needle.text, in: base, from: 0, to: Int(row.pointee.fromDigits)) { return true }
                guard let digits = needle.digits, let national = needle.national else { return false }
                return Self.find(digits, in: base, from: Int(row.pointee.fromDigits), to: bytes.count)
                    || Self.find(national, in: base, from: Int(row.pointee.fromDigits), to: Int(row.pointee.toDigits))
            }
        }
    }

    /// Widens `widths` for the row at `place` as `ConferenceContentWidths.widen(at:space:)`
    /// does with no space.
    func widen(_ widths: inout ConferenceContentWidths, place: Int) {
        rows.withUnsafeBufferPointer { rows in
            let row = rows.baseAddress! + place
            widths.status = max(widths.status, Int(row.pointee.statusWidth))
            widths.region = max(widths.region, Int(row.pointee.regionWidth))
            widths.participants = max(widths.participants, Int(row.pointee.participantsWidth))
            widths.streams = max(widths.streams, Int(row.pointee.streamsWidth))
        }
    }

    private static func find(_ needle: String, in bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard end > start else { return false }
        var needle = needle
        return needle.withUTF8 { wanted in
            guard let wantedBase = wanted.baseAddress, !wanted.isEmpty else { return true }
            // Each place the first byte is found (libc's memchr: many bytes a step), then the rest.
            let first = Int32(wanted[0]), last = end - wanted.count
            var at = start
            while at <= last {
                guard let found = memchr(bytes + at, first, last - at + 1) else { return false }
                let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
                if memcmp(position, wantedBase, wanted.count) == 0 { return true }
                at = position - bytes + 1
            }
            return false
        }
    }
}

/// The index as the state holds it: none while it is being built (off the main loop, so that no
/// key waits the 100 ms or so it takes at 10,000 conferences), and the build it waits for.
struct FilterIndexCache: Equatable, Sendable {
    var index: FilterIndex?
    /// Moves on whenever the rows, calls or spaces change wholesale: an index built from older
    /// ones is not taken.
    var generation = 0
    /// Rows changed in place (a refresh's few) since the index being built was asked for: put
    /// right in it when it comes.
    var changedSince: Set<String> = []

    static func == (lhs: FilterIndexCache, rhs: FilterIndexCache) -> Bool { true }

    mutating func invalidate() {
        index = nil
        generation += 1
        changedSince = []
    }
}

/// What to build an index from, handed off the main loop.
public struct FilterIndexJob: Sendable {
    let rows: ConferenceRows
    let calls: CallBook
    let spaceOf: [String: String]
    public let generation: Int

    public func build() -> FilterIndexBuilt {
        FilterIndexBuilt(index: FilterIndex(rows, calls: calls, spaceOf: spaceOf), generation: generation)
    }
}

/// A built index, for the generation of rows it was built from.
public struct FilterIndexBuilt: Sendable {
    let index: FilterIndex
    let generation: Int
}
