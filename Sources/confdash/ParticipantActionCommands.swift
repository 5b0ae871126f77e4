import ArgumentParser
import CompatAPI
import OperatorActions
import Profiles
import Foundation

/// `confdash participants mute|unmute|hold|unhold|remove`: the participant actions, audited
/// with origin `cli`.
enum ParticipantActionCommands {
    /// What every participant action takes: where the service is, the ledger its audit row
    /// goes to, and the conference and call it names.
    struct Target: ParsableArguments {
        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Argument(help: "The participant's call sid.")
        var call: String

        @Flag(help: "Print the participant as the service answered, as JSON.")
        var json = false

        func act(_ body: (OperatorActions) async -> OperatorActionResult<Participant>) async throws {
            let result = try await scope.withActions { actions, _, _ in await body(actions) }
            try report(result, json: json) { ParticipantJSON($0) }
        }
    }

    struct Mute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mute a participant.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act { await $0.setMuted(conference: target.conference, call: target.call, true) }
        }
    }

    struct Unmute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unmute a participant.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act { await $0.setMuted(conference: target.conference, call: target.call, false) }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a participant on hold.")
        @OptionGroup var target: Target

        @Option(help: "Hold music: a TwiML/LaML document URL (default: the service's).")
        var holdUrl: String?

        func run() async throws {
            try await target.act {
                await $0.setHold(conference: target.conference, call: target.call, true, holdUrl: holdUrl)
            }
        }
    }

    struct Unhold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a participant off hold.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act { await $0.setHold(conference: target.conference, call: target.call, false) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a participant from a conference (asks first unless --yes).")
        @OptionGroup var target: Target

        @Flag(help: "Do not ask; needed when standard input is not a terminal.")
        var yes = false

        func run() async throws {
            try Confirmation.require("Remove \(target.call) from conference \(target.conference)?", yes: yes)
            let result = try await target.scope.withActions { actions, _, _ in
                await actions.removeParticipant(conference: target.conference, call: target.call)
            }
            // The service answers a removal with no body: what was removed, from where.
            try report(result, json: target.json) { _ in
                ParticipantRemovedJSON(conferenceSid: target.conference, callSid: target.call)
            }
        }
    }
}
