import Foundation

/// One named profile from the config file: where to reach the API, with which credentials, and
/// how the dashboard behaves there. Every field is optional: flags and the environment fill in
/// or override each one.
public struct Profile: Sendable, Hashable {
    public var name: String
    /// A SignalWire space (`example`, `example.signalwire.com`) or, from `base_url`, a full API base URL.
    public var space: String?
    public var projectID: String?
    public var token: SecretSource?
    public var signingKey: SecretSource?
    /// Seconds between refreshes.
    public var refresh: Double?
    public var readOnly: Bool?
    public var callbackListen: String?
    public var callbackURL: String?
    /// The shared store: a SQLite file path or a `postgres://USER@HOST:PORT/DB` URL (no password).
    public var store: String?
    /// The PostgreSQL store's password: from a variable or a command, never inline.
    public var storePassword: SecretSource?
    /// The most reads in flight at once (`max_concurrency`): the client starts lower and grows
    /// toward this while the service answers fast.
    public var maxConcurrency: Int?
    /// Action name to key, e.g. `stopStream` → `X`, for keys that clash with tmux.
    public var keys: [String: String]
    /// The saved view (`:view save NAME`) the dashboard opens with.
    public var defaultView: String?

    public init(
        name: String, space: String? = nil, projectID: String? = nil, token: SecretSource? = nil,
        signingKey: SecretSource? = nil, refresh: Double? = nil, readOnly: Bool? = nil,
        callbackListen: String? = nil, callbackURL: String? = nil, keys: [String: String] = [:]
    ) {
        self.name = name
        self.space = space
        self.projectID = projectID
        self.token = token
        self.signingKey = signingKey
        self.refresh = refresh
        self.readOnly = readOnly
        self.callbackListen = callbackListen
        self.callbackURL = callbackURL
        self.keys = keys
    }

    /// True when the file itself holds a secret, which makes its permissions matter.
    public var holdsInlineSecret: Bool {
        (token?.isInline ?? false) || (signingKey?.isInline ?? false)
    }
}
