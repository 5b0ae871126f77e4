import ArgumentParser
import CompatAPI
import Dispatch
import Emulator
import Foundation
import Logging

/// `confdash emulator`: the built-in Compatibility API emulator, for demos, tests and scripts.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the local Compatibility API emulator until interrupted.")

    @Option(help: "Address to listen on (loopback unless you mean it).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8787

    @Option(help: "Seed for the generated world: the same seed gives the same conferences.")
    var seed: UInt64 = 1

    @Option(help: "How many conferences to create at start.")
    var conferences = 12

    @Flag(help: "Keep the world moving: conferences start and end, participants join, leave and mute.")
    var churn = false

    @Option(help: "Delay every API response by this many milliseconds.")
    var latencyMs = 0

    @Option(help: "Fraction of API requests (0-1) answered with a 500.")
    var failRate = 0.0

    @Option(help: "Answer 429 after this many API requests in one second.")
    var rateLimit: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...100_000).contains(conferences) else { throw ValidationError("--conferences must be 0 to 100000") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
    }

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.seed = seed
        configuration.conferences = conferences
        configuration.churn = churn
        configuration.faults.latencyMs = latencyMs
        configuration.faults.failRate = failRate
        configuration.faults.rateLimit = rateLimit
        var logger = Logger(label: "confdash.emulator")
        logger.logLevel = .warning
        let server: EmulatorServer
        do {
            server = try await EmulatorServer.start(configuration, logger: logger)
        } catch {
            throw CLIError(message: "cannot start the emulator on \(host):\(port): \(error)")
        }
        let origin = "http://\(host.contains(":") ? "[\(host)]" : host):\(server.port)"
        Output.line(
            """
            confdash emulator listening on \(server.baseURL)
            Admin surface: \(server.adminURL)

            Demo credentials (they work only here):
              export SIGNALWIRE_SPACE=\(origin)
              export SIGNALWIRE_PROJECT_ID=\(configuration.accountSid)
              export SIGNALWIRE_API_TOKEN=\(configuration.apiToken)
              export SIGNALWIRE_SIGNING_KEY=\(configuration.signingKey)
            then, in another shell:
              confdash conferences list

            Press Ctrl-C to stop.
            """)
        await Self.waitForInterrupt()
        await server.stop()
    }

    /// Returns on SIGINT or SIGTERM. On Linux libdispatch takes these signals over (no SIG_IGN
    /// first, or they are lost), so the process can stop the server cleanly.
    static func waitForInterrupt() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
