import CompatAPI
import Foundation

/// Decides every setting: flag, then environment, then profile, then default. Pure apart
/// from `runCommand`, which fetches a secret from a `token_command` (injected so tests need no
/// shell), and it runs only when that secret is the one that wins.
public enum ProfileResolution {
    public static let profileVariable = "CONFDASH_PROFILE"
    public static let refreshVariable = "CONFDASH_REFRESH"
    public static let readOnlyVariable = "CONFDASH_READONLY"
    public static let callbackListenVariable = "CONFDASH_CALLBACK_LISTEN"
    public static let callbackURLVariable = "CONFDASH_CALLBACK_URL"
    public static let signingKeyVariable = "SIGNALWIRE_SIGNING_KEY"
    public static let storeVariable = "CONFDASH_STORE"
    public static let storePasswordVariable = "CONFDASH_STORE_PASSWORD"
    public static let maxConcurrencyVariable = "CONFDASH_MAX_CONCURRENCY"
    public static let maxConcurrencyRange: ClosedRange<Int> = 1...64

    public static let defaultRefresh: Double = 2
    public static let refreshRange: ClosedRange<Double> = 1...3600

    /// Runs a secret's command: (command, which setting it is for) -> trimmed output.
    public typealias CommandRunner = (_ command: String, _ setting: String) throws -> String

    public static func resolve(
        flags: ProfileFlags, environment env: [String: String], config: ProfileConfigFile?, configPath: String,
        runCommand: CommandRunner = { try ProfileSecretCommand.run($0, setting: $1) }
    ) throws -> ResolvedSettings {
        // An empty variable counts as unset, as `SIGNALWIRE_SPACE= confdash` means "not this one".
        func envValue(_ name: String) -> String? {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                return nil
            }
            return value
        }
        let profileName = try pickProfile(flags: flags, env: envValue, config: config, configPath: configPath)
        let chosen: Profile? = try profileName.value.map { name in
            guard let config else { throw ProfileError.noConfigFile(path: configPath, profile: name) }
            guard let profile = config.profiles[name] else {
                throw ProfileError.unknownProfile(path: config.path, profile: name, known: config.profiles.keys.sorted())
            }
            return profile
        }

        /// The first of flag, environment, profile that has a value; nil when none has.
        func pick<T>(flag: (name: String, value: T?)?, env name: String?, parse: (String) throws -> T, profile: T?)
            rethrows -> Sourced<T>?
        {
            if let flag, let value = flag.value { return Sourced(value, from: .flag(flag.name)) }
            if let name, let text = envValue(name) { return Sourced(try parse(text), from: .environment(name)) }
            if let profile, let chosen { return Sourced(profile, from: .profile(chosen.name)) }
            return nil
        }
        /// A setting that may stay unset.
        func optional(_ found: Sourced<String>?) -> Sourced<String?> {
            found.map { Sourced($0.value, from: $0.source) } ?? Sourced(nil, from: .defaultValue)
        }

        let spaceText = optional(
            pick(flag: ("--space", flags.space), env: Credentials.spaceVariable, parse: { $0 }, profile: chosen?.space))
        let endpoint: Sourced<Endpoint?>
        do {
            endpoint = Sourced(try spaceText.value.map { try Endpoint($0) }, from: spaceText.source)
        } catch let error as CompatError {
            throw ProfileError.invalidSetting(name: "space (\(spaceText.source))", reason: error.operatorMessage)
        }

        // Credentials never come from flags: every user of a shared host can read argv.
        let projectID = optional(
            pick(flag: nil, env: Credentials.projectIDVariable, parse: { $0 }, profile: chosen?.projectID))

        let token = try secret(
            env: Credentials.apiTokenVariable, envValue: envValue, profile: chosen, source: chosen?.token,
            setting: "token_command", runCommand: runCommand)
        let signingKey = try secret(
            env: signingKeyVariable, envValue: envValue, profile: chosen, source: chosen?.signingKey,
            setting: "signing_key_command", runCommand: runCommand)

        let refresh = try pick(
            flag: ("--refresh", flags.refresh), env: refreshVariable,
            parse: { text in
                guard let value = Double(text) else {
                    throw ProfileError.invalidSetting(name: refreshVariable, reason: "\(text) is not a number of seconds")
                }
                return value
            }, profile: chosen?.refresh) ?? Sourced(defaultRefresh, from: .defaultValue)
        guard refreshRange.contains(refresh.value) else {
            throw ProfileError.invalidSetting(
                name: "refresh (\(refresh.source))",
                reason: "must be between 1 and 3600 seconds (got \(ResolvedSettings.seconds(refresh.value)))")
        }

        let readOnly = try pick(
            flag: ("--readonly", flags.readOnly), env: readOnlyVariable,
            parse: { text in
                switch text.lowercased() {
                case "1", "true", "yes", "on": return true
                case "0", "false", "no", "off": return false
                default:
                    throw ProfileError.invalidSetting(name: readOnlyVariable, reason: "\(text) is not yes or no")
                }
            }, profile: chosen?.readOnly) ?? Sourced(false, from: .defaultValue)

        let callbackListen = optional(
            pick(
                flag: ("--callback-listen", flags.callbackListen), env: callbackListenVariable, parse: { $0 },
                profile: chosen?.callbackListen))
        let callbackURL = optional(
            pick(
                flag: ("--callback-url", flags.callbackURL), env: callbackURLVariable, parse: { $0 },
                profile: chosen?.callbackURL))
        let maxConcurrency = try pick(
            flag: ("--max-concurrency", flags.maxConcurrency), env: maxConcurrencyVariable,
            parse: { text in
                guard let value = Int(text) else {
                    throw ProfileError.invalidSetting(name: maxConcurrencyVariable, reason: "\(text) is not a whole number")
                }
                return value
            }, profile: chosen?.maxConcurrency) ?? Sourced(ConcurrencyLevel.defaultCeiling, from: .defaultValue)
        guard maxConcurrencyRange.contains(maxConcurrency.value) else {
            throw ProfileError.invalidSetting(
                name: "max_concurrency (\(maxConcurrency.source))",
                reason: "must be from \(maxConcurrencyRange.lowerBound) to \(maxConcurrencyRange.upperBound) (got \(maxConcurrency.value))")
        }

        let keys: Sourced<[String: String]> =
            if let chosen, !chosen.keys.isEmpty { Sourced(chosen.keys, from: .profile(chosen.name)) } else {
                Sourced([:], from: .defaultValue)
            }

        var settings = ResolvedSettings(
            profileName: profileName, configPath: config?.path ?? configPath, configFound: config != nil,
            endpoint: endpoint, projectID: projectID, token: token, signingKey: signingKey, refresh: refresh,
            readOnly: readOnly, callbackListen: callbackListen, callbackURL: callbackURL, keyOverrides: keys)
        settings.maxConcurrency = maxConcurrency
        if let chosen, let view = chosen.defaultView { settings.defaultView = Sourced(view, from: .profile(chosen.name)) }
        settings.store = optional(
            pick(flag: ("--store", flags.store), env: storeVariable, parse: { $0 }, profile: chosen?.store))
        // Only a PostgreSQL store has a password; its command runs only then.
        if let store = settings.store.value, store.lowercased().hasPrefix("postgres") {
            settings.storePassword = try secret(
                env: storePasswordVariable, envValue: envValue, profile: chosen, source: chosen?.storePassword,
                setting: "store_password_command", runCommand: runCommand)
        }
        return settings
    }

    /// `--profile`, then `CONFDASH_PROFILE`, then the file's `default_profile`; none at all is fine.
    private static func pickProfile(
        flags: ProfileFlags, env: (String) -> String?, config: ProfileConfigFile?, configPath: String
    ) throws -> Sourced<String?> {
        if let name = flags.profile { return Sourced(name, from: .flag("--profile")) }
        if let name = env(profileVariable) { return Sourced(name, from: .environment(profileVariable)) }
        if let config, let name = config.defaultProfile {
            return Sourced(name, from: .configFile("default_profile"))
        }
        return Sourced(nil, from: .defaultValue)
    }

    /// The environment variable wins; otherwise the profile's inline value, variable or command.
    private static func secret(
        env name: String, envValue: (String) -> String?, profile: Profile?, source: SecretSource?, setting: String,
        runCommand: CommandRunner
    ) throws -> Sourced<ResolvedSecret> {
        if let value = envValue(name) {
            return Sourced(ResolvedSecret(value: value, origin: .environment(name)), from: .environment(name))
        }
        guard let profile, let source else { return Sourced(.notSet, from: .defaultValue) }
        let resolved: ResolvedSecret =
            switch source {
            case .inline(let value): ResolvedSecret(value: value, origin: .inline)
            case .environment(let variable): ResolvedSecret(value: envValue(variable), origin: .environment(variable))
            case .command(let command):
                ResolvedSecret(
                    value: try runCommand(command, "\(setting) of profile \(profile.name)"), origin: .command)
            }
        return Sourced(resolved, from: .profile(profile.name))
    }
}
