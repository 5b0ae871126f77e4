import ArgumentParser
import CompatAPI
import Foundation
import Ledger

/// `confdash conferences list`: the conferences of the space, all pages.
struct ConferencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conferences", abstract: "List conferences; end one or announce to it.",
        subcommands: [List.self, ConferenceActionCommands.End.self, ConferenceActionCommands.Announce.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List conferences (every page).")

        @OptionGroup var connection: ConnectionOptions

        /// Read, never created: a completed conference ends the streams the ledger holds open.
        @OptionGroup var ledgerOptions: LedgerOptions

        @Option(help: "Only conferences in this status: init, in-progress or completed.")
        var status: String?

        @Option(help: "Only conferences with exactly this friendly name.")
        var name: String?

        @Option(help: "Only conferences created on this day (YYYY-MM-DD).")
        var createdOn: String?
        @Option(help: "Only conferences created before this day (YYYY-MM-DD).")
        var createdBefore: String?
        @Option(help: "Only conferences created after this day (YYYY-MM-DD).")
        var createdAfter: String?
        @Option(help: "Only conferences updated on this day (YYYY-MM-DD).")
        var updatedOn: String?
        @Option(help: "Only conferences updated before this day (YYYY-MM-DD).")
        var updatedBefore: String?
        @Option(help: "Only conferences updated after this day (YYYY-MM-DD).")
        var updatedAfter: String?

        @Option(help: "Conferences per request (1-1000).")
        var pageSize: Int = 1000

        @OptionGroup var format: ListFormat

        func validate() throws {
            if let status, ConferenceStatus.parse(status) == nil {
                throw ValidationError("--status must be one of init, in-progress, completed (got \(status))")
            }
            if let name, name.count > 64 { throw ValidationError("--name is at most 64 characters") }
            for (flag, value) in [
                ("--created-on", createdOn), ("--created-before", createdBefore), ("--created-after", createdAfter),
                ("--updated-on", updatedOn), ("--updated-before", updatedBefore), ("--updated-after", updatedAfter),
            ] {
                if let value, !DayFormat.isValid(value) {
                    throw ValidationError("\(flag) must be a day as YYYY-MM-DD (got \(value))")
                }
            }
            guard (1...1000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 1000") }
        }

        func run() async throws {
            let filter = ConferenceFilter(
                friendlyName: name, status: status.flatMap(ConferenceStatus.parse), dateCreated: createdOn,
                dateCreatedBefore: createdBefore, dateCreatedAfter: createdAfter, dateUpdated: updatedOn,
                dateUpdatedBefore: updatedBefore, dateUpdatedAfter: updatedAfter, pageSize: pageSize)
            let conferences = try await withClient(connection) { try await $0.conferences(filter) }
            await EndedStreams.mark(conferences, in: ledgerOptions)
            if try format.printed(conferences.map(ConferenceJSON.init)) { return }
            guard !conferences.isEmpty else {
                Output.note("No conferences match.")
                return
            }
            var table = TextTable(["SID", "NAME", "STATUS", "REGION", "CREATED", "AGE"])
            for c in conferences {
                table.add([
                    c.sid, c.friendlyName, c.status.rawValue, c.region, c.dateCreated.date.map(Output.timestamp) ?? c.dateCreated.raw,
                    Output.age(c.dateCreated),
                ])
            }
            Output.line(table.render())
            Output.note(Output.count(conferences.count, "conference"))
        }
    }
}

/// `YYYY-MM-DD`, the only date form the list filters accept.
enum DayFormat {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let m = Int(parts[1]), let d = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }
}
