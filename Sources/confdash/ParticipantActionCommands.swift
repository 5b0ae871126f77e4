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

        func act<Value>(_ body: (OperatorActions) async -> OperatorActionResult<Value>) async throws {
            try report(try await scope.withActions { actions, _, _ in await body(actions) })
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
            try await target.act { await $0.removeParticipant(conference: target.conference, call: target.call) }
        }
    }
}
