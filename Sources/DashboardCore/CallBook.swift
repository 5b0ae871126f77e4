import CompatAPI

/// The calls in progress the dashboard knows, by call sid: what the participants pane, the filter
/// and the recordings pane look up for each participant.
///
/// Kept as a dense array of `CallInfo` with a table from sid to place, not as a
/// `[String: CallInfo]`: a dictionary keeps its values in its hash table, which is at most three
/// quarters full and doubles as it grows, so at 10,000 conferences (50,064 calls, just past
/// 49,152) every one of 131,072 slots held room for a `CallInfo`, about 20 MiB of which 13 were
/// empty. Here the sparse table holds only a sid and a 4-byte place, and the calls themselves sit
/// in an array of exactly their number once built with `reserveCapacity`. Sids are kept as `Sid`s:
/// no heap string per call.
public struct CallBook: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    private var places: [Sid: Int32] = [:]
    private var infos: [CallInfo] = []
    /// The sid at each place, so a removal can move the last call into the hole.
    private var sids: [Sid] = []

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
        places.reserveCapacity(n)
        infos.reserveCapacity(n)
        sids.reserveCapacity(n)
    }

    public subscript(sid: String) -> CallInfo? {
        get { self[Sid(sid)] }
        set { self[Sid(sid)] = newValue }
    }

    /// The call of a participant, found by the sid it keeps (not written out as text).
    public subscript(participant: Participant) -> CallInfo? { self[participant.callSidKey] }

    public subscript(sid: Sid) -> CallInfo? {
        get { places[sid].map { infos[Int($0)] } }
        set {
            if let place = places[sid].map(Int.init) {
                if let newValue {
                    infos[place] = newValue
                } else {
                    // The last call takes the removed one's place: no hole, no walk.
                    let last = infos.count - 1
                    if place != last {
                        infos[place] = infos[last]
                        sids[place] = sids[last]
                        places[sids[place]] = Int32(place)
                    }
                    infos.removeLast()
                    sids.removeLast()
                    places[sid] = nil
                }
            } else if let newValue {
                places[sid] = Int32(infos.count)
                infos.append(newValue)
                sids.append(sid)
            }
        }
    }

    /// This book with `other`'s calls added; where both know a sid, this book's call stays.
    public func merging(_ other: CallBook) -> CallBook {
        var merged = self
        merged.reserveCapacity(count + other.count)
        for (place, sid) in other.sids.enumerated() where merged.places[sid] == nil {
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
}
