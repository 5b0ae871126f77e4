import ArgumentParser
import Foundation
import Ledger

/// `confdash audit`: the audit trail of every mutation made from this host's ledger.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit trail: every stream, conference and participant action, newest first.")

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: "Show at most this many entries.")
    var limit: Int = 500

    @Option(help: ArgumentHelp("Only the actions on this conference.", valueName: "sid"))
    var conference: String?

    @OptionGroup var format: ListFormat

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let ledger = try ledgerOptions.open()
        let entries = try await ledgerCall { try await ledger.auditEntries(limit: limit, conferenceSid: conference) }
        if try format.printed(entries.map(AuditJSON.init)) { return }
        guard !entries.isEmpty else {
            Output.note(conference.map { "No audited actions on \($0)." } ?? "No audited actions.")
            return
        }
        var table = TextTable(["TIME", "USER", "PROFILE", "ACTION", "CONFERENCE", "TARGET", "OUTCOME", "DETAIL"])
        for e in entries {
            table.add([
                Output.timestamp(e.at), e.localUser, e.profile ?? "-", e.action.rawValue, e.conferenceSid,
                e.targetSid ?? "-", e.outcome.rawValue, Self.oneLine(e.detail ?? ""),
            ])
        }
        Output.line(table.render())
    }

    /// A service message may hold newlines; a table row may not.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
