import ArgumentParser
import CompatAPI
import Profiles
import Foundation
import Logging

/// Where to reach the API. The credentials come from the environment or a profile, never argv.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "SignalWire space or API base URL (default: $SIGNALWIRE_SPACE, then the profile's).")
    var space: String?

    @OptionGroup var profile: ProfileOptions

    @Option(help: "Seconds to wait for each request.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    /// Every setting: flag, environment, profile, default. `flags` adds the calling command's
    /// own flags (the dashboard's refresh and callback receiver).
    func resolve(_ flags: ProfileFlags = ProfileFlags()) throws -> ResolvedSettings {
        var flags = flags
        flags.space = space
        return try profile.resolve(flags)
    }

    /// The settings for `:profile NAME`: that profile as the config file defines it. The
    /// launch's --space flag and the connection variables (SIGNALWIRE_SPACE, _PROJECT_ID,
    /// _API_TOKEN, _SIGNING_KEY, CONFDASH_PROFILE) chose the launch profile's connection and are
    /// left out; a variable the profile names for its token (`token_env`) still counts, as do
    /// --readonly and --refresh, which are the operator's for the whole session.
    func resolve(_ flags: ProfileFlags, switchingTo name: String) throws -> ResolvedSettings {
        var flags = flags
        flags.profile = name
        let launchOnly: Set<String> = [
            Credentials.spaceVariable, Credentials.projectIDVariable, Credentials.apiTokenVariable,
            ProfileResolution.signingKeyVariable, ProfileResolution.profileVariable,
        ]
        let environment = ProcessInfo.processInfo.environment.filter { !launchOnly.contains($0.key) }
        return try profile.resolve(flags, environment: environment, profileByName: name)
    }

    /// Profile `name`'s own connection for the dashboard (`:profile NAME`, every space at once):
    /// its settings as the file defines them, and a client that reads lean and gives up fast.
    func dashboardClient(profile name: String, flags: ProfileFlags) throws -> (ResolvedSettings, CompatClient) {
        let settings = try resolve(flags, switchingTo: name)
        do {
            return (
                settings,
                try makeClient(settings: settings, retryPolicy: RetryPolicy(maxAttempts: 2), timeout: .seconds(5), leanReads: true)
            )
        } catch let error as CompatError {
            throw CLIError(message: error.operatorMessage)
        }
    }

    func makeClient(retryPolicy: RetryPolicy = .default, timeout: Duration? = nil) throws -> CompatClient {
        try makeClient(settings: resolve(), retryPolicy: retryPolicy, timeout: timeout)
    }

    /// `leanReads`: the client feeds a dashboard (see `CompatClient.leanReads`).
    func makeClient(
        settings: ResolvedSettings, retryPolicy: RetryPolicy = .default, timeout: Duration? = nil, leanReads: Bool = false
    ) throws -> CompatClient {
        let endpoint = try settings.requireEndpoint()
        let credentials = try settings.credentials()
        return CompatClient(
            endpoint: endpoint, credentials: credentials,
            requestTimeout: timeout ?? .milliseconds(Int64(self.timeout * 1000)), retryPolicy: retryPolicy,
            maxConcurrency: settings.maxConcurrency.value, logger: Logger(label: "confdash.api"), leanReads: leanReads,
            // A dashboard's burst of reads lets its extra connections go soon after; a command
            // line's client lives for one command.
            idleConnectionTimeout: leanReads
                ? CompatClient.idleConnectionTimeout(refreshSeconds: settings.refresh.value) : .seconds(60))
    }
}

/// Runs `body` with a client and always closes it; API errors become one line on stderr and
/// the exit status for what went wrong (`ExitStatus`).
func withClient<T>(_ options: ConnectionOptions, _ body: (CompatClient) async throws -> T) async throws -> T {
    try await withClient(options) { client, _ in try await body(client) }
}

/// The same, also handing over the resolved settings (profile name, read-only) the command
/// runs under, so a mutation can be refused or audited without resolving twice.
func withClient<T>(_ options: ConnectionOptions, _ body: (CompatClient, ResolvedSettings) async throws -> T)
    async throws -> T
{
    LogSetup.toFile()
    let settings = try options.resolve()
    let client: CompatClient
    do {
        client = try options.makeClient(settings: settings)
    } catch let error as CompatError {
        throw CLIError(error, mutation: false)
    }
    do {
        let result = try await body(client, settings)
        await client.shutdown()
        return result
    } catch let error as CompatError {
        // A change goes through `OperatorActions`, which never throws the service's errors:
        // what arrives here failed a read.
        await client.shutdown()
        throw CLIError(error, mutation: false)
    } catch {
        await client.shutdown()
        throw error
    }
}
