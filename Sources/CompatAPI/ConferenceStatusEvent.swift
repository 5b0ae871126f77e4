import Foundation

/// What a conference status callback reports (`StatusCallbackEvent`), as SignalWire documents it
/// for cXML's `<Conference statusCallbackEvent=…>`. Unknown values (Twilio also sends
/// `participant-modify`, `announcement-end`, `announcement-fail`) decode and keep their text.
public struct ConferenceEvent: OpenEnum {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let conferenceStart: Self = "conference-start"
    public static let conferenceEnd: Self = "conference-end"
    public static let participantJoin: Self = "participant-join"
    public static let participantLeave: Self = "participant-leave"
    public static let participantMute: Self = "participant-mute"
    public static let participantUnmute: Self = "participant-unmute"
    public static let participantHold: Self = "participant-hold"
    public static let participantUnhold: Self = "participant-unhold"
    public static let participantSpeechStart: Self = "participant-speech-start"
    public static let participantSpeechStop: Self = "participant-speech-stop"
    public static let known: [Self] = [
        .conferenceStart, .conferenceEnd, .participantJoin, .participantLeave, .participantMute, .participantUnmute,
        .participantHold, .participantUnhold, .participantSpeechStart, .participantSpeechStop,
    ]

    /// The word of `<Conference statusCallbackEvent="…">` that asks for this event (`start`,
    /// `end`, `join`, `leave`, `mute`, `hold`, `speaker`); nil for a value this build does not know.
    public var subscription: String? {
        switch self {
        case .conferenceStart: "start"
        case .conferenceEnd: "end"
        case .participantJoin: "join"
        case .participantLeave: "leave"
        case .participantMute, .participantUnmute: "mute"
        case .participantHold, .participantUnhold: "hold"
        case .participantSpeechStart, .participantSpeechStop: "speaker"
        default: nil
        }
    }

    /// Every `statusCallbackEvent` word, in the documentation's order.
    public static let subscriptions = ["start", "end", "join", "leave", "mute", "hold", "speaker"]

    /// A participant's event: it names the call (`CallSid`) and carries the participant's flags.
    public var isAboutParticipant: Bool { rawValue.hasPrefix("participant-") }
}

/// A conference status callback from the service, read from its form fields (see
/// docs/conference-events.md for the payload).
///
/// ```swift
/// let event = try ConferenceStatusEvent.parse(FormEncoding.decode(body), receivedAt: Date())
/// if event.event == .participantSpeechStart { speaking.insert(event.callSid!) }
/// ```
public struct ConferenceStatusEvent: Sendable, Hashable {
    public var accountSid: String
    public var conferenceSid: String
    /// The conference's name as the application's cXML gave it.
    public var friendlyName: String?
    public var event: ConferenceEvent
    /// The event's place among its conference's events; they may arrive out of order.
    public var sequenceNumber: Int?
    /// The call a participant event is about (always there on those; nil on conference events).
    public var callSid: String?
    /// The participant's flags as they are after the event (participant events only).
    public var muted: Bool?
    public var hold: Bool?
    public var coaching: Bool?
    public var endConferenceOnExit: Bool?
    public var startConferenceOnEnter: Bool?
    /// On `conference-end` (Twilio sends these; SignalWire documents neither): why, and which call ended it.
    public var reasonConferenceEnded: String?
    public var callSidEndingConference: String?
    /// The callback's `Timestamp`, or when it was received if that is missing or unreadable.
    public var at: Date

    public init(
        accountSid: String, conferenceSid: String, friendlyName: String? = nil, event: ConferenceEvent,
        sequenceNumber: Int? = nil, callSid: String? = nil, muted: Bool? = nil, hold: Bool? = nil,
        coaching: Bool? = nil, endConferenceOnExit: Bool? = nil, startConferenceOnEnter: Bool? = nil,
        reasonConferenceEnded: String? = nil, callSidEndingConference: String? = nil, at: Date
    ) {
        self.accountSid = accountSid
        self.conferenceSid = conferenceSid
        self.friendlyName = friendlyName
        self.event = event
        self.sequenceNumber = sequenceNumber
        self.callSid = callSid
        self.muted = muted
        self.hold = hold
        self.coaching = coaching
        self.endConferenceOnExit = endConferenceOnExit
        self.startConferenceOnEnter = startConferenceOnEnter
        self.reasonConferenceEnded = reasonConferenceEnded
        self.callSidEndingConference = callSidEndingConference
        self.at = at
    }

    /// The fields without which an event cannot be tied to a conference.
    public static let requiredFields = ["AccountSid", "ConferenceSid", "StatusCallbackEvent"]

    /// Reads a callback's form fields; the first of a repeated field wins, and an empty value
    /// counts as missing. A participant event without `CallSid` cannot be tied to anyone.
    public static func parse(_ fields: [(String, String)], receivedAt: Date) throws(MalformedConferenceEvent)
        -> ConferenceStatusEvent
    {
        var values: [String: String] = [:]
        for (key, value) in fields where values[key] == nil && !value.isEmpty {
            values[key] = value
        }
        var missing = requiredFields.filter { values[$0] == nil }
        let event = values["StatusCallbackEvent"].map(ConferenceEvent.init(rawValue:))
        if event?.isAboutParticipant == true, values["CallSid"] == nil { missing.append("CallSid") }
        guard missing.isEmpty, let account = values["AccountSid"], let conference = values["ConferenceSid"], let event
        else { throw MalformedConferenceEvent(missingFields: missing) }
        return ConferenceStatusEvent(
            accountSid: account, conferenceSid: conference, friendlyName: values["FriendlyName"], event: event,
            sequenceNumber: values["SequenceNumber"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
            callSid: values["CallSid"], muted: values["Muted"].flatMap(parseBool), hold: values["Hold"].flatMap(parseBool),
            coaching: values["Coaching"].flatMap(parseBool),
            endConferenceOnExit: values["EndConferenceOnExit"].flatMap(parseBool),
            startConferenceOnEnter: values["StartConferenceOnEnter"].flatMap(parseBool),
            reasonConferenceEnded: values["ReasonConferenceEnded"],
            callSidEndingConference: values["CallSidEndingConference"],
            at: values["Timestamp"].flatMap(parseTimestamp) ?? receivedAt)
    }

    /// `true`/`false` in any case (SDKs built on older Twilio libraries send `True`).
    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// RFC 2822 as documented; ISO 8601 (what stream callbacks carry) is read as well.
    static func parseTimestamp(_ text: String) -> Date? {
        ServiceDate.parse(text)
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// A conference status callback that lacks the fields needed to tie it to a conference or call.
public struct MalformedConferenceEvent: Error, Sendable, Hashable, CustomStringConvertible {
    public var missingFields: [String]
    public init(missingFields: [String]) { self.missingFields = missingFields }
    public var description: String {
        "conference status callback without " + missingFields.joined(separator: ", ")
    }
}
