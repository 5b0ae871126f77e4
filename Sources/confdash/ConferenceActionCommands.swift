import ArgumentParser
import CompatAPI
import OperatorActions
import Profiles
import Foundation

/// `confdash conferences end|announce`: the conference actions, audited with origin `cli`.
enum ConferenceActionCommands {
    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a conference for everybody in it (asks first unless --yes).")

        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Flag(help: "Do not ask; needed when standard input is not a terminal.")
        var yes = false

        @Flag(help: "Print the conference as JSON.")
        var json = false

        func run() async throws {
            let result = try await scope.withActions { actions, client, ledger in
                // Read-only refuses (and audits) without a question it would not act on.
                guard !actions.readOnly else { return await actions.endConference(conference: conference) }
                // The question names the conference, so the operator sees which one they end.
                let name = try await client.conference(conference).friendlyName
                try Confirmation.require("End conference \(name) (\(conference))?", yes: yes)
                let result = await actions.endConference(conference: conference, conferenceName: name)
                if let ended = result.value, ended.status == .completed {
                    do {
                        try await EndedStreams.mark([ended.sid], in: ledger)
                    } catch {
                        Output.error("warning: could not mark the conference's streams ended: \(error)")
                    }
                }
                return result
            }
            try report(result, json: json) { ConferenceJSON($0) }
        }
    }

    struct Announce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Play an announcement to everybody in a conference.")

        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Option(help: "The TwiML/LaML document to play, an absolute http(s) URL.")
        var url: String

        @Option(help: "GET or POST for --url (the service's default: POST).")
        var method: String?

        @Flag(help: "Print the conference as JSON.")
        var json = false

        func validate() throws {
            if let method, CallbackMethod.parse(method) == nil {
                throw ValidationError("--method must be GET or POST (got \(method))")
            }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
                throw ValidationError("--url must be an absolute http or https URL (got \(url))")
            }
        }

        func run() async throws {
            let result = try await scope.withActions { actions, _, _ in
                await actions.announceConference(
                    conference: conference, url: url, method: method.flatMap(CallbackMethod.parse))
            }
            try report(result, json: json) { ConferenceJSON($0) }
        }
    }
}

/// Prints what an audited action came to: its message (or, with `json`, the service's answer
/// in its CLI shape) on stdout when it succeeded; otherwise the reason on stderr and the exit
/// status for it (`ExitStatus.of`).
func report<Value, Shape: Encodable>(
    _ result: OperatorActionResult<Value>, json: Bool = false, as shape: (Value) -> Shape
) throws {
    guard result.succeeded else {
        warnIfNotRecorded(result)
        throw CLIError(failed: result)
    }
    if json, let value = result.value {
        try Output.json(shape(value))
    } else {
        Output.line(result.message)
    }
    try failIfNotRecorded(result)
}

/// The service's outcome stands, but confdash did not write it down: said on stderr.
func warnIfNotRecorded<Value>(_ result: OperatorActionResult<Value>) {
    if let problem = result.recordingProblem { Output.error("warning: \(problem)") }
}

/// An action the service carried out but the ledger or the audit trail did not record ends
/// with exit status 8 (not 0: a script must not take it as fully done; not a failure's status:
/// it did happen).
func failIfNotRecorded<Value>(_ result: OperatorActionResult<Value>) throws {
    guard result.recordingProblem != nil else { return }
    warnIfNotRecorded(result)
    throw CLIError(message: "", status: .notRecorded)
}
