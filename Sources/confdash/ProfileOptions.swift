import ArgumentParser
import Profiles
import Foundation

/// Which profile of the config file to use, and read-only mode: shared by every command that
/// talks to the service.
struct ProfileOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The profile in the config file (default: $CONFDASH_PROFILE, then the file's default_profile).",
            valueName: "name"))
    var profile: String?

    @Flag(name: .customLong("readonly"), help: "No mutating action: look, never touch (a profile's read_only does the same).")
    var readOnly = false

    /// Reads the config file (if there is one) and resolves every setting: flag, environment,
    /// profile, default. `flags` carries the calling command's own flags.
    func resolve(
        _ flags: ProfileFlags, environment env: [String: String] = ProcessInfo.processInfo.environment,
        profileByName: String? = nil
    ) throws -> ResolvedSettings {
        var flags = flags
        flags.profile = profileByName ?? profile
        // Absent means "no opinion", so the environment or the profile can still turn it on.
        flags.readOnly = readOnly ? true : nil
        let path = ProfileConfigFile.defaultPath(env)
        do {
            let config = try ProfileConfigFile.load(path)
            return try ProfileResolution.resolve(flags: flags, environment: env, config: config, configPath: path.path)
        } catch let error as ProfileError {
            throw CLIError(message: error.description, status: .usage)
        }
    }
}
