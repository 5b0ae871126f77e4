import Foundation

/// Where the stream status callback receiver listens, the URL the service is told to call, and
/// the signing key that proves a callback came from the service.
///
/// ```swift
/// let settings = CallbackReceiverSettings(
///     signingKey: key, host: "0.0.0.0", port: 8088, publicURL: "https://ops.example.com/confdash/streams")
/// ```
public struct CallbackReceiverSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The path stream status callbacks come to; anything but this and `conferenceEventsPath` is 404.
    public static let path = "/streams/callback"
    /// The path conference status callbacks come to (the application's cXML `statusCallback`).
    public static let conferenceEventsPath = "/conferences/events"

    /// The address to bind: loopback by default, so nothing outside this machine can reach the
    /// receiver unless the operator says so.
    public var host: String
    /// 0 asks for an ephemeral port; the receiver reports the one it got.
    public var port: Int
    /// The URL the service calls and signs, when a proxy or tunnel stands in front of the
    /// receiver (`https://ops.example.com/confdash/streams`). Nil: the receiver's own URL.
    public var publicURL: String?
    /// The same for conference status callbacks, when a proxy or tunnel stands in front
    /// (`https://ops.example.com/confdash/conferences/events`). Nil: the receiver's own URL.
    public var conferenceEventsPublicURL: String?
    /// The project's Signing Key (Twilio: the auth token). A secret: never printed or logged.
    public var signingKey: String

    public init(
        signingKey: String, host: String = "127.0.0.1", port: Int = 0, publicURL: String? = nil,
        conferenceEventsPublicURL: String? = nil
    ) {
        self.signingKey = signingKey
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.conferenceEventsPublicURL = conferenceEventsPublicURL
    }

    // The key stays out of every rendering of the settings: `print`, `String(reflecting:)`,
    // `dump` and string interpolation into log metadata all go through one of these.

    public var description: String {
        "CallbackReceiverSettings(host: \(host), port: \(port), publicURL: \(publicURL ?? "none"), "
            + "conferenceEventsPublicURL: \(conferenceEventsPublicURL ?? "none"), "
            + "signingKey: \(signingKey.isEmpty ? "none" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "publicURL": publicURL as Any,
                "conferenceEventsPublicURL": conferenceEventsPublicURL as Any,
                "signingKey": signingKey.isEmpty ? "none" : "<redacted>",
            ],
            displayStyle: .struct)
    }
}
