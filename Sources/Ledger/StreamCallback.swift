import CompatAPI
import Foundation

/// A stream status callback from the service, read from its form fields.
public struct StreamCallback: Sendable, Hashable {
    public var accountSid: String
    public var conferenceSid: String
    /// The participant's call, for a stream on one call (`Calls/{CallSid}/Streams`); nil (the
    /// service sends it empty) for a stream on the whole conference.
    public var callSid: String?
    public var streamSid: String
    /// Nil when the service sent none or only its default, the sid itself.
    public var streamName: String?
    public var track: StreamTrack?
    public var event: StreamEvent
    /// The service's `StreamError`, on `stream-error` only.
    public var error: String?
    /// The callback's `Timestamp`, or when it was received if that is missing or unreadable.
    public var at: Date

    public init(
        accountSid: String, conferenceSid: String, callSid: String? = nil, streamSid: String,
        streamName: String? = nil, track: StreamTrack? = nil, event: StreamEvent, error: String? = nil, at: Date
    ) {
        self.accountSid = accountSid
        self.conferenceSid = conferenceSid
        self.callSid = callSid
        self.streamSid = streamSid
        self.streamName = streamName
        self.track = track
        self.event = event
        self.error = error
        self.at = at
    }

    /// The fields without which a callback cannot be tied to a stream.
    public static let requiredFields = ["AccountSid", "ConferenceSid", "StreamSid", "StreamEvent"]

    /// Nil when a required field is missing; `parse` says which.
    public init?(fields: [(String, String)], receivedAt: Date = Date()) {
        guard let parsed = try? Self.parse(fields, receivedAt: receivedAt) else { return nil }
        self = parsed
    }

    /// Reads a callback's form fields; the first of a repeated field wins, and an empty value
    /// counts as missing.
    public static func parse(_ fields: [(String, String)], receivedAt: Date) throws(MalformedCallback) -> StreamCallback
    {
        var values: [String: String] = [:]
        for (key, value) in fields where values[key] == nil && !value.isEmpty {
            values[key] = value
        }
        let missing = requiredFields.filter { values[$0] == nil }
        guard missing.isEmpty, let account = values["AccountSid"], let conference = values["ConferenceSid"],
            let sid = values["StreamSid"], let event = values["StreamEvent"]
        else { throw MalformedCallback(missingFields: missing) }
        return StreamCallback(
            accountSid: account, conferenceSid: conference, callSid: values["CallSid"], streamSid: sid,
            streamName: values["StreamName"].flatMap { $0 == sid ? nil : $0 },
            track: values["StreamTrack"].map(StreamTrack.init(rawValue:)),
            event: StreamEvent(rawValue: event), error: values["StreamError"],
            at: values["Timestamp"].flatMap(parseTimestamp) ?? receivedAt)
    }

    /// ISO 8601, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// A callback that lacks the fields needed to tie it to a stream.
public struct MalformedCallback: Error, Sendable, Hashable, CustomStringConvertible {
    public var missingFields: [String]
    public var description: String {
        "stream callback without " + missingFields.joined(separator: ", ")
    }
}
