import Foundation

/// Where a PostgreSQL store is and how to sign in. Built from a `postgres://` URL that must not
/// carry a password (argv and config files are readable by others): the password comes
/// separately, from `store_password_env` or `store_password_command`.
public struct PostgresStoreSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP: loopback, or a network the team trusts.
        case disable
        /// TLS when the server offers it, else plain.
        case prefer
        /// TLS or no connection.
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// A secret: never printed, logged or shown.
    public var password: String?
    /// How many connections the store may hold open at once for its writes and reads.
    public var maximumConnections: Int

    public init(
        host: String, port: Int = 5432, user: String, database: String, password: String? = nil,
        tls: TLSMode = .prefer, maximumConnections: Int = 4
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.tls = tls
        self.maximumConnections = maximumConnections
    }

    /// The URL without the password: what messages and `confdash info` show.
    public var location: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(hostPart):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }

    public var description: String {
        "PostgresStoreSettings(\(location), password: \(password == nil ? "none" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["location": location, "password": password == nil ? "none" : "<redacted>"])
    }

    /// Parses `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
    /// (`postgresql://` too). A password in the URL is refused: it would sit in argv or in the
    /// config file in clear.
    public static func parse(_ text: String, password: String? = nil) throws(StoreLocationError) -> Self {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else { throw .invalid(text, "a PostgreSQL store is a postgres://USER@HOST:PORT/DATABASE URL") }
        if components.password != nil {
            throw .passwordInURL
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalid(redacted(text), "the URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalid(redacted(text), "the URL names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid(redacted(text), "the URL names no database (postgres://USER@HOST/DATABASE)")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default:
                    throw .invalid(redacted(text), "sslmode must be disable, prefer or require")
                }
            default:
                throw .invalid(redacted(text), "unknown URL option \(item.name) (only sslmode is known)")
            }
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalid(redacted(text), "the port must be 1 to 65535") }
        return Self(
            host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port, user: user,
            database: database, password: password, tls: tls)
    }

    /// The URL with any password replaced, for an error message.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? "the store URL"
    }
}

/// Where the ledger is: a SQLite file or a PostgreSQL database.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case file(URL)
    case postgres(PostgresStoreSettings)

    /// A path or a `postgres://` URL, as `--store`, `CONFDASH_STORE` and the profile's `store`
    /// take it. The password is only used for a URL.
    public static func parse(_ text: String, password: String? = nil) throws(StoreLocationError) -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalid(text, "the store is empty: give a file path or a postgres:// URL") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return .postgres(try PostgresStoreSettings.parse(trimmed, password: password))
        }
        if lower.contains("://") {
            throw .invalid(
                PostgresStoreSettings.redacted(trimmed), "a store is a file path or a postgres:// URL")
        }
        let expanded = (trimmed as NSString).expandingTildeInPath
        return .file(URL(fileURLWithPath: expanded))
    }

    /// True for a PostgreSQL URL: the one kind that needs a password.
    public var needsPassword: Bool {
        if case .postgres = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .file(let url): url.path
        case .postgres(let settings): settings.location
        }
    }
}

public enum StoreLocationError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalid(String, String)
    case passwordInURL

    public var description: String {
        switch self {
        case .invalid(let text, let why): "invalid store \(text): \(why)"
        case .passwordInURL:
            "the store URL carries a password: remove it, and give it with store_password_env or "
                + "store_password_command in the profile (or CONFDASH_STORE_PASSWORD), never in a URL"
        }
    }
}
