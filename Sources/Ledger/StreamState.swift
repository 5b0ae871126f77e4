import CompatAPI

/// Where a stream is in its life, as the ledger knows it: the service's three statuses plus
/// `error` (a stream-error callback) and `ended` (its conference completed).
public enum StreamState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case queued
    case inProgress = "in-progress"
    case stopped
    case error
    case ended

    public var description: String { rawValue }

    /// Callbacks arrive late and out of order, so a state only ever moves forward:
    /// queued < in-progress < a terminal state, and the first terminal state wins.
    var rank: Int {
        switch self {
        case .queued: 0
        case .inProgress: 1
        case .stopped, .error, .ended: 2
        }
    }

    /// Stopped, failed or ended: nothing more will happen to the stream.
    public var isTerminal: Bool { rank == 2 }

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
