import CompatAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One mutation an operator asked for, from the dashboard or the CLI, and what came of it: a
/// row of the audit trail. `parameters` holds only what `OperatorActions` chose to keep, never
/// a secret.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The row id; nil until the entry is recorded.
    public var id: Int64?
    public var at: Date
    /// The local account that ran confdash, so several operators on one host can be told apart.
    public var localUser: String
    /// The host it ran on (nil in entries written before the store was shared), so a team's
    /// merged trail says who did it where: `alice@ops-1`.
    public var host: String?
    /// The configuration profile in use, when there was one.
    public var profile: String?
    /// The Project ID (Account SID) the request went to.
    public var accountSid: String
    public var action: AuditAction
    public var conferenceSid: String
    /// The stream, recording or call sid acted on; nil for conference actions.
    public var targetSid: String?
    /// The request's settings worth keeping, by name; whitelisted, never a secret.
    public var parameters: [String: String]
    public var outcome: AuditOutcome
    /// The service's message (on a refusal or failure) or what the action came to.
    public var detail: String?
    public var origin: AuditOrigin
    /// The request that made the change, as it went (method, path, status, time): nil when none
    /// went out (read-only, refused before sending) and in entries written before it was kept.
    public var request: SentRequest?

    public init(
        id: Int64? = nil, at: Date, localUser: String = AuditEntry.currentLocalUser(),
        host: String? = AuditEntry.currentHost(), profile: String?,
        accountSid: String, action: AuditAction, conferenceSid: String, targetSid: String? = nil,
        parameters: [String: String] = [:], outcome: AuditOutcome, detail: String? = nil, origin: AuditOrigin,
        request: SentRequest? = nil
    ) {
        self.request = request
        self.id = id
        self.at = at
        self.localUser = localUser
        self.host = host
        self.profile = profile
        self.accountSid = accountSid
        self.action = action
        self.conferenceSid = conferenceSid
        self.targetSid = targetSid
        self.parameters = parameters
        self.outcome = outcome
        self.detail = detail
        self.origin = origin
    }

    /// `user@host`, or the user alone when the host is not known.
    public var who: String { host.map { "\(localUser)@\($0)" } ?? localUser }

    /// This machine's short host name (`ops-1`, not `ops-1.example.com`).
    public static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? (name.isEmpty ? "localhost" : name)
    }

    /// `user@host` of whoever runs this process: what a stream row says started it.
    public static func currentOperator() -> String { "\(currentLocalUser())@\(currentHost())" }

    /// The name of the effective user, as `id -un` says it; $USER only when the password
    /// database has no entry (a container's arbitrary uid), since $USER is whatever the shell set.
    public static func currentLocalUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let text = String(cString: name)
            if !text.isEmpty { return text }
        }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        return "uid \(geteuid())"
    }
}

/// What was asked of the service. Open, so a trail written by a later confdash still reads.
public struct AuditAction: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let startStream: Self = "start-stream"
    public static let stopStream: Self = "stop-stream"
    public static let endConference: Self = "end-conference"
    public static let announceConference: Self = "announce-conference"
    public static let mute: Self = "mute"
    public static let unmute: Self = "unmute"
    public static let hold: Self = "hold"
    public static let unhold: Self = "unhold"
    public static let removeParticipant: Self = "remove-participant"
    /// `:track SID`: a stream added to the ledger by hand (nothing asked of the service).
    public static let trackStream: Self = "track-stream"
    /// A recording (of the conference, or of one call: parameter `call`) paused, with the
    /// pause's behaviour (`pauseBehavior`) when one was asked for.
    public static let pauseRecording: Self = "pause-recording"
    public static let resumeRecording: Self = "resume-recording"
    public static let stopRecording: Self = "stop-recording"
    /// A conference recording deleted for good.
    public static let deleteRecording: Self = "delete-recording"
    /// One participant's call recorded (`Calls/{CallSid}/Recordings`); the target is the call.
    public static let startCallRecording: Self = "start-call-recording"
    /// A participant set to coach another (`callSidToCoach`); the target is the coach.
    public static let coach: Self = "coach"
    public static let stopCoaching: Self = "stop-coaching"
    /// An announcement played to one participant alone; the target is its call.
    public static let announceParticipant: Self = "announce-participant"
    public static let known: [Self] = [
        .startStream, .stopStream, .endConference, .announceConference, .mute, .unmute, .hold, .unhold,
        .removeParticipant, .pauseRecording, .resumeRecording, .stopRecording, .deleteRecording,
        .startCallRecording, .coach, .stopCoaching, .announceParticipant,
    ]
}

/// How a mutation ended.
public struct AuditOutcome: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The service did it.
    public static let ok: Self = "ok"
    /// Said no: the service answered with an error, or confdash would not send it (read-only).
    public static let refused: Self = "refused"
    /// It did not happen: the service could not be reached, failed (5xx) or answered an error
    /// confdash could not read.
    public static let failed: Self = "failed"
    /// The request may have reached the service, but its answer never came (timeout, connection
    /// lost, a success cut off): the next read of the service settles it.
    public static let unknown: Self = "unknown"
    public static let known: [Self] = [.ok, .refused, .failed, .unknown]
}

/// Where the operator asked for it.
public struct AuditOrigin: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let dashboard: Self = "dashboard"
    public static let cli: Self = "cli"
    public static let known: [Self] = [.dashboard, .cli]
}
