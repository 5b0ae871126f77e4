/// What came of asking the service to stop a stream.
public enum StopOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The service stopped it.
    case stopped
    /// The stream had already stopped before this request.
    case alreadyStopped
    /// The service does not know the stream (404): it is not running there, whatever the
    /// ledger thought, so an open stream is closed as `stopped` with this as its reason.
    case notFound
    /// The service refused with this message; the stream's status is left as it was.
    case refused(String)

    public var description: String {
        switch self {
        case .stopped: "stopped"
        case .alreadyStopped: "already stopped"
        case .notFound: "not found by the service"
        case .refused(let message): "stop refused: \(message)"
        }
    }

    /// Whether the stream is known not to be running afterwards.
    var closesStream: Bool {
        if case .refused = self { return false }
        return true
    }

    /// The reason kept with the stream and its history; nil for a plain stop.
    var reason: String? { self == .stopped ? nil : description }
}
