import CompatAPI

/// The calls in progress the dashboard knows, by call sid: what the participants pane, the filter
/// and the recordings pane look up for each participant.
///
/// Kept as dense arrays (the calls, their sids) with a table of 4-byte places, not as a
/// `[String: CallInfo]`: a dictionary keeps its keys and values in its hash table, which is at
/// most three quarters full and doubles as it grows, so at 10,000 conferences (50,064 calls, just
/// past 49,152) every one of 131,072 slots held room for a sid and a `CallInfo`, about 20 MiB of
/// which 13 were empty. Here the sparse table holds only a place (open addressing, linear
/// probing), the calls sit in an array of exactly their number once built with
/// `reserveCapacity`, and sids are `Sid`s: no heap string per call.
public struct CallBook: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    private var infos: [CallInfo] = []
    /// The sid at each place: what a slot's place is checked against, and how a removal finds
    /// the slot of the call it moves into the hole.
    private var sids: [Sid] = []
    /// Each slot holds a place plus one, 0 when empty; a power of two long, at most 3/4 full.
    private var slots: [Int32] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, CallInfo)...) {
        reserveCapacity(elements.count)
        for (sid, info) in elements { self[sid] = info }
    }

    public var count: Int { infos.count }
    public var isEmpty: Bool { infos.isEmpty }
    /// Every known sid, in no particular order.
    public var keys: [String] { sids.map(\.text) }

    public mutating func reserveCapacity(_ n: Int) {
        infos.reserveCapacity(n)
        sids.reserveCapacity(n)
        if Self.slotCount(for: n) > slots.count { rehash(to: Self.slotCount(for: n)) }
    }

    public subscript(sid: String) -> CallInfo? {
        get { self[Sid(sid)] }
        set { self[Sid(sid)] = newValue }
    }

    /// The call of a participant, found by the sid it keeps (not written out as text).
    public subscript(participant: Participant) -> CallInfo? { self[participant.callSidKey] }

    public subscript(sid: Sid) -> CallInfo? {
        get { slot(of: sid).map { infos[Int(slots[$0]) - 1] } }
        set {
            if let slot = slot(of: sid) {
                if let newValue { infos[Int(slots[slot]) - 1] = newValue } else { remove(at: slot) }
            } else if let newValue {
                if Self.slotCount(for: infos.count + 1) > slots.count {
                    rehash(to: Self.slotCount(for: max(infos.count + 1, 2 * infos.count)))
                }
                infos.append(newValue)
                sids.append(sid)
                slots[emptySlot(for: sid)] = Int32(infos.count)
            }
        }
    }

    /// This book with `other`'s calls added; where both know a sid, this book's call stays.
    public func merging(_ other: CallBook) -> CallBook {
        // Every space at once merges its first space's book into an empty one: take it whole.
        if isEmpty { return other }
        var merged = self
        merged.reserveCapacity(count + other.count)
        for (place, sid) in other.sids.enumerated() where merged[sid] == nil {
            merged[sid] = other.infos[place]
        }
        return merged
    }

    /// Same calls, whatever order they were learned in. The arrays compare by identity first, so
    /// the book a poll hands back unchanged costs nothing to compare.
    public static func == (lhs: CallBook, rhs: CallBook) -> Bool {
        if lhs.infos == rhs.infos && lhs.sids == rhs.sids { return true }
        guard lhs.count == rhs.count else { return false }
        for (place, sid) in lhs.sids.enumerated() where rhs[sid] != lhs.infos[place] { return false }
        return true
    }

    // MARK: the table

    /// Slots for `n` calls: a power of two that keeps the table at most three quarters full.
    private static func slotCount(for n: Int) -> Int {
        var count = 8
        while count * 3 < n * 4 { count *= 2 }
        return count
    }

    private func home(of sid: Sid) -> Int { sid.hashValue & (slots.count - 1) }

    /// The slot holding `sid`'s place, if it is known.
    private func slot(of sid: Sid) -> Int? {
        guard !slots.isEmpty else { return nil }
        var slot = home(of: sid)
        while slots[slot] != 0 {
            if sids[Int(slots[slot]) - 1] == sid { return slot }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// The first empty slot from `sid`'s home (there always is one: the table is never full).
    private func emptySlot(for sid: Sid) -> Int {
        var slot = home(of: sid)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        return slot
    }

    private mutating func rehash(to count: Int) {
        slots = Array(repeating: 0, count: count)
        for (place, sid) in sids.enumerated() { slots[emptySlot(for: sid)] = Int32(place + 1) }
    }

    /// Forgets the call whose place is in `slot`: the last call takes its place in the arrays
    /// (no hole, no walk), and the slots after it shift back so no probe stops short
    /// (backward-shift deletion, so the table never fills with tombstones).
    private mutating func remove(at slot: Int) {
        let place = Int(slots[slot]) - 1
        let last = infos.count - 1
        if place != last, let lastSlot = self.slot(of: sids[last]) {
            infos[place] = infos[last]
            sids[place] = sids[last]
            slots[lastSlot] = Int32(place + 1)
        }
        infos.removeLast()
        sids.removeLast()
        let mask = slots.count - 1
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = home(of: sids[Int(slots[next]) - 1])
            // The entry at `next` may move back into the hole only if its home is not in the
            // cyclic range (hole, next]: otherwise a probe from its home would no longer reach it.
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
