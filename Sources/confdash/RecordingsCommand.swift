import ArgumentParser
import CompatAPI
import Foundation
import OperatorActions

/// `confdash recordings list|pause|resume|stop|delete`: a conference's recordings (and, with
/// `--call`, one participant's call's), the changes audited with origin `cli`.
struct RecordingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recordings", abstract: "List a conference's recordings; pause, resume, stop or delete one.",
        subcommands: [List.self, Pause.self, Resume.self, Stop.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the recordings of a conference (every page, newest first).")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @OptionGroup var format: ListFormat

        func run() async throws {
            let recordings = try await withClient(connection) { try await $0.conferenceRecordings(conference: conference) }
            if try format.printed(recordings.map(RecordingJSON.init)) { return }
            guard !recordings.isEmpty else {
                Output.note("No recordings of \(conference).")
                return
            }
            var table = TextTable(["RECORDING SID", "STATUS", "SOURCE", "CHANNELS", "DURATION", "STARTED", "ERROR"])
            for r in recordings {
                table.add([
                    r.sid, r.status.rawValue, r.source.rawValue, RecordingsCommand.channelsText(r.channels),
                    r.duration.map(RecordingsCommand.durationText) ?? "-",
                    r.startTime?.date.map(Output.timestamp) ?? "-", r.errorCode ?? "-",
                ])
            }
            Output.line(table.render())
            Output.note(Output.count(recordings.count, "recording"))
        }
    }

    /// What pause, resume, stop and delete take: where the service is, the ledger their audit
    /// row goes to, and the recording.
    struct Target: ParsableArguments {
        @OptionGroup var scope: ActionOptions

        @Argument(help: "The conference sid.")
        var conference: String

        @Argument(help: "The recording sid.")
        var recording: String

        @Flag(help: "Print the recording as the service answered, as JSON.")
        var json = false
    }

    /// Options of the changes a call's recording takes as well.
    struct CallOption: ParsableArguments {
        @Option(help: "The recording is of this participant's call (started with `participants record`), not the conference's.")
        var call: String?
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a recording.")
        @OptionGroup var target: Target
        @OptionGroup var callOption: CallOption

        @Option(help: "skip (leave the pause out of the file) or silence (fill it; the service's default).")
        var pauseBehavior: String?

        func validate() throws {
            if let pauseBehavior, PauseBehavior.parse(pauseBehavior) == nil {
                throw ValidationError("--pause-behavior must be skip or silence (got \(pauseBehavior))")
            }
        }

        func run() async throws {
            let behavior = pauseBehavior.flatMap(PauseBehavior.parse)
            let result = try await target.scope.withActions { actions, _, _ in
                if let call = callOption.call {
                    return await actions.updateCallRecording(
                        conference: target.conference, call: call, recording: target.recording, .pause(behavior))
                }
                return await actions.pauseRecording(
                    conference: target.conference, recording: target.recording, behavior: behavior)
            }
            try report(result, json: target.json) { RecordingJSON($0) }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused recording.")
        @OptionGroup var target: Target
        @OptionGroup var callOption: CallOption

        func run() async throws {
            let result = try await target.scope.withActions { actions, _, _ in
                if let call = callOption.call {
                    return await actions.updateCallRecording(
                        conference: target.conference, call: call, recording: target.recording, .resume)
                }
                return await actions.resumeRecording(conference: target.conference, recording: target.recording)
            }
            try report(result, json: target.json) { RecordingJSON($0) }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a recording (the service completes it; stopping a stopped one changes nothing).")
        @OptionGroup var target: Target
        @OptionGroup var callOption: CallOption

        func run() async throws {
            let result = try await target.scope.withActions { actions, _, _ in
                if let call = callOption.call {
                    return await actions.updateCallRecording(
                        conference: target.conference, call: call, recording: target.recording, .stop)
                }
                return await actions.stopRecording(conference: target.conference, recording: target.recording)
            }
            try report(result, json: target.json) { RecordingJSON($0) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a conference recording for good (asks first unless --yes).")
        @OptionGroup var target: Target

        @Flag(help: "Do not ask; needed when standard input is not a terminal.")
        var yes = false

        func run() async throws {
            let result = try await target.scope.withActions { actions, _, _ in
                // Read-only refuses (and audits) without a question it would not act on.
                if !actions.readOnly {
                    try Confirmation.require(
                        "Delete recording \(target.recording) of conference \(target.conference) for good "
                            + "(it cannot be undone)?", yes: yes)
                }
                return await actions.deleteRecording(conference: target.conference, recording: target.recording)
            }
            // The service answers a deletion with no body: what was deleted, from where.
            try report(result, json: target.json) { _ in
                RecordingDeletedJSON(conferenceSid: target.conference, sid: target.recording)
            }
        }
    }

    static func channelsText(_ channels: Int) -> String { channels == 2 ? "2 (dual)" : "\(channels) (mono)" }

    /// `45s`, `3m07s`, `1h02m03s`.
    static func durationText(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + String(format: "%02ds", s % 60) }
        return "\(s / 3600)h" + String(format: "%02dm%02ds", s % 3600 / 60, s % 60)
    }
}
