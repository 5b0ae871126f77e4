import Foundation

/// One profile as the team receiver (`confdash receiver`) serves it: the key its callbacks are
/// signed with and the URL the service is told to call for it. The key is a secret: no
/// description, debug description or dump shows it.
public struct ReceiverProfileSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var name: String
    /// The profile's signing key; `value` is nil when it has none (the receiver skips it).
    public var signingKey: ResolvedSecret
    /// Where the key was looked for, for the warning when there is none (`signing_key_env PROD_KEY`).
    public var keySetting: String
    /// The profile's `callback_url`: the public URL the service calls, and signs, for this
    /// profile's stream callbacks. Nil: the receiver derives one from its own public URL.
    public var callbackURL: String?

    public init(name: String, signingKey: ResolvedSecret, keySetting: String, callbackURL: String?) {
        self.name = name
        self.signingKey = signingKey
        self.keySetting = keySetting
        self.callbackURL = callbackURL
    }

    public var description: String {
        "\(name): signing key \(signingKey) (\(keySetting)), callback_url \(callbackURL ?? "none")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["profile": description]) }
}

/// Which profiles the team receiver serves, each with its own key: every profile of the config
/// file, or, without a config file (or with one that has no profiles), the environment's single
/// profile under the name `default`.
///
/// With a config file, each profile's key is its own (`signing_key`, `signing_key_env`,
/// `signing_key_command`): SIGNALWIRE_SIGNING_KEY, which overrides the one profile a dashboard
/// runs, would otherwise give every profile the same key.
public enum ReceiverProfiles {
    /// The name of the environment's profile when there is no config file.
    public static let environmentProfile = "default"

    public static func resolve(
        config: ProfileConfigFile?, environment env: [String: String],
        runCommand: ProfileResolution.CommandRunner = { try ProfileSecretCommand.run($0, setting: $1) }
    ) throws -> [ReceiverProfileSettings] {
        func envValue(_ name: String) -> String? {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                return nil
            }
            return value
        }
        guard let config, !config.profiles.isEmpty else {
            let variable = ProfileResolution.signingKeyVariable
            return [
                ReceiverProfileSettings(
                    name: environmentProfile,
                    signingKey: ResolvedSecret(value: envValue(variable), origin: .environment(variable)),
                    keySetting: "env \(variable)", callbackURL: envValue(ProfileResolution.callbackURLVariable))
            ]
        }
        return try config.profiles.keys.sorted().map { name in
            let profile = config.profiles[name]!
            let key: ResolvedSecret
            let setting: String
            switch profile.signingKey {
            case nil:
                key = .notSet
                setting = "no signing_key, signing_key_env or signing_key_command"
            case .inline(let value)?:
                key = ResolvedSecret(value: value, origin: .inline)
                setting = "signing_key"
            case .environment(let variable)?:
                key = ResolvedSecret(value: envValue(variable), origin: .environment(variable))
                setting = "signing_key_env \(variable)"
            case .command(let command)?:
                key = ResolvedSecret(
                    value: try runCommand(command, "signing_key_command of profile \(name)"), origin: .command)
                setting = "signing_key_command"
            }
            return ReceiverProfileSettings(
                name: name, signingKey: key, keySetting: setting, callbackURL: profile.callbackURL)
        }
    }
}
