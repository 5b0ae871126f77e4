import ArgumentParser
import Foundation
import Ledger

extension StreamsCommand {
    /// `confdash streams list [CONF] [--json]`: the streams the ledger knows, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the streams confdash started or learned of, from its ledger.",
            discussion: """
                The service cannot list a conference's streams, so this reads confdash's own ledger: streams \
                started from the dashboard or `streams start`, tracked by hand, or learned from status callbacks. \
                It does not call the service.
                """)

        @OptionGroup var ledgerOptions: LedgerOptions

        @Argument(help: "Only this conference (its sid, or its name as the ledger recorded it).")
        var conference: String?

        @OptionGroup var format: ListFormat

        func run() async throws {
            let ledger = try ledgerOptions.open()
            var streams = try await ledgerCall { try await ledger.streams() }
            if let conference {
                streams = streams.filter { $0.conferenceSid == conference || $0.conferenceName == conference }
            }
            if try format.printed(streams.map(StreamJSON.init)) {
                return
            } else if streams.isEmpty {
                Output.note(conference.map { "No streams recorded for \($0)." } ?? "No streams recorded.")
            } else {
                Output.line(Self.table(streams))
                Output.note(Output.count(streams.count, "stream"))
            }
        }

        static func table(_ streams: [StreamRecord]) -> String {
            var table = TextTable(["SID", "NAME", "CONFERENCE", "STATUS", "TRACK", "CODEC", "STARTED", "FROM"])
            for s in streams {
                // For a stream started here, no track or codec means the service's default; for one
                // learned elsewhere it means nobody told us.
                let unset = s.url == nil ? "-" : "default"
                table.add([
                    s.sid, s.name ?? "-", s.conferenceName ?? s.conferenceSid,
                    s.status.rawValue + (s.statusReason.map { " (\($0))" } ?? ""),
                    s.track?.rawValue ?? unset, s.codec?.rawValue ?? unset,
                    Output.timestamp(s.startedAt), s.startedFrom.rawValue,
                ])
            }
            return table.render()
        }
    }
}
