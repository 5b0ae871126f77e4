import Foundation

/// Where a profile says a secret (the API token, the signing key) comes from.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Written in the config file itself (the file must then be private to its owner).
    case inline(String)
    /// The name of an environment variable that holds it.
    case environment(String)
    /// A shell command whose trimmed standard output is the secret, e.g. `pass show sw/prod`.
    case command(String)

    public var isInline: Bool {
        if case .inline = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .inline: "inline"
        case .environment(let name): "env \(name)"
        case .command: "command"
        }
    }

    public var debugDescription: String { description }

    // dump() walks stored values; an inline secret must not show up there.
    public var customMirror: Mirror { Mirror(self, children: ["source": description]) }
}

/// A secret's value once resolved, with where it came from; the value never appears in a
/// description, a debug description or a dump.
public struct ResolvedSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// How the operator reads where the value came from.
    public enum Origin: Sendable, Hashable {
        case environment(String)
        case inline
        case command
        case notSet
    }

    /// Present only when the secret is set and not empty.
    public let value: String?
    public let origin: Origin

    public init(value: String?, origin: Origin) {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.value = (trimmed?.isEmpty ?? true) ? nil : trimmed
        self.origin = origin
    }

    public static let notSet = ResolvedSecret(value: nil, origin: .notSet)

    public var isSet: Bool { value != nil }

    /// `set (from env PROD_SW_TOKEN)`, `set (inline)`, `set (from command)`, `not set`.
    public var description: String {
        switch (value, origin) {
        case (nil, .environment(let name)): "not set (env \(name) is empty)"
        case (nil, _): "not set"
        case (_, .environment(let name)): "set (from env \(name))"
        case (_, .inline): "set (inline)"
        case (_, .command): "set (from command)"
        case (_, .notSet): "not set"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["state": description]) }
}
