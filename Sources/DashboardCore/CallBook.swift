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

    /// `body` of the call of `sid` read where it lies, if the book holds it.
    func withCall(ofSid sid: Sid, _ body: (UnsafePointer<CallInfo>) -> Void) {
        guard let slot = slot(of: sid) else { return }
        let place = index.place(in: slot)
        infos.withUnsafeBufferPointer { body($0.baseAddress! + place) }
    }

    func call(ofSid sid: Sid, matches needle: CallNeedle) -> Bool {
        guard let slot = slot(of: sid) else { return false }
        let place = index.place(in: slot)
        // Through the pointer: a call read through the buffer's subscript was copied whole.
        return infos.withUnsafeBufferPointer { CallInfo.matches(at: $0.baseAddress! + place, needle) }
    }

    /// The calls `needle` matches, found by one walk over the calls where they lie: for a pass
    /// of the filter over every row, instead of looking up each participant's call.
    func matching(_ needle: CallNeedle) -> CallMatches {
        var found: [Sid] = []
        let many = infos.withUnsafeBufferPointer { buffer -> Bool in
            guard let infos = buffer.baseAddress else { return false }
            for place in buffer.indices where CallInfo.matches(at: infos + place, needle) {
                // Past this many, most participants' calls match: each row's first participant
                // usually settles it, and a lookup of that one costs less than a set this large.
                if found.count == CallMatches.fewest { return true }
                found.append(sids[place])
            }
            return false
        }
        return many ? CallMatches(many: ()) : CallMatches(found)
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

/// The calls of the book that a filter's needle matches, worked out once for a pass over every
/// row: a participant then matches when its call is among them, with no lookup in the book.
struct CallMatches {
    /// The most calls kept as a set; more, and each participant is looked up instead.
    static let fewest = 4096

    private let sids: Set<Sid>
    /// One bit for each value of a sid's low 16 bits (see `bits(of:)`): most participants whose
    /// call does not match are turned away by one test, without hashing their sid.
    private let bitmap: [UInt64]
    private let many: Bool

    init(_ found: [Sid]) {
        sids = Set(found)
        var bitmap = [UInt64](repeating: 0, count: found.isEmpty ? 0 : 1024)
        for sid in found {
            let bit = Self.bits(of: sid)
            bitmap[bit >> 6] |= 1 << (bit & 63)
        }
        self.bitmap = bitmap
        many = false
    }

    init(many: Void) {
        sids = []
        bitmap = []
        self.many = true
    }

    /// Whether any call matches at all (false: no participant need be looked at).
    var mayHold: Bool { many || !sids.isEmpty }

    /// Whether the call of one of `count` participants at `participants` matches; nil when too
    /// many calls matched to keep them, and each participant must be looked up.
    func contains(_ participants: UnsafePointer<Participant>, count: Int) -> Bool? {
        if many { return nil }
        if sids.isEmpty { return false }
        for index in 0..<count {
            let sid = participants[index].callSidKey
            let bit = Self.bits(of: sid)
            if bitmap[bit >> 6] & (1 << (bit & 63)) != 0, sids.contains(sid) { return true }
        }
        return false
    }

    /// 16 bits of a sid: a UUID's lowest (random in every sid the service makes), or its hash.
    private static func bits(of sid: Sid) -> Int {
        Int(truncatingIfNeeded: sid.uuid?.low ?? UInt64(bitPattern: Int64(sid.hashValue))) & 0xFFFF
    }
}
