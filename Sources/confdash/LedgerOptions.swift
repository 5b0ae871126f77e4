import ArgumentParser
import Foundation
import Ledger
import Profiles

/// Where the store is: `--store`, then `CONFDASH_STORE`, then the profile's `store`, then the
/// SQLite file in confdash's state directory. A PostgreSQL store's password comes from
/// `CONFDASH_STORE_PASSWORD` or the profile's `store_password_env`/`store_password_command`,
/// never from argv or a URL.
struct LedgerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The store: a SQLite file or postgres://USER@HOST:PORT/DATABASE (default: $CONFDASH_STORE, the profile's store, then <state dir>/ledger.sqlite).",
            valueName: "path-or-url"))
    var store: String?

    /// The older name of `--store`, for a file; kept so existing scripts still run.
    @Option(name: .customLong("ledger"), help: .hidden)
    var ledger: String?

    /// The store as the flags, environment and profile name it, without opening it.
    func location(
        settings: ResolvedSettings? = nil, environment env: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> StoreLocation {
        try StoreSetting.location(flag: store ?? ledger, settings: settings, environment: env)
    }

    /// The SQLite file, when the store is one (for the commands that only read an existing file).
    var file: URL? {
        if case .file(let url)? = try? location() { return url }
        return nil
    }

    /// Opens (or creates) the store; failing to is a clear error naming it.
    func open(settings: ResolvedSettings? = nil) throws -> StreamLedger {
        do {
            return try StreamLedger(location(settings: settings))
        } catch let error as LedgerError {
            throw CLIError(message: error.description)
        }
    }
}

/// Resolving the store setting where a command has no resolved profile settings of its own:
/// the config file's chosen profile (`CONFDASH_PROFILE`, then `default_profile`) is read for its
/// `store` keys only, so no API token command runs for a command that only reads the store.
enum StoreSetting {
    static func location(flag: String?, settings: ResolvedSettings?, environment env: [String: String]) throws
        -> StoreLocation
    {
        var text: String?
        var password: String?
        if let settings {
            text = flag ?? settings.store.value
            password = settings.storePassword.value.value
        } else {
            text = flag ?? nonEmpty(env[ProfileResolution.storeVariable])
            let chosen = try profile(env)
            text = text ?? chosen?.store
            if let text, text.lowercased().hasPrefix("postgres") {
                password = nonEmpty(env[ProfileResolution.storePasswordVariable])
                if password == nil, let chosen, let source = chosen.storePassword {
                    password = try secret(source, profile: chosen.name, env: env)
                }
            }
        }
        if password == nil { password = nonEmpty(env[ProfileResolution.storePasswordVariable]) }
        guard let text else {
            return .file(StreamLedger.defaultFile(inStateDirectory: StatePaths.stateDirectory()))
        }
        do {
            return try StoreLocation.parse(text, password: password)
        } catch {
            throw CLIError(message: error.description, status: .usage)
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    static func profile(_ env: [String: String]) throws -> Profile? {
        do {
            guard let config = try ProfileConfigFile.load(ProfileConfigFile.defaultPath(env)) else { return nil }
            guard let name = nonEmpty(env[ProfileResolution.profileVariable]) ?? config.defaultProfile else {
                return nil
            }
            return config.profiles[name]
        } catch let error as ProfileError {
            throw CLIError(message: error.description, status: .usage)
        }
    }

    static func secret(_ source: SecretSource, profile: String, env: [String: String]) throws -> String? {
        switch source {
        case .inline(let value): return value
        case .environment(let variable): return nonEmpty(env[variable])
        case .command(let command):
            do {
                return try ProfileSecretCommand.run(command, setting: "store_password_command of profile \(profile)")
            } catch let error as ProfileError {
                throw CLIError(message: error.description, status: .usage)
            }
        }
    }
}

/// Runs a ledger operation, turning its failure into one line for the operator.
@discardableResult
func ledgerCall<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LedgerError {
        throw CLIError(message: error.description)
    }
}
