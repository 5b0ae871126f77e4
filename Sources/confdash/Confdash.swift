import ArgumentParser

/// The `confdash` command: the dashboard, the emulator and the scripting commands.
@main
struct Confdash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confdash",
        abstract: "Watch live SignalWire conferences and start and stop their media streams.",
        discussion: """
            Credentials come from the environment, never from the command line:
              SIGNALWIRE_SPACE        your space (example, example.signalwire.com) or a base URL
              SIGNALWIRE_PROJECT_ID   the Project ID
              SIGNALWIRE_API_TOKEN    the API token
            or from a profile in $XDG_CONFIG_HOME/confdash/config.toml (--profile NAME; see: confdash info).
            """,
        version: ConfdashVersionText.text,
        subcommands: [
            DashboardCommand.self, DemoCommand.self, EmulatorCommand.self, ConferencesCommand.self,
            ParticipantsCommand.self, RecordingsCommand.self, StreamsCommand.self, InfoCommand.self, AuditCommand.self,
            ReceiverCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// Errors from swift-argument-parser read `confdash: …`, like every other failure.
    static var _errorPrefix: String { Output.prefix }

    /// Sets the allocator up before anything runs (before any thread could take an arena), then
    /// parses and runs the command; every failure ends in `CLIExit`, the one place an error
    /// becomes an exit status (see `ExitStatus`).
    static func main() async {
        Allocator.shareArenas()
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CLIExit.terminate(error)
        }
    }
}

enum ConfdashVersionText {
    static let text = "confdash 0.1.0"
}
