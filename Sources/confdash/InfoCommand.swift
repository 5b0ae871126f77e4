import ArgumentParser
import Profiles
import Foundation
import Ledger

/// `confdash info`: the settings confdash would run with and where each came from, the files
/// it uses and its versions. Secrets are shown only as set or not set, and from where.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the resolved profile, the paths in use and the versions (secrets redacted).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var ledger: LedgerOptions

    @Option(help: "Seconds between refreshes, as the dashboard would take it.")
    var refresh: Double?

    @OptionGroup var callbacks: CallbackOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let settings = try connection.resolve(
            callbacks.flags(refresh: refresh))
        let report = ProfileReport(
            settings: settings,
            paths: .init(
                configFile: settings.configPath, configFileExists: settings.configFound,
                stateDirectory: StatePaths.stateDirectory().path,
                ledger: (try? ledger.location(settings: settings).description) ?? "invalid store",
                logFile: StatePaths.logFile().path),
            versions: .init(confdash: ConfdashVersionText.text))
        if json {
            try Output.json(InfoJSON(report))
        } else {
            Output.line(report.text)
        }
    }
}
