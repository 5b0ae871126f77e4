import ArgumentParser
import CompatAPI
import Foundation

/// `confdash participants list CONF`: who is in a conference.
struct ParticipantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participants", abstract: "List a conference's participants; mute, hold, remove, coach, announce to or record one.",
        subcommands: [
            List.self, ParticipantActionCommands.Mute.self, ParticipantActionCommands.Unmute.self,
            ParticipantActionCommands.Hold.self, ParticipantActionCommands.Unhold.self,
            ParticipantActionCommands.Remove.self, ParticipantActionCommands.Coach.self,
            ParticipantActionCommands.StopCoaching.self, ParticipantActionCommands.Announce.self,
            ParticipantActionCommands.Record.self,
        ],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the participants of a conference.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Option(help: "Only muted (true) or unmuted (false) participants.")
        var muted: Bool?

        @Option(help: "Only participants on hold (true) or not (false).")
        var hold: Bool?

        @OptionGroup var format: ListFormat

        func run() async throws {
            let filter = ParticipantFilter(muted: muted, hold: hold, pageSize: 1000)
            let participants = try await withClient(connection) {
                try await $0.participants(conference: conference, filter: filter)
            }
            if try format.printed(participants.map(ParticipantJSON.init)) { return }
            guard !participants.isEmpty else {
                Output.note("No participants in \(conference).")
                return
            }
            var table = TextTable(["CALL SID", "STATUS", "MUTED", "HOLD", "COACHING", "JOINED"])
            for p in participants {
                table.add([
                    p.callSid, p.status.rawValue, Output.yesNo(p.muted), Output.yesNo(p.hold), Output.yesNo(p.coaching),
                    Output.age(p.dateCreated) + " ago",
                ])
            }
            Output.line(table.render())
            Output.note(Output.count(participants.count, "participant"))
        }
    }
}
