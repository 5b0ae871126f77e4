import ArgumentParser
import CompatAPI
import Foundation
import Logging

/// Where to reach the API. The credentials themselves are read from the environment only.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "SignalWire space or API base URL (default: $SIGNALWIRE_SPACE).")
    var space: String?

    @Option(help: "Seconds to wait for each request.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func makeClient(retryPolicy: RetryPolicy = .default, timeout: Duration? = nil) throws -> CompatClient {
        let env = ProcessInfo.processInfo.environment
        let spaceText = space ?? env[Credentials.spaceVariable] ?? ""
        let endpoint = try Endpoint(spaceText)
        let credentials = try Credentials.fromEnvironment(env)
        return CompatClient(
            endpoint: endpoint, credentials: credentials,
            requestTimeout: timeout ?? .milliseconds(Int64(self.timeout * 1000)), retryPolicy: retryPolicy,
            logger: Logger(label: "confdash.api"))
    }
}

/// Runs `body` with a client and always closes it; API errors become one line on stderr and
/// exit status 1.
func withClient<T>(_ options: ConnectionOptions, _ body: (CompatClient) async throws -> T) async throws -> T {
    LogSetup.toFile()
    let client: CompatClient
    do {
        client = try options.makeClient()
    } catch let error as CompatError {
        throw CLIError(message: error.operatorMessage)
    }
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch let error as CompatError {
        await client.shutdown()
        throw CLIError(message: error.operatorMessage)
    } catch {
        await client.shutdown()
        throw error
    }
}

/// A failure already put in the operator's words: printed as `confdash: …`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension CLIError: LocalizedError {
    var errorDescription: String? { message }
}
