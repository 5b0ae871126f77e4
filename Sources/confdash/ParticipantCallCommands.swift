import ArgumentParser
import CompatAPI
import Foundation
import OperatorActions

/// `confdash participants coach|stop-coaching|announce|record`: actions on one participant's
/// call, audited with origin `cli`.
extension ParticipantActionCommands {
    struct Coach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a participant coach (whisper to) another: only the coached call hears the coach.")
        @OptionGroup var target: Target

        @Option(help: "The call sid of the participant to coach (in the same conference).")
        var callToCoach: String

        func validate() throws {
            if callToCoach == target.call { throw ValidationError("a participant cannot coach itself (--call-to-coach is CALL)") }
        }

        func run() async throws {
            try await target.act {
                await $0.coach(conference: target.conference, coach: target.call, callSidToCoach: callToCoach)
            }
        }
    }

    struct StopCoaching: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop-coaching", abstract: "End a participant's coaching.")
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act { await $0.stopCoaching(conference: target.conference, call: target.call) }
        }
    }

    struct Announce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Play an announcement to one participant alone.")
        @OptionGroup var target: Target

        @Argument(help: "The TwiML/LaML document to play, an absolute http(s) URL.")
        var url: String

        @Option(help: "GET or POST for URL (the service's default: POST).")
        var method: String?

        func validate() throws {
            if let method, CallbackMethod.parse(method) == nil {
                throw ValidationError("--method must be GET or POST (got \(method))")
            }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host?.isEmpty == false
            else {
                throw ValidationError("URL must be an absolute http or https URL (got \(url))")
            }
        }

        func run() async throws {
            try await target.act {
                await $0.announceToParticipant(
                    conference: target.conference, call: target.call, url: url, method: method.flatMap(CallbackMethod.parse))
            }
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start recording one participant's call.",
            discussion: "Pause, resume or stop it with: confdash recordings pause|resume|stop CONF RECORDING --call CALL")

        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Argument(help: "The participant's call sid.")
        var call: String

        @Option(help: "mono (both legs in one channel) or dual (one channel each).")
        var channels: String?

        @Option(help: "inbound (from the participant), outbound (to them) or both (the service's default).")
        var track: String?

        @Option(help: "trim-silence or do-not-trim (leading and trailing silence).")
        var trim: String?

        @Option(help: "A URL the service calls as the recording progresses.")
        var callback: String?

        @Option(help: "GET or POST for --callback.")
        var callbackMethod: String?

        @Option(
            name: .customLong("callback-event"),
            help: "in-progress, completed or absent: an event --callback is called for (repeatable; default: completed).")
        var callbackEvents: [String] = []

        @Flag(help: "Print the recording as the service answered, as JSON.")
        var json = false

        func request() throws -> StartCallRecordingRequest {
            func parsed<T: OpenEnum>(_ text: String?, _ option: String, _ choices: String) throws -> T? {
                guard let text else { return nil }
                guard let value = T.parse(text) else { throw ValidationError("--\(option) must be \(choices) (got \(text))") }
                return value
            }
            let request = StartCallRecordingRequest(
                channels: try parsed(channels, "channels", "mono or dual"),
                track: try parsed(track, "track", "inbound, outbound or both"),
                trim: try parsed(trim, "trim", "trim-silence or do-not-trim"),
                statusCallback: callback,
                statusCallbackMethod: try parsed(callbackMethod, "callback-method", "GET or POST"),
                statusCallbackEvents: try callbackEvents.map {
                    guard let event = RecordingEvent.parse($0) else {
                        throw ValidationError("--callback-event must be in-progress, completed or absent (got \($0))")
                    }
                    return event
                })
            let problems = request.problems
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "\n")) }
            return request
        }

        func validate() throws { _ = try request() }

        func run() async throws {
            let request = try request()
            let result = try await scope.withActions { actions, _, _ in
                await actions.startCallRecording(conference: conference, call: call, request)
            }
            try report(result, json: json) { RecordingJSON($0) }
        }
    }
}
