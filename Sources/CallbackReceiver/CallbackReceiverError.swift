/// Why the callback receiver could not start, in words an operator can act on.
public enum CallbackReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Without the key every callback would be refused, so the receiver does not start.
    case missingSigningKey
    /// The public URL must be an absolute http(s) URL without a fragment.
    case invalidPublicURL(String)
    /// The address could not be bound (in use, not ours, not an address).
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .missingSigningKey:
            "the callback receiver needs the project's signing key to check callbacks"
        case .invalidPublicURL(let url):
            "the callback public URL \(url) is not an absolute http:// or https:// URL"
        case .cannotListen(let host, let port, let reason):
            "the callback receiver cannot listen on \(host):\(port): \(reason)"
        }
    }
}
