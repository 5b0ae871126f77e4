import CallbackReceiver
import Foundation

/// One profile the receiver serves: its name, the key its callbacks are signed with, and the
/// public URL the service calls for it, when there is one.
public struct ReceiverProfile: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The profile's name, part of its route: `/p/<name>/streams/callback`.
    public var name: String
    /// The project's Signing Key (Twilio: the auth token). A secret: never printed or logged.
    public var signingKey: String
    /// The URL the service calls and signs for this profile, when a proxy stands in front
    /// (`https://ops.example.com/confdash/p/prod/streams/callback`). Nil: the receiver's public
    /// base plus the route, or else its own address.
    public var publicURL: String?

    public init(name: String, signingKey: String, publicURL: String? = nil) {
        self.name = name
        self.signingKey = signingKey
        self.publicURL = publicURL
    }

    public var description: String {
        "ReceiverProfile(name: \(name), publicURL: \(publicURL.map(SignedCallbackRequest.loggableURL) ?? "none"), "
            + "signingKey: \(signingKey.isEmpty ? "none" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["profile": description]) }
}

/// Where the receiver listens, which profiles it serves and the URL the service reaches it at.
public struct ReceiverConfiguration: Sendable, CustomStringConvertible {
    /// The path every profile's callbacks come to: `/p/<name>/streams/callback`.
    public static func callbackPath(profile: String) -> String {
        "/p/\(pathSegment(profile))/streams/callback"
    }

    /// A profile's name as one path segment: percent-encoded where a URL path needs it.
    static func pathSegment(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// Loopback by default: a TLS reverse proxy on the same host forwards to it.
    public var host: String
    /// 0 asks for an ephemeral port; the receiver reports the one it got.
    public var port: Int
    /// The receiver's public base URL behind the proxy (`https://ops.example.com/confdash`): a
    /// profile without a public URL of its own is called at this base plus its route.
    public var publicBase: String?
    public var profiles: [ReceiverProfile]
    /// Seconds a sender is asked to wait (`Retry-After`) when the store cannot take a callback.
    public var retryAfterSeconds: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8088, publicBase: String? = nil, profiles: [ReceiverProfile],
        retryAfterSeconds: Int = 5
    ) {
        self.host = host
        self.port = port
        self.publicBase = publicBase
        self.profiles = profiles
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String {
        "ReceiverConfiguration(host: \(host), port: \(port), publicBase: "
            + "\(publicBase.map(SignedCallbackRequest.loggableURL) ?? "none"), profiles: \(profiles))"
    }
}

/// One mounted route: the path it answers on, the key that signs its callbacks and the URL
/// that key signs (nil until the port is known, for a route checked against the receiver's own
/// address).
public struct ReceiverRoute: Sendable, CustomStringConvertible {
    public let profile: String
    public let path: String
    /// The signed URL without its query, when it does not depend on the bound port.
    public let signedBase: String?
    let signingKey: String

    /// The URL the service must be given as `StatusCallback` for this profile (the receiver's
    /// own address, with the bound port, when nothing public was configured).
    public func callbackURL(host: String, port: Int) -> String {
        signedBase ?? SignedCallbackRequest.ownURL(host: host, port: port, path: path)
    }

    public var description: String {
        "\(profile) at \(path) (signed URL: \(signedBase.map(SignedCallbackRequest.loggableURL) ?? "the receiver's own"))"
    }

    /// Every profile's route, its public URL checked: the profile's own, else the base's plus the route.
    static func routes(_ configuration: ReceiverConfiguration) throws(ReceiverConfigurationError) -> [ReceiverRoute] {
        var routes: [ReceiverRoute] = []
        for profile in configuration.profiles {
            guard !profile.signingKey.isEmpty else { throw .missingSigningKey(profile: profile.name) }
            let path = ReceiverConfiguration.callbackPath(profile: profile.name)
            let base: String?
            do {
                if let url = profile.publicURL {
                    base = try SignedCallbackRequest.publicBase(url)
                } else if let publicBase = configuration.publicBase {
                    let trimmed = String(publicBase.reversed().drop { $0 == "/" }.reversed())
                    base = try SignedCallbackRequest.publicBase(trimmed + path)
                } else {
                    base = nil
                }
            } catch {
                throw .invalidPublicURL(profile: profile.name, reason: "\(error)")
            }
            routes.append(ReceiverRoute(profile: profile.name, path: path, signedBase: base, signingKey: profile.signingKey))
        }
        return routes
    }
}

/// A configuration the receiver cannot serve, in words an operator can act on.
public enum ReceiverConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case noProfiles
    case missingSigningKey(profile: String)
    case invalidPublicURL(profile: String, reason: String)

    public var description: String {
        switch self {
        case .noProfiles:
            "no profile has a signing key, so every callback would be refused"
        case .missingSigningKey(let profile):
            "profile \(profile) has no signing key"
        case .invalidPublicURL(let profile, let reason):
            "profile \(profile): \(reason)"
        }
    }
}
