/// How a stream came into the ledger.
public enum StreamOrigin: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Started from the dashboard's form.
    case dashboard
    /// Started by `confdash streams start`.
    case cli
    /// Named by the operator (`:track SID`, or a stop of a stream the ledger did not know).
    case manual
    /// Learned from a status callback for a stream confdash did not start.
    case callback

    public var description: String { rawValue }
}
