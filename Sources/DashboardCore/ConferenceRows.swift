import CompatAPI

/// Every conference row, by conference sid: the dashboard's one table of what it shows.
///
/// The rows sit in an array of exactly their number, each found by its sid through a
/// `PlaceIndex`; a row's sid is its conference's, so no key is kept beside it. As a
/// `[String: ConferenceRow]` the table took 16,384 slots of a sid and a 160-byte row for 10,000
/// conferences, 2.9 MB of which 1.1 MB empty, and every re-sort copied the rows out of it first;
/// here `values` is the array itself.
public struct ConferenceRows: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// Every row, in no particular order (the order of arrival, holes filled by the last).
    public private(set) var values: [ConferenceRow] = []
    /// Each row's sid as a `Sid`, at the row's place: the sort's last key, read as two numbers.
    /// Working them out of the text at every sort was 40% of a key press of `s` at 10,000 rows.
    private(set) var sidKeys: [Sid] = []
    private var index = PlaceIndex()

    public init() {}

    public init(_ rows: some Sequence<ConferenceRow>) {
        let rows = Array(rows)
        reserveCapacity(rows.count)
        for row in rows { self[row.id] = row }
    }

    /// Keys must be their row's sid (a row is found by `row.id`).
    public init(dictionaryLiteral elements: (String, ConferenceRow)...) {
        reserveCapacity(elements.count)
        for (sid, row) in elements { self[sid] = row }
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var keys: [String] { values.map(\.id) }

    public mutating func reserveCapacity(_ n: Int) {
        values.reserveCapacity(n)
        sidKeys.reserveCapacity(n)
        if !index.fits(n) { index.rebuild(slots: PlaceIndex.slotCount(for: n), keys: values.lazy.map(\.id)) }
    }

    /// The row of conference `sid`. A row set here must be that conference's (`row.id == sid`);
    /// one that is not is kept under its own sid (a test build stops there: it is a bug).
    public subscript(sid: String) -> ConferenceRow? {
        get { slot(of: sid).map { values[index.place(in: $0)] } }
        set {
            assert(newValue.map { $0.id == sid } ?? true, "a row is kept under its own conference's sid")
            if let newValue, newValue.id != sid {
                self[sid] = nil
                self[newValue.id] = newValue
                return
            }
            if let slot = slot(of: sid) {
                if let newValue { values[index.place(in: slot)] = newValue } else { remove(at: slot) }
            } else if let newValue {
                if !index.fits(values.count + 1) {
                    index.rebuild(
                        slots: PlaceIndex.slotCount(for: Swift.max(values.count + 1, 2 * values.count)),
                        keys: values.lazy.map(\.id))
                }
                values.append(newValue)
                sidKeys.append(Sid(sid))
                index.insert(sid, at: values.count - 1)
            }
        }
    }

    @discardableResult
    public mutating func removeValue(forKey sid: String) -> ConferenceRow? {
        guard let slot = slot(of: sid) else { return nil }
        let row = values[index.place(in: slot)]
        remove(at: slot)
        return row
    }

    /// Changes every row in place; `body` must leave each row's sid as it was (if it does not,
    /// the table is built again from the rows, and a test build stops: it is a bug).
    public mutating func updateEach(_ body: (inout ConferenceRow) -> Void) {
        var moved = false
        for place in values.indices {
            let sid = values[place].id
            body(&values[place])
            if values[place].id != sid { moved = true }
        }
        assert(!moved, "a row is kept under its own conference's sid")
        if moved { self = ConferenceRows(values) }
    }

    public func makeIterator() -> IndexingIterator<[ConferenceRow]> { values.makeIterator() }
    public var underestimatedCount: Int { values.count }

    /// The same rows, whatever order they arrived in. The arrays compare by identity first, so a
    /// table handed back unchanged costs nothing to compare.
    public static func == (lhs: ConferenceRows, rhs: ConferenceRows) -> Bool {
        if lhs.values == rhs.values { return true }
        guard lhs.count == rhs.count else { return false }
        for row in lhs.values where rhs[row.id] != row { return false }
        return true
    }

    private func slot(of sid: String) -> Int? {
        // Each sid compared is read where its row lies: `values[place].id` copied the whole row
        // first (a dozen references taken and let go), which made a lookup of every shown row
        // by sid, as a key typed into the filter does, 30 ms at 10,000 rows.
        values.withUnsafeBufferPointer { rows in index.slot(of: sid) { rows[$0].conference.sid } }
    }

    /// Where conference `sid`'s row is in `values`.
    func place(of sid: String) -> Int? { slot(of: sid).map { index.place(in: $0) } }

    /// Forgets the row whose place is in `slot`: the last row takes its place (no hole, no walk).
    private mutating func remove(at slot: Int) {
        let place = index.place(in: slot), last = values.count - 1
        let lastSlot = place == last ? nil : self.slot(of: values[last].id)
        if place != last {
            values[place] = values[last]
            sidKeys[place] = sidKeys[last]
        }
        values.removeLast()
        sidKeys.removeLast()
        let values = self.values
        index.remove(slot: slot, lastSlot: lastSlot) { values[$0].id }
    }
}
