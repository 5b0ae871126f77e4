/// Where each entry of a dense array is, by key: an open-addressing table (linear probing) of
/// 4-byte places, for the collections the dashboard keeps one entry per conference or call of.
///
/// A `Dictionary` keeps its keys and values in its own table, at most three quarters full and
/// doubling as it grows, so at 10,000 conferences (past 8,192 × 3/4) 16,384 slots each held room
/// for a key and a whole row. Here the values sit in an array of exactly their number and the
/// sparse table holds only their place. The owner keeps the keys (in an array beside the values,
/// or inside them) and hands them in as `key(at:)` for a place.
struct PlaceIndex: Sendable {
    /// Each slot holds a place plus one, 0 when empty; a power of two long, at most 3/4 full.
    private var slots: [Int32] = []

    /// Slots for `n` entries: a power of two that keeps the table at most three quarters full.
    static func slotCount(for n: Int) -> Int {
        var count = 8
        while count * 3 < n * 4 { count *= 2 }
        return count
    }

    /// Whether `n` entries fit without growing.
    func fits(_ n: Int) -> Bool { Self.slotCount(for: n) <= slots.count }

    private func home<Key: Hashable>(of key: Key) -> Int { key.hashValue & (slots.count - 1) }

    /// The slot holding `key`'s place, if it is known.
    func slot<Key: Hashable>(of key: Key, key keyAt: (Int) -> Key) -> Int? {
        guard !slots.isEmpty else { return nil }
        var slot = home(of: key)
        while slots[slot] != 0 {
            if keyAt(Int(slots[slot]) - 1) == key { return slot }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// The place `slot` holds.
    func place(in slot: Int) -> Int { Int(slots[slot]) - 1 }

    /// Records that `key`, not yet known, is at `place` (call `fits` and `rebuild` first).
    mutating func insert<Key: Hashable>(_ key: Key, at place: Int) {
        var slot = home(of: key)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(place + 1)
    }

    /// A table of `count` slots holding `keys`, each at its position.
    mutating func rebuild<Key: Hashable>(slots count: Int, keys: some Sequence<Key>) {
        slots = Array(repeating: 0, count: count)
        for (place, key) in keys.enumerated() { insert(key, at: place) }
    }

    /// Forgets the entry whose place is in `slot`, where the owner's arrays are about to move
    /// their last entry (place `last`, found at `lastSlot`) into the hole, so no place is left
    /// empty. Call before moving; `key(at:)` must answer for the arrays after the move.
    mutating func remove<Key: Hashable>(slot: Int, lastSlot: Int?, key keyAt: (Int) -> Key) {
        if let lastSlot, lastSlot != slot { slots[lastSlot] = slots[slot] }
        // Backward-shift deletion, so the table never fills with tombstones: each entry after
        // the hole moves back into it unless its home lies in the cyclic range (hole, next],
        // where a probe from its home would no longer reach it.
        let mask = slots.count - 1
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = home(of: keyAt(Int(slots[next]) - 1))
            let between = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !between {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
    }
}
