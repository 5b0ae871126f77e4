import CompatAPI

/// The calls in progress the dashboard knows, by call sid: what the participants pane, the filter
/// and the recordings pane look up for each participant.
///
/// Kept as dense arrays (the calls, their sids) with a `PlaceIndex`, not as a
/// `[String: CallInfo]`: at 10,000 conferences (50,064 calls, just past 49,152) every one of a
/// dictionary's 131,072 slots held room for a sid and a `CallInfo`, about 20 MiB of which 13 were
/// empty. Here the calls sit in an array of exactly their number once built with
/// `reserveCapacity`, and sids are `Sid`s: no heap string per call.
public struct CallBook: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    private var infos: [CallInfo] = []
    /// The sid at each place: what a slot's place is checked against, and how a removal finds
    /// the slot of the call it moves into the hole.
    private var sids: [Sid] = []
    private var index = PlaceIndex()

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
        if !index.fits(n) { index.rebuild(slots: PlaceIndex.slotCount(for: n), keys: sids) }
    }

    public subscript(sid: String) -> CallInfo? {
        get { self[Sid(sid)] }
        set { self[Sid(sid)] = newValue }
    }

    /// The call of a participant, found by the sid it keeps (not written out as text).
    public subscript(participant: Participant) -> CallInfo? { self[participant.callSidKey] }

    /// Whether the participant's call matches the filter, read in place: the filter asks it of
    /// every participant at each key typed, and a copy of each call out of the book was a
    /// dozen references taken and let go.
    func call(of participant: Participant, matches needle: CallNeedle) -> Bool {
        call(ofSid: participant.callSidKey, matches: needle)
    }

    func call(ofSid sid: Sid, matches needle: CallNeedle) -> Bool {
        guard let slot = slot(of: sid) else { return false }
        let place = index.place(in: slot)
        // Through the pointer: a call read through the buffer's subscript was copied whole.
        return infos.withUnsafeBufferPointer { CallInfo.matches(at: $0.baseAddress! + place, needle) }
    }

    public subscript(sid: Sid) -> CallInfo? {
        get { slot(of: sid).map { infos[index.place(in: $0)] } }
        set {
            if let slot = slot(of: sid) {
                if let newValue { infos[index.place(in: slot)] = newValue } else { remove(at: slot) }
            } else if let newValue {
                if !index.fits(infos.count + 1) {
                    index.rebuild(slots: PlaceIndex.slotCount(for: max(infos.count + 1, 2 * infos.count)), keys: sids)
                }
                infos.append(newValue)
                sids.append(sid)
                index.insert(sid, at: infos.count - 1)
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

    private func slot(of sid: Sid) -> Int? { index.slot(of: sid) { sids[$0] } }

    /// Forgets the call whose place is in `slot`: the last call takes its place in the arrays
    /// (no hole, no walk).
    private mutating func remove(at slot: Int) {
        let place = index.place(in: slot), last = infos.count - 1
        let lastSlot = place == last ? nil : self.slot(of: sids[last])
        if place != last {
            infos[place] = infos[last]
            sids[place] = sids[last]
        }
        infos.removeLast()
        sids.removeLast()
        let sids = self.sids
        index.remove(slot: slot, lastSlot: lastSlot) { sids[$0] }
    }
}
