/// A ledger that could not be opened, read or written, with the file it is about.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be created, opened or brought up to this build's schema.
    case cannotOpen(path: String, reason: String)
    /// An operation on an open ledger failed (a full disk, a lock held past the busy timeout).
    case failed(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the stream ledger at \(path): \(reason) "
                + "(check the directory's permissions, or pass --ledger PATH)"
        case .failed(let operation, let path, let reason):
            "stream ledger \(path): \(operation) failed: \(reason)"
        }
    }
}
