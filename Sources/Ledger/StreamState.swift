import CompatAPI

/// Where a stream is in its life, as the ledger knows it: the service's three statuses plus
/// `error` (a stream-error callback), `ended` (its conference completed) and `unknown` (whether it
/// runs at all is not known: a start whose answer never came, or a sid tracked by hand, until a
/// callback, a retry by name or a stop settles it).
public enum StreamState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case unknown
    case queued
    case inProgress = "in-progress"
    case stopped
    case error
    case ended

    public var description: String { rawValue }

    /// Callbacks arrive late and out of order, so a state only ever moves forward:
    /// unknown < queued < in-progress < a terminal state, and the first terminal state wins.
    var rank: Int {
        switch self {
        case .unknown: 0
        case .queued: 1
        case .inProgress: 2
        case .stopped, .error, .ended: 3
        }
    }

    /// Stopped, failed or ended: nothing more will happen to the stream.
    public var isTerminal: Bool { rank == 3 }

    /// Whether moving from this state to `next` goes forward (a repeat or a step back does not).
    public func canMove(to next: StreamState) -> Bool { next.rank > rank }

    /// The service's status, as echoed by a start or stop reply; a status this build does not
    /// know counts as `queued`, the one state every later state can still replace.
    public init(serviceStatus: StreamStatus) {
        switch serviceStatus {
        case .inProgress: self = .inProgress
        case .stopped: self = .stopped
        default: self = .queued
        }
    }
}
