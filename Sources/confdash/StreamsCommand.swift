import ArgumentParser
import CompatAPI
import Ledger
import OperatorActions
import Foundation

/// `confdash streams start|stop|list`: the stream actions, for scripts.
struct StreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams", abstract: "Start and stop a conference's media streams; list those the ledger knows.",
        subcommands: [Start.self, Stop.self, List.self])

    static let bearerTokenVariable = "CONFDASH_STREAM_BEARER_TOKEN"

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a media stream on a conference, or on one participant's call (--call).",
            discussion: """
                The WebSocket server's bearer token is a secret, so it is never a flag: set \
                \(StreamsCommand.bearerTokenVariable), or pass --bearer-token-stdin and write it on standard input.

                With --call the stream carries that participant's call alone (Calls/{CallSid}/Streams), \
                which takes no --codec and no --realtime.
                """)

        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Option(help: "The WebSocket server, an absolute wss:// URL without a query string.")
        var url: String

        @Option(help: "A name for the stream, unique in the conference.")
        var name: String?

        @Option(help: "Stream this participant's call (its sid) instead of the whole conference.")
        var call: String?

        @Option(help: "inbound_track, outbound_track or both_tracks (the service's default).")
        var track: String?

        @Option(help: "PCMU, PCMA, L16, L16@16000h or L16@24000h (default: the service's choice).")
        var codec: String?

        @Flag(help: "Ask for real-time streaming.")
        var realtime = false

        @Option(help: "A URL the service calls with stream-started, stream-stopped and stream-error.")
        var callback: String?

        @Option(help: "GET or POST for --callback (the service's default: POST).")
        var callbackMethod: String?

        @Option(name: .customLong("param"), help: "A custom parameter NAME=VALUE for the WebSocket server (repeatable, up to 99).")
        var params: [String] = []

        @Flag(help: "Read the bearer token from the first line of standard input.")
        var bearerTokenStdin = false

        @Flag(help: "Print the stream as JSON.")
        var json = false

        func parsedParameters() throws -> [StreamParameter] {
            try params.map { text in
                guard let eq = text.firstIndex(of: "=") else {
                    throw ValidationError("--param must be NAME=VALUE (got \(text))")
                }
                return StreamParameter(name: String(text[..<eq]), value: String(text[text.index(after: eq)...]))
            }
        }

        func request(bearerToken: String?) throws -> StartStreamRequest {
            var track: StreamTrack?
            if let text = self.track {
                guard let parsed = StreamTrack.parse(text) else {
                    throw ValidationError("--track must be inbound_track, outbound_track or both_tracks (got \(text))")
                }
                track = parsed
            }
            var codec: StreamCodec?
            if let text = self.codec {
                guard let parsed = StreamCodec.parse(text) else {
                    throw ValidationError("--codec must be PCMU, PCMA, L16, L16@16000h or L16@24000h (got \(text))")
                }
                codec = parsed
            }
            var method: CallbackMethod?
            if let text = callbackMethod {
                guard let parsed = CallbackMethod.parse(text) else {
                    throw ValidationError("--callback-method must be GET or POST (got \(text))")
                }
                method = parsed
            }
            let request = StartStreamRequest(
                url: url, name: name, track: track, codec: codec, realTime: realtime ? true : nil,
                statusCallback: callback, statusCallbackMethod: method, bearerToken: bearerToken,
                parameters: try parsedParameters())
            let problems = request.problems
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
            return request
        }

        /// The same request for a call stream, whose endpoint takes no codec and no real-time
        /// choice: either given with --call is a usage error, never dropped.
        func callRequest(_ request: StartStreamRequest) throws -> StartCallStreamRequest {
            if codec != nil {
                throw ValidationError(
                    "--codec cannot be used with --call: a call's stream takes no codec (the service picks it)")
            }
            if realtime {
                throw ValidationError("--realtime cannot be used with --call: a call's stream takes no real-time choice")
            }
            let callRequest = StartCallStreamRequest(request)
            let problems = callRequest.problems
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
            return callRequest
        }

        func validate() throws {
            if call != nil { _ = try callRequest(try request(bearerToken: nil)) }
            _ = try request(bearerToken: nil)
        }

        func readBearerToken() throws -> String? {
            if bearerTokenStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CLIError(message: "--bearer-token-stdin given but standard input had no token", status: .usage)
                }
                return line
            }
            let fromEnv = ProcessInfo.processInfo.environment[StreamsCommand.bearerTokenVariable]
            return (fromEnv?.isEmpty ?? true) ? nil : fromEnv
        }

        func run() async throws {
            let request = try request(bearerToken: try readBearerToken())
            let callRequest = try call.map { _ in try self.callRequest(request) }
            let result = try await scope.withActions { actions, _, _ in
                if let call, let callRequest {
                    return await actions.startCallStream(
                        conference: conference, conferenceName: nil, call: call, callRequest)
                }
                return await actions.startStream(conference: conference, conferenceName: nil, request)
            }
            guard let record = result.value, result.outcome != .unknown else {
                warnIfNotRecorded(result)
                if result.outcome == .unknown, let name = result.value?.name {
                    // The same start again settles it: the service starts it, or refuses the name
                    // because the first one did. Never a second stream.
                    Output.error(
                        "the ledger keeps it as unknown; to settle it, run the same command again with --name \(name)")
                }
                throw CLIError(failed: result)
            }
            if json {
                try Output.json(StreamJSON(record))
            } else if !record.sidKnown || result.message.contains("already runs") {
                Output.line(result.message)
            } else {
                let on = record.callSid.map { "call \($0) of \(conference)" } ?? conference
                Output.line("Started stream \(record.sid)\(record.name.map { " (\($0))" } ?? "") on \(on): \(record.status)")
            }
            if result.ledgerError != nil { Output.error("stop it with: confdash streams stop \(conference) \(record.sid)") }
            try failIfNotRecorded(result)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a media stream by its sid (or name).")

        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Argument(help: "The stream sid, or its name.")
        var stream: String

        @Flag(help: "Print the stream as JSON.")
        var json = false

        func run() async throws {
            try await scope.withActions { actions, _, ledger in
                let audited = await actions.stopStream(conference: conference, stream: stream)
                guard let result = audited.value, result.error == nil, audited.succeeded else {
                    warnIfNotRecorded(audited)
                    var failure = CLIError(failed: audited)
                    // A stream the service does not know is not found, whatever else was said.
                    if audited.value?.outcome == .notFound { failure.status = .notFound }
                    throw failure
                }
                guard json else {
                    Output.line("Stream \(result.label) on \(conference): \(result.outcome)")
                    try failIfNotRecorded(audited)
                    return
                }
                // The stream as the ledger holds it now; null when the ledger did not record the
                // stop or cannot be read (said on stderr, exit status 8).
                var record: StreamRecord?
                var readError: String?
                if audited.ledgerError == nil {
                    do {
                        record = try await ledger.stream(sid: result.sid)
                    } catch {
                        readError = String(describing: error)
                    }
                }
                try Output.json(StreamStopJSON(conferenceSid: conference, stop: result, stream: record))
                try failIfNotRecorded(audited)
                if let readError {
                    Output.error("warning: stopped, but the stream ledger could not be read back: \(readError)")
                    throw CLIError(message: "", status: .notRecorded)
                }
            }
        }
    }
}
