/// Every row's rank under each column of text (name, status, region, space), by place in
/// `ConferenceRows.values`: a sort by one of them then compares numbers, with no text
/// lowercased or compared. Sorting 10,000 names for their ranks took 10–15 ms, most of a key
/// of `s` the first time it came to that column.
///
/// Worked out off the main loop once the first refresh is whole (`SortRanksJob`), again after
/// the rows change wholesale, and kept up to date row by row as a refresh changes a few rows'
/// texts (`move`): ranks only order, so a changed text takes a rank between its new
/// neighbours'. Ranks among every row, not only the shown ones, order the shown ones the same,
/// so a filter keeps them. About 120 KB a column at 10,000 conferences.
struct SortRanks: Equatable, Sendable {
    /// One column's ranks: equal texts, equal ranks; a lesser text, a lesser rank.
    struct Column: Sendable {
        /// Each row's rank, by place.
        var ranks: [Double]
        /// The places in rank order, to find a changed text's neighbours.
        var order: [Int32]
    }

    var columns: [SortColumn: Column] = [:]
    /// Moves on whenever the ranks are dropped or a row's text changes: ranks worked out from
    /// older rows are not taken.
    var generation = 0

    /// A cache: two states showing the same rows are equal whatever each has worked out.
    static func == (lhs: SortRanks, rhs: SortRanks) -> Bool { true }

    mutating func invalidate() {
        if !columns.isEmpty { columns = [:] }
        generation += 1
    }

    /// The text a row sorts by under `column`, as the table compares it (nil: not a column of
    /// text). One function for the ranks, the full sort and the binary search that puts a
    /// changed row back, so they can never disagree on the order.
    static func text(_ column: SortColumn, of row: borrowing ConferenceRow, spaceOf: [String: String]) -> String? {
        switch column {
        case .created, .participants, .streams: nil
        // Names in any case together; by lowercased text, not the locale's collation, which
        // cost microseconds a comparison (a sort of 10,000 by name took 600 ms).
        case .name: row.conference.friendlyName.lowercased()
        case .status: row.conference.status.rawValue
        case .region: row.conference.region
        case .space: spaceOf[row.conference.sid] ?? ""
        }
    }

    /// The ranks of every row of `rows` under `column` (a column of text).
    static func column(_ column: SortColumn, of rows: ConferenceRows, spaceOf: [String: String]) -> Column? {
        var texts: [String] = []
        texts.reserveCapacity(rows.count)
        rows.values.withUnsafeBufferPointer { buffer in
            guard let all = buffer.baseAddress else { return }
            for index in buffer.indices {
                guard let text = Self.text(column, of: all[index], spaceOf: spaceOf) else { return }
                texts.append(text)
            }
        }
        guard texts.count == rows.count else { return nil }
        return texts.withUnsafeBufferPointer { texts in
            var order = Array(0..<Int32(texts.count))
            order.sort { texts[Int($0)] < texts[Int($1)] }
            var ranks = [Double](repeating: 0, count: texts.count)
            var rank = 0.0
            for (at, place) in order.enumerated() {
                if at > 0 && texts[Int(place)] != texts[Int(order[at - 1])] { rank += 1 }
                ranks[Int(place)] = rank
            }
            return Column(ranks: ranks, order: order)
        }
    }
}

extension SortRanks.Column {
    /// Gives the row at `place`, whose text is now `text`, the rank of its new place among the
    /// others' (`textAt` reads another row's text). False when no rank fits between its new
    /// neighbours' (after many changes in one spot): the column must be worked out again.
    mutating func move(place: Int32, to text: String, textAt: (Int32) -> String) -> Bool {
        // Out of the order: among the rows of its old rank, found by halving.
        let old = ranks[Int(place)]
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if ranks[Int(order[middle])] < old { low = middle + 1 } else { high = middle }
        }
        guard let at = order[low...].prefix(while: { ranks[Int($0)] == old }).firstIndex(of: place) else { return false }
        order.remove(at: at)
        // Into the order after every text not past it.
        low = 0
        high = order.count
        while low < high {
            let middle = (low + high) / 2
            if textAt(order[middle]) <= text { low = middle + 1 } else { high = middle }
        }
        if low > 0, textAt(order[low - 1]) == text {
            ranks[Int(place)] = ranks[Int(order[low - 1])]
        } else {
            let above = low < order.count ? ranks[Int(order[low])] : (low > 0 ? ranks[Int(order[low - 1])] + 2 : 0)
            let below = low > 0 ? ranks[Int(order[low - 1])] : above - 2
            let rank = (below + above) / 2
            guard rank > below, rank < above else { return false }
            ranks[Int(place)] = rank
        }
        order.insert(place, at: low)
        return true
    }
}

/// What to work the ranks out from, handed off the main loop.
public struct SortRanksJob: Sendable {
    let rows: ConferenceRows
    let spaceOf: [String: String]
    let columns: [SortColumn]
    public let generation: Int

    public func build() -> SortRanksBuilt {
        var built: [SortColumn: SortRanks.Column] = [:]
        for column in columns { built[column] = SortRanks.column(column, of: rows, spaceOf: spaceOf) }
        return SortRanksBuilt(columns: built, generation: generation)
    }
}

/// Ranks worked out from the generation of rows they were built from.
public struct SortRanksBuilt: Equatable, Sendable {
    let columns: [SortColumn: SortRanks.Column]
    let generation: Int

    public static func == (lhs: SortRanksBuilt, rhs: SortRanksBuilt) -> Bool { lhs.generation == rhs.generation }
}
