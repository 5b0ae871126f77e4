import Hummingbird
import NIOCore

/// What the receiver needs to know about the connection a callback arrived on (the team
/// receiver, `confdash receiver`, answers with the same context).
public struct CallbackRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who sent it, for the log when a callback is refused.
    public let remoteAddress: SocketAddress?
    /// The port the request came in on: with an ephemeral port, the receiver's own URL (the
    /// one the service signed when there is no public URL) is only known once bound.
    public let localPort: Int?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        localPort = source.channel.localAddress?.port
    }

    /// Callbacks are a dozen short fields; anything near this size is not one.
    public var maxUploadSize: Int { StreamCallbackEndpoint.maxBodyBytes }

    /// `203.0.113.7:51234`, or `unknown` when the channel has no peer address.
    public var remoteDescription: String {
        guard let address = remoteAddress else { return "unknown" }
        guard let ip = address.ipAddress else { return "\(address)" }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return address.port.map { "\(host):\($0)" } ?? host
    }
}
