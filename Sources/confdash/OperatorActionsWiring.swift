import ArgumentParser
import CompatAPI
import OperatorActions
import Profiles
import Ledger

/// The audited actions for a scripting command, under the profile and read-only mode it
/// resolved (`--profile`, `--readonly`, the profile's read_only): the CLI's one place for both.
func operatorActions(_ client: CompatClient, _ ledger: StreamLedger, _ settings: ResolvedSettings) -> OperatorActions {
    OperatorActions(
        client: client, ledger: ledger, profile: settings.profileName.value, origin: .cli,
        readOnly: settings.readOnly.value)
}

/// What every audited command takes: the service it acts on and the ledger that records it.
struct ActionOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var ledgerOptions: LedgerOptions

    /// Opens the ledger before connecting: an action that cannot be audited, or a stream that
    /// could not be recorded and so never listed again, is not taken.
    func withActions<T>(_ body: (OperatorActions, CompatClient, StreamLedger) async throws -> T) async throws -> T {
        return try await withClient(connection) { client, settings in
            let ledger = try ledgerOptions.open(settings: settings)
            return try await body(operatorActions(client, ledger, settings), client, ledger)
        }
    }
}
