/// Where a resolved setting came from, so `confdash info` can answer "why is it this?".
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag, e.g. `--space`.
    case flag(String)
    /// An environment variable, e.g. `SIGNALWIRE_SPACE`.
    case environment(String)
    /// The named profile in the config file.
    case profile(String)
    /// A top-level key of the config file, e.g. `default_profile`.
    case configFile(String)
    case defaultValue

    /// `flag`, `env`, `profile` or `default`: the short kind, for JSON.
    public var kind: String {
        switch self {
        case .flag: "flag"
        case .environment: "env"
        case .profile, .configFile: "profile"
        case .defaultValue: "default"
        }
    }

    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let name): "env \(name)"
        case .profile(let name): "profile \(name)"
        case .configFile(let key): "config \(key)"
        case .defaultValue: "default"
        }
    }
}

/// A resolved value and where it came from.
public struct Sourced<Value: Sendable>: Sendable {
    public var value: Value
    public var source: SettingSource

    public init(_ value: Value, from source: SettingSource) {
        self.value = value
        self.source = source
    }
}

extension Sourced: Equatable where Value: Equatable {}
