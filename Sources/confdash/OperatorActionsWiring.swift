import CompatAPI
import Dashboard
import Ledger

/// The audited actions for a scripting command, under the profile and read-only mode it
/// resolved (`--profile`, `--readonly`, the profile's read_only): the CLI's one place for both.
func operatorActions(_ client: CompatClient, _ ledger: StreamLedger, _ settings: ResolvedSettings) -> OperatorActions {
    OperatorActions(
        client: client, ledger: ledger, profile: settings.profileName.value, origin: .cli,
        readOnly: settings.readOnly.value)
}
