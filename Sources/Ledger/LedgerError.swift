/// A store that could not be opened, read or written, with where it is.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be created, opened or brought up to this build's schema.
    case cannotOpen(path: String, reason: String)
    /// An operation on an open store failed (a full disk, a lock held past the busy timeout, a
    /// PostgreSQL server that does not answer).
    case failed(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the stream ledger at \(path): \(reason) "
                + "(check the directory's permissions, or pass --store PATH-OR-URL)"
        case .failed(let operation, let path, let reason):
            "stream ledger \(path): \(operation) failed: \(reason)"
        }
    }

    /// The same error naming `location` where the rule that threw could not know it.
    func at(_ location: String) -> LedgerError {
        switch self {
        case .failed(let operation, "", let reason): .failed(operation: operation, path: location, reason: reason)
        case .cannotOpen("", let reason): .cannotOpen(path: location, reason: reason)
        default: self
        }
    }
}
