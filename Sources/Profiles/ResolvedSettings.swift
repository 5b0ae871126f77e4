import CompatAPI
import Foundation

/// Every setting confdash runs with, after flags, environment, profile and defaults, each with
/// where it came from. Secrets are held so that no description, debug description or dump
/// prints them.
public struct ResolvedSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The profile in use; nil when none was asked for and the file names no default.
    public var profileName: Sourced<String?>
    /// The config file looked for, whether or not it exists.
    public var configPath: String
    public var configFound: Bool
    /// nil when no space or base URL was given anywhere.
    public var endpoint: Sourced<Endpoint?>
    public var projectID: Sourced<String?>
    public var token: Sourced<ResolvedSecret>
    public var signingKey: Sourced<ResolvedSecret>
    /// Seconds between refreshes.
    public var refresh: Sourced<Double>
    /// No mutating action may run when this is true.
    public var readOnly: Sourced<Bool>
    public var callbackListen: Sourced<String?>
    public var callbackURL: Sourced<String?>
    /// The shared store as given (path or URL); nil: the file in confdash's state directory.
    public var store: Sourced<String?> = Sourced(nil, from: .defaultValue)
    /// The PostgreSQL store's password; resolved only when the store is a URL.
    public var storePassword: Sourced<ResolvedSecret> = Sourced(.notSet, from: .defaultValue)
    /// The most reads in flight at once: the client starts at `ConcurrencyLevel.defaultStart`
    /// (or this, if lower) and grows toward it while answers are fast.
    public var maxConcurrency: Sourced<Int> = Sourced(ConcurrencyLevel.defaultCeiling, from: .defaultValue)
    /// Action name to key, from the profile's `[profiles.NAME.keys]`.
    public var keyOverrides: Sourced<[String: String]>
    /// The saved view the dashboard opens with (`default_view`), if the profile names one.
    public var defaultView: Sourced<String?> = Sourced(nil, from: .defaultValue)

    public static let twilioStreamsMessage = "Twilio has no conference streams; stream actions are off for this profile"

    /// Twilio serves conferences and participants but has no conference streams.
    public var supportsStreams: Bool { !(endpoint.value?.isTwilio ?? false) }

    /// Why stream actions are off, for the status line; nil when they are available.
    public var streamsUnavailableReason: String? { supportsStreams ? nil : Self.twilioStreamsMessage }

    /// The endpoint, or the operator's message for a missing space.
    public func requireEndpoint() throws -> Endpoint {
        guard let endpoint = endpoint.value else {
            throw CompatError.invalidRequest(
                "no SignalWire space given (set SIGNALWIRE_SPACE, e.g. example or example.signalwire.com, "
                    + "or space in a profile of \(configPath))")
        }
        return endpoint
    }

    /// The Project ID and API token, or a message naming each thing that is missing and where to set it.
    public func credentials() throws -> Credentials {
        var missing: [String] = []
        if projectID.value == nil { missing.append("\(Credentials.projectIDVariable) (or project_id in a profile)") }
        if token.value.value == nil {
            if case .environment(let name) = token.value.origin, name != Credentials.apiTokenVariable {
                missing.append("\(name) (named by token_env in \(token.source))")
            } else {
                missing.append("\(Credentials.apiTokenVariable) (or a token in a profile)")
            }
        }
        guard missing.isEmpty, let project = projectID.value, let secret = token.value.value else {
            throw CompatError.invalidRequest("missing credentials: set \(missing.joined(separator: " and "))")
        }
        return Credentials(projectID: project, apiToken: secret)
    }

    /// One line per setting, secrets redacted: what `description` and `confdash info` show.
    public var rows: [ResolvedSettingRow] {
        func text(_ value: String?, or fallback: String) -> String { value ?? fallback }
        let keys = keyOverrides.value.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return [
            .init(setting: "profile", value: text(profileName.value, or: "none"), source: profileName.source),
            .init(setting: "endpoint", value: text(endpoint.value?.baseURL, or: "not set"), source: endpoint.source),
            .init(setting: "project_id", value: text(projectID.value, or: "not set"), source: projectID.source),
            .init(setting: "token", value: token.value.description, source: token.source),
            .init(setting: "signing_key", value: signingKey.value.description, source: signingKey.source),
            .init(setting: "refresh", value: "\(Self.seconds(refresh.value))s", source: refresh.source),
            .init(setting: "read_only", value: readOnly.value ? "yes" : "no", source: readOnly.source),
            .init(
                setting: "max_concurrency",
                value: "\(maxConcurrency.value) (reads start at \(min(ConcurrencyLevel.defaultStart, maxConcurrency.value)) in flight, "
                    + "grow to it while the service answers fast, halve on 429)",
                source: maxConcurrency.source),
            .init(setting: "callback_listen", value: text(callbackListen.value, or: "off"), source: callbackListen.source),
            .init(
                setting: "callback_url", value: text(callbackURL.value, or: "the receiver's own address"),
                source: callbackURL.source),
            .init(
                setting: "store", value: text(store.value, or: "the state directory's ledger.sqlite"), source: store.source),
            .init(setting: "store_password", value: storePassword.value.description, source: storePassword.source),
            .init(
                setting: "keys", value: keys.isEmpty ? "none" : keys.joined(separator: ", "), source: keyOverrides.source),
            .init(setting: "default_view", value: text(defaultView.value, or: "none"), source: defaultView.source),
            .init(
                setting: "streams", value: streamsUnavailableReason ?? "available", source: endpoint.source),
        ]
    }

    public var description: String {
        let width = rows.map(\.setting.count).max() ?? 0
        return rows.map { row in
            row.setting.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(row.value)  (\(row.source))"
        }.joined(separator: "\n")
    }

    public var debugDescription: String { description }

    /// `2`, `1.5`: no trailing `.0` for whole seconds.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}

/// One setting as the operator sees it: name, value with secrets redacted, where it came from.
public struct ResolvedSettingRow: Sendable, Hashable, Encodable {
    public var setting: String
    public var value: String
    public var source: SettingSource

    public init(setting: String, value: String, source: SettingSource) {
        self.setting = setting
        self.value = value
        self.source = source
    }

    enum CodingKeys: String, CodingKey { case setting, value, source, from }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(setting, forKey: .setting)
        try container.encode(value, forKey: .value)
        try container.encode(source.kind, forKey: .source)
        try container.encode(source.description, forKey: .from)
    }
}
