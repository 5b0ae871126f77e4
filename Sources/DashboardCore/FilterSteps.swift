/// The conferences table as it stood under one filter: its rows in display order and the widths
/// they need.
struct FilterStep: Sendable {
    var filter: String
    /// Each row's place in `ConferenceRows.values`.
    var places: [Int32]
    var widths: ConferenceContentWidths
}

/// The tables of the shorter filters typed on the way to the one in force ("", "r", "ro" under
/// "roo"), so that a backspace or Esc puts a table back instead of checking all 10,000 rows and
/// their calls again, and sorting them.
///
/// A cache, not state: it holds only tables still true of the rows, the calls and the toggles
/// (AppState drops it when any of them changes for more than a few rows, and keeps it up to
/// date for those few), and it never decides what is shown, so two states that differ only in
/// it are the same state.
struct FilterSteps: Equatable, Sendable {
    /// At most this many tables (10,000 places each at most, 40 kB): the first one (usually no
    /// filter, where Esc goes) and the latest.
    static let most = 8

    var steps: [FilterStep] = []

    static func == (lhs: FilterSteps, rhs: FilterSteps) -> Bool { true }

    mutating func clear() {
        if !steps.isEmpty { steps = [] }
    }

    /// Keeps the table of `step`, the filter just left for a longer one.
    mutating func keep(_ step: FilterStep) {
        // Past the most, the second oldest goes: the first is the way back out.
        if steps.count >= Self.most { steps.remove(at: 1) }
        steps.append(step)
    }

    /// The table kept for `filter`, taken out with every table kept after it (they were longer
    /// filters on the way from it); nil when none was kept.
    mutating func takeBack(_ filter: String) -> FilterStep? {
        guard let index = steps.lastIndex(where: { $0.filter == filter }) else { return nil }
        let step = steps[index]
        steps.removeSubrange(index...)
        return step
    }
}
