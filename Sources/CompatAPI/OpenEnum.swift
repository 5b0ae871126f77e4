/// A string-backed value from the service that may grow new cases: an unknown value decodes
/// and keeps its raw text instead of failing the whole page.
public protocol OpenEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible where RawValue == String
{
    init(rawValue: String)
    /// The values this build of confdash knows about.
    static var known: [Self] { get }
}

extension OpenEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var isKnown: Bool { Self.known.contains(self) }
    public var description: String { rawValue }
    /// Case-insensitive lookup among the known values, for command-line and form input.
    public static func parse(_ text: String) -> Self? {
        known.first { $0.rawValue.caseInsensitiveCompare(text) == .orderedSame }
    }
}

/// A conference's status: `init`, `in-progress` or `completed`.
public struct ConferenceStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let initializing: Self = "init"
    public static let inProgress: Self = "in-progress"
    public static let completed: Self = "completed"
    public static let known: [Self] = [.initializing, .inProgress, .completed]
    /// Live means the conference can still be acted on.
    public var isLive: Bool { self != .completed }
}

/// A participant's call status; SignalWire sends `in-progress` and `completed`, Twilio more.
public struct ParticipantStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inProgress: Self = "in-progress"
    public static let completed: Self = "completed"
    public static let queued: Self = "queued"
    public static let connecting: Self = "connecting"
    public static let ringing: Self = "ringing"
    public static let connected: Self = "connected"
    public static let complete: Self = "complete"
    public static let failed: Self = "failed"
    public static let known: [Self] = [
        .inProgress, .completed, .queued, .connecting, .ringing, .connected, .complete, .failed,
    ]
}

/// A conference stream's status as the service reports it.
public struct StreamStatus: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let queued: Self = "queued"
    public static let inProgress: Self = "in-progress"
    public static let stopped: Self = "stopped"
    public static let known: [Self] = [.queued, .inProgress, .stopped]
}

/// Which audio a stream carries.
public struct StreamTrack: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let inbound: Self = "inbound_track"
    public static let outbound: Self = "outbound_track"
    public static let both: Self = "both_tracks"
    public static let known: [Self] = [.both, .inbound, .outbound]
}

/// The audio codec of a stream; the service picks one when none is sent.
public struct StreamCodec: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let pcmu: Self = "PCMU"
    public static let pcma: Self = "PCMA"
    public static let l16: Self = "L16"
    public static let l16At16k: Self = "L16@16000h"
    public static let l16At24k: Self = "L16@24000h"
    public static let known: [Self] = [.pcmu, .pcma, .l16, .l16At16k, .l16At24k]
}

/// The HTTP method the service uses for a callback URL.
public struct CallbackMethod: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let get: Self = "GET"
    public static let post: Self = "POST"
    public static let known: [Self] = [.get, .post]
}

/// The event a stream status callback reports.
public struct StreamEvent: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let started: Self = "stream-started"
    public static let stopped: Self = "stream-stopped"
    public static let error: Self = "stream-error"
    public static let known: [Self] = [.started, .stopped, .error]
}
