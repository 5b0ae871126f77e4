/// What the command line said about each setting; nil where it said nothing.
public struct ProfileFlags: Sendable, Hashable {
    public var profile: String?
    public var space: String?
    public var refresh: Double?
    /// `--readonly` can only turn read-only on; nil when it was not given.
    public var readOnly: Bool?
    public var callbackListen: String?
    public var callbackURL: String?
    /// `--store PATH-OR-URL` (`--ledger PATH`, its older name).
    public var store: String?
    /// `--max-concurrency N`.
    public var maxConcurrency: Int?

    public init(
        profile: String? = nil, space: String? = nil, refresh: Double? = nil, readOnly: Bool? = nil,
        callbackListen: String? = nil, callbackURL: String? = nil, store: String? = nil
    ) {
        self.store = store
        self.profile = profile
        self.space = space
        self.refresh = refresh
        self.readOnly = readOnly
        self.callbackListen = callbackListen
        self.callbackURL = callbackURL
    }
}
