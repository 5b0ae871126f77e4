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
    /// The URL the service calls and signs for this profile's conference status callbacks, when
    /// a proxy stands in front (`https://ops.example.com/confdash/p/prod/conferences/events`).
    /// Nil: `publicURL` with its `/streams/callback` ending changed to `/conferences/events`, or
    /// else the receiver's public base plus the route, or else its own address.
    public var conferenceEventsURL: String?

    public init(name: String, signingKey: String, publicURL: String? = nil, conferenceEventsURL: String? = nil) {
        self.name = name
        self.signingKey = signingKey
        self.publicURL = publicURL
        self.conferenceEventsURL = conferenceEventsURL
    }

    public var description: String {
        "ReceiverProfile(name: \(name), publicURL: \(publicURL.map(SignedCallbackRequest.loggableURL) ?? "none"), "
            + "conferenceEventsURL: \(conferenceEventsURL.map(SignedCallbackRequest.loggableURL) ?? "none"), "
            + "signingKey: \(signingKey.isEmpty ? "none" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["profile": description]) }
}

/// Where the receiver listens, which profiles it serves and the URL the service reaches it at.
public struct ReceiverConfiguration: Sendable, CustomStringConvertible {
    /// The path every profile's stream callbacks come to: `/p/<name>/streams/callback`.
    public static func callbackPath(profile: String) -> String {
        "/p/\(pathSegment(profile))" + streamCallbackSuffix
    }

    /// The path every profile's conference status callbacks come to: `/p/<name>/conferences/events`.
    public static func conferenceEventsPath(profile: String) -> String {
        "/p/\(pathSegment(profile))" + conferenceEventsSuffix
    }

    static let streamCallbackSuffix = "/streams/callback"
    static let conferenceEventsSuffix = CallbackReceiverSettings.conferenceEventsPath

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
    /// How long `/healthz` waits for the store's answer before it says the store is unreachable
    /// (a server that does not answer at all must not hold the health check).
    public var healthTimeout: Duration
    /// How long a callback waits for its store write before the sender hears 503 (the write may
    /// still finish: the sender's retry is then a duplicate the store takes again). Longer than
    /// SQLite's busy timeout, so a write waiting for another process's lock is not cut short;
    /// short enough that a store connection that never answers holds neither the sender nor a
    /// graceful shutdown.
    public var storeTimeout: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8088, publicBase: String? = nil, profiles: [ReceiverProfile],
        retryAfterSeconds: Int = 5, healthTimeout: Duration = .seconds(2), storeTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.publicBase = publicBase
        self.profiles = profiles
        self.retryAfterSeconds = retryAfterSeconds
        self.healthTimeout = healthTimeout
        self.storeTimeout = storeTimeout
    }

    public var description: String {
        "ReceiverConfiguration(host: \(host), port: \(port), publicBase: "
            + "\(publicBase.map(SignedCallbackRequest.loggableURL) ?? "none"), profiles: \(profiles))"
    }
}

/// One mounted route: the path it answers on, what comes to it, the key that signs its
/// callbacks and the URL that key signs (nil until the port is known, for a route checked
/// against the receiver's own address). Each profile has two: its stream status callbacks and
/// its conference status callbacks.
public struct ReceiverRoute: Sendable, CustomStringConvertible {
    /// What a route takes: the label `kind` of `confdash_receiver_callbacks_accepted_total`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Stream status callbacks (`StatusCallback` of a stream start), into the stream ledger.
        case stream
        /// Conference status callbacks (cXML `<Conference statusCallback=…>`), stored as they came.
        case conference

        /// The callback in the log's words.
        var noun: String { self == .stream ? "stream callback" : "conference event" }

        /// How its path ends, after `/p/<profile>`.
        var pathSuffix: String {
            self == .stream ? ReceiverConfiguration.streamCallbackSuffix : ReceiverConfiguration.conferenceEventsSuffix
        }
    }

    public let profile: String
    public let kind: Kind
    public let path: String
    /// The signed URL without its query, when it does not depend on the bound port.
    public let signedBase: String?
    let signingKey: String

    /// The URL the service must be given for this route: a stream's `StatusCallback`, or the
    /// `statusCallback` of the application's `<Conference>` (the receiver's own address, with
    /// the bound port, when nothing public was configured).
    public func callbackURL(host: String, port: Int) -> String {
        signedBase ?? SignedCallbackRequest.ownURL(host: host, port: port, path: path)
    }

    public var description: String {
        "\(profile) \(kind.noun)s at \(path) (signed URL: "
            + "\(signedBase.map(SignedCallbackRequest.loggableURL) ?? "the receiver's own"))"
    }

    /// Every profile's two routes, their public URLs checked. A stream route is signed for the
    /// profile's own URL, else the base's plus the route; a conference route for the profile's
    /// own conference URL, else its stream URL with `/streams/callback` changed to
    /// `/conferences/events`, else the base's plus the route.
    static func routes(_ configuration: ReceiverConfiguration) throws(ReceiverConfigurationError) -> [ReceiverRoute] {
        var routes: [ReceiverRoute] = []
        let base = configuration.publicBase.map { String($0.reversed().drop { $0 == "/" }.reversed()) }
        for profile in configuration.profiles {
            guard !profile.signingKey.isEmpty else { throw .missingSigningKey(profile: profile.name) }
            let streamPath = ReceiverConfiguration.callbackPath(profile: profile.name)
            let conferencePath = ReceiverConfiguration.conferenceEventsPath(profile: profile.name)
            let streamBase: String?
            let conferenceBase: String?
            do {
                streamBase = try (profile.publicURL ?? base.map { $0 + streamPath }).map(SignedCallbackRequest.publicBase)
                conferenceBase = try (profile.conferenceEventsURL ?? conferenceURL(besides: profile.publicURL)
                    ?? base.map { $0 + conferencePath }).map(SignedCallbackRequest.publicBase)
            } catch {
                throw .invalidPublicURL(profile: profile.name, reason: "\(error)")
            }
            routes.append(
                ReceiverRoute(
                    profile: profile.name, kind: .stream, path: streamPath, signedBase: streamBase,
                    signingKey: profile.signingKey))
            routes.append(
                ReceiverRoute(
                    profile: profile.name, kind: .conference, path: conferencePath, signedBase: conferenceBase,
                    signingKey: profile.signingKey))
        }
        return routes
    }

    /// `https://ops.example.com/confdash/p/prod/conferences/events` beside a stream URL that
    /// ends in `/streams/callback` (its query dropped: it was signed for the stream route);
    /// nil for a URL that does not, which says nothing of where conference events go.
    static func conferenceURL(besides streamURL: String?) -> String? {
        guard let streamURL else { return nil }
        let withoutQuery = streamURL.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? streamURL
        guard withoutQuery.hasSuffix(ReceiverConfiguration.streamCallbackSuffix) else { return nil }
        return String(withoutQuery.dropLast(ReceiverConfiguration.streamCallbackSuffix.count))
            + ReceiverConfiguration.conferenceEventsSuffix
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
