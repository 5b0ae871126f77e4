/// A conference room on the service.
///
/// The links (`uri`, `subresource_uris`, which a dashboard's read leaves empty) and Twilio's
/// ending fields sit in one shared box, absent when all are empty: a dashboard keeps a
/// conference three times over (the read cache's pages, the poller's last list, the rows), and
/// at 10,000 the box took 224 bytes a conference down to 136.
public struct Conference: Codable, Hashable, Sendable, Identifiable {
    public var sid: String
    public var accountSid: String
    public var friendlyName: String
    public var status: ConferenceStatus
    public var region: String
    public var dateCreated: ServiceDate
    public var dateUpdated: ServiceDate
    public var apiVersion: String
    private var rare: Rare?

    /// Never changed in place (a setter makes a new one): copies never see each other's.
    private final class Rare: Hashable, Sendable {
        let uri: String
        let subresourceUris: SubresourceURIs
        let reasonConferenceEnded: String?
        let callSidEndingConference: String?
        init(uri: String, subresourceUris: SubresourceURIs, reasonConferenceEnded: String?, callSidEndingConference: String?) {
            self.uri = uri
            self.subresourceUris = subresourceUris
            self.reasonConferenceEnded = reasonConferenceEnded
            self.callSidEndingConference = callSidEndingConference
        }
        static func == (lhs: Rare, rhs: Rare) -> Bool {
            lhs.uri == rhs.uri && lhs.subresourceUris == rhs.subresourceUris
                && lhs.reasonConferenceEnded == rhs.reasonConferenceEnded
                && lhs.callSidEndingConference == rhs.callSidEndingConference
        }
        func hash(into hasher: inout Hasher) {
            hasher.combine(uri)
            hasher.combine(subresourceUris)
            hasher.combine(reasonConferenceEnded)
            hasher.combine(callSidEndingConference)
        }
        static let noLinks = SubresourceURIs(participants: "", recordings: "")
        /// Nil when every field is empty.
        static func make(
            uri: String, subresourceUris: SubresourceURIs, reasonConferenceEnded: String?, callSidEndingConference: String?
        ) -> Rare? {
            uri.isEmpty && subresourceUris == noLinks && reasonConferenceEnded == nil && callSidEndingConference == nil
                ? nil
                : Rare(
                    uri: uri, subresourceUris: subresourceUris, reasonConferenceEnded: reasonConferenceEnded,
                    callSidEndingConference: callSidEndingConference)
        }
    }

    public var uri: String {
        get { rare?.uri ?? "" }
        set {
            rare = .make(
                uri: newValue, subresourceUris: subresourceUris, reasonConferenceEnded: reasonConferenceEnded,
                callSidEndingConference: callSidEndingConference)
        }
    }
    public var subresourceUris: SubresourceURIs {
        get { rare?.subresourceUris ?? Rare.noLinks }
        set {
            rare = .make(
                uri: uri, subresourceUris: newValue, reasonConferenceEnded: reasonConferenceEnded,
                callSidEndingConference: callSidEndingConference)
        }
    }
    /// Twilio only; SignalWire does not send it.
    public var reasonConferenceEnded: String? {
        get { rare?.reasonConferenceEnded }
        set {
            rare = .make(
                uri: uri, subresourceUris: subresourceUris, reasonConferenceEnded: newValue,
                callSidEndingConference: callSidEndingConference)
        }
    }
    /// Twilio only.
    public var callSidEndingConference: String? {
        get { rare?.callSidEndingConference }
        set {
            rare = .make(
                uri: uri, subresourceUris: subresourceUris, reasonConferenceEnded: reasonConferenceEnded,
                callSidEndingConference: newValue)
        }
    }

    public var id: String { sid }

    public init(
        sid: String, accountSid: String, friendlyName: String, status: ConferenceStatus, region: String,
        dateCreated: ServiceDate, dateUpdated: ServiceDate, apiVersion: String = "2010-04-01", uri: String,
        subresourceUris: SubresourceURIs, reasonConferenceEnded: String? = nil, callSidEndingConference: String? = nil
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.friendlyName = friendlyName
        self.status = status
        self.region = region
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.apiVersion = apiVersion
        self.rare = .make(
            uri: uri, subresourceUris: subresourceUris, reasonConferenceEnded: reasonConferenceEnded,
            callSidEndingConference: callSidEndingConference)
    }

    enum CodingKeys: String, CodingKey {
        case sid, status, region, uri
        case accountSid = "account_sid"
        case friendlyName = "friendly_name"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
        case apiVersion = "api_version"
        case subresourceUris = "subresource_uris"
        case reasonConferenceEnded = "reason_conference_ended"
        case callSidEndingConference = "call_sid_ending_conference"
    }

    // Lenient on the optional-in-practice fields, so one odd conference never fails a page.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let strings = decoder.answerStrings
        sid = try c.decode(String.self, forKey: .sid)
        accountSid = try c.sharedString(.accountSid, strings) ?? ""
        friendlyName = try c.decodeIfPresent(String.self, forKey: .friendlyName) ?? ""
        status = try c.decodeIfPresent(ConferenceStatus.self, forKey: .status) ?? ""
        region = try c.sharedString(.region, strings) ?? ""
        dateCreated = try c.sharedDate(.dateCreated, strings) ?? ServiceDate(raw: "")
        dateUpdated = try c.sharedDate(.dateUpdated, strings) ?? ServiceDate(raw: "")
        apiVersion = try c.sharedString(.apiVersion, strings) ?? ""
        var uri = "", subresourceUris = Rare.noLinks
        // A dashboard's read (`strings`) leaves the links empty: no screen follows them.
        if strings == nil {
            uri = try c.decodeIfPresent(String.self, forKey: .uri) ?? ""
            subresourceUris = try c.decodeIfPresent(SubresourceURIs.self, forKey: .subresourceUris) ?? Rare.noLinks
        }
        rare = .make(
            uri: uri, subresourceUris: subresourceUris,
            reasonConferenceEnded: try c.decodeIfPresent(String.self, forKey: .reasonConferenceEnded),
            callSidEndingConference: try c.decodeIfPresent(String.self, forKey: .callSidEndingConference))
    }

    // Every field as the synthesized encoding wrote them: the optional ones only when present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sid, forKey: .sid)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(friendlyName, forKey: .friendlyName)
        try c.encode(status, forKey: .status)
        try c.encode(region, forKey: .region)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(uri, forKey: .uri)
        try c.encode(subresourceUris, forKey: .subresourceUris)
        try c.encodeIfPresent(reasonConferenceEnded, forKey: .reasonConferenceEnded)
        try c.encodeIfPresent(callSidEndingConference, forKey: .callSidEndingConference)
    }
}

/// Links from a conference to its sub-resources.
public struct SubresourceURIs: Codable, Hashable, Sendable {
    public var participants: String
    public var recordings: String
    public init(participants: String, recordings: String) {
        self.participants = participants
        self.recordings = recordings
    }
}

/// A call taking part in a conference.
///
/// Laid out for the 50,000 a dashboard keeps at 10,000 conferences: the call sid in sixteen
/// bytes (`Sid`), the flags beside it, and the fields a dashboard's read leaves empty or the
/// service rarely sends (`uri`, `label`, `call_sid_to_coach`) in one shared box, absent when
/// all are. 112 bytes a participant where the plain fields took 168 and a heap sid.
public struct Participant: Codable, Hashable, Sendable, Identifiable {
    /// The call's sid in sixteen bytes when it is a UUID (see `Sid`).
    public var callSidKey: Sid
    public var muted: Bool
    public var hold: Bool
    public var coaching: Bool
    public var startConferenceOnEnter: Bool
    public var endConferenceOnExit: Bool
    public var conferenceSid: String
    public var accountSid: String
    public var status: ParticipantStatus
    public var dateCreated: ServiceDate
    public var dateUpdated: ServiceDate
    private var rare: Rare?

    /// The fields most participants a dashboard holds have empty, kept apart; never changed in
    /// place (a setter makes a new one), so copies of a participant never see each other's.
    private final class Rare: Hashable, Sendable {
        let callSidToCoach: String?
        let uri: String
        let label: String?
        init(callSidToCoach: String?, uri: String, label: String?) {
            self.callSidToCoach = callSidToCoach
            self.uri = uri
            self.label = label
        }
        static func == (lhs: Rare, rhs: Rare) -> Bool {
            lhs.callSidToCoach == rhs.callSidToCoach && lhs.uri == rhs.uri && lhs.label == rhs.label
        }
        func hash(into hasher: inout Hasher) {
            hasher.combine(callSidToCoach)
            hasher.combine(uri)
            hasher.combine(label)
        }
        /// Nil when every field is empty.
        static func make(callSidToCoach: String?, uri: String, label: String?) -> Rare? {
            callSidToCoach == nil && uri.isEmpty && label == nil
                ? nil : Rare(callSidToCoach: callSidToCoach, uri: uri, label: label)
        }
    }

    public var callSid: String {
        get { callSidKey.text }
        set { callSidKey = Sid(newValue) }
    }
    public var callSidToCoach: String? {
        get { rare?.callSidToCoach }
        set { rare = .make(callSidToCoach: newValue, uri: uri, label: label) }
    }
    public var uri: String {
        get { rare?.uri ?? "" }
        set { rare = .make(callSidToCoach: callSidToCoach, uri: newValue, label: label) }
    }
    /// Twilio only.
    public var label: String? {
        get { rare?.label }
        set { rare = .make(callSidToCoach: callSidToCoach, uri: uri, label: newValue) }
    }

    public var id: String { callSid }

    public init(
        callSid: String, conferenceSid: String, accountSid: String, status: ParticipantStatus, muted: Bool = false,
        hold: Bool = false, coaching: Bool = false, callSidToCoach: String? = nil, startConferenceOnEnter: Bool = true,
        endConferenceOnExit: Bool = false, dateCreated: ServiceDate, dateUpdated: ServiceDate, uri: String,
        label: String? = nil
    ) {
        self.callSidKey = Sid(callSid)
        self.muted = muted
        self.hold = hold
        self.coaching = coaching
        self.startConferenceOnEnter = startConferenceOnEnter
        self.endConferenceOnExit = endConferenceOnExit
        self.conferenceSid = conferenceSid
        self.accountSid = accountSid
        self.status = status
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.rare = .make(callSidToCoach: callSidToCoach, uri: uri, label: label)
    }

    enum CodingKeys: String, CodingKey {
        case status, muted, hold, coaching, uri, label
        case callSid = "call_sid"
        case conferenceSid = "conference_sid"
        case accountSid = "account_sid"
        case callSidToCoach = "call_sid_to_coach"
        case startConferenceOnEnter = "start_conference_on_enter"
        case endConferenceOnExit = "end_conference_on_exit"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let strings = decoder.answerStrings
        callSidKey = Sid(try c.decode(String.self, forKey: .callSid))
        conferenceSid = try c.sharedString(.conferenceSid, strings) ?? ""
        accountSid = try c.sharedString(.accountSid, strings) ?? ""
        status = try c.decodeIfPresent(ParticipantStatus.self, forKey: .status) ?? ""
        muted = try c.decodeIfPresent(Bool.self, forKey: .muted) ?? false
        hold = try c.decodeIfPresent(Bool.self, forKey: .hold) ?? false
        coaching = try c.decodeIfPresent(Bool.self, forKey: .coaching) ?? false
        startConferenceOnEnter = try c.decodeIfPresent(Bool.self, forKey: .startConferenceOnEnter) ?? false
        endConferenceOnExit = try c.decodeIfPresent(Bool.self, forKey: .endConferenceOnExit) ?? false
        dateCreated = try c.sharedDate(.dateCreated, strings) ?? ServiceDate(raw: "")
        dateUpdated = try c.sharedDate(.dateUpdated, strings) ?? ServiceDate(raw: "")
        rare = .make(
            callSidToCoach: try c.decodeIfPresent(String.self, forKey: .callSidToCoach),
            // A dashboard's read: no screen follows the link.
            uri: strings == nil ? try c.decodeIfPresent(String.self, forKey: .uri) ?? "" : "",
            label: try c.decodeIfPresent(String.self, forKey: .label))
    }

    // call_sid_to_coach is required by the spec even when null, so it is always written.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(callSid, forKey: .callSid)
        try c.encode(callSidToCoach, forKey: .callSidToCoach)
        try c.encode(coaching, forKey: .coaching)
        try c.encode(conferenceSid, forKey: .conferenceSid)
        try c.encode(dateCreated, forKey: .dateCreated)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(endConferenceOnExit, forKey: .endConferenceOnExit)
        try c.encode(hold, forKey: .hold)
        try c.encode(muted, forKey: .muted)
        try c.encode(startConferenceOnEnter, forKey: .startConferenceOnEnter)
        try c.encode(status, forKey: .status)
        try c.encode(uri, forKey: .uri)
        try c.encodeIfPresent(label, forKey: .label)
    }
}

/// A media stream attached to a conference, as the service echoes it: no url, track or codec.
public struct ConferenceStream: Codable, Hashable, Sendable, Identifiable {
    public var sid: String
    public var conferenceSid: String
    public var accountSid: String
    public var name: String?
    public var status: StreamStatus
    public var dateUpdated: ServiceDate
    public var uri: String

    public var id: String { sid }

    public init(
        sid: String, conferenceSid: String, accountSid: String, name: String?, status: StreamStatus,
        dateUpdated: ServiceDate, uri: String
    ) {
        self.sid = sid
        self.conferenceSid = conferenceSid
        self.accountSid = accountSid
        self.name = name
        self.status = status
        self.dateUpdated = dateUpdated
        self.uri = uri
    }

    enum CodingKeys: String, CodingKey {
        case sid, name, status, uri
        case conferenceSid = "conference_sid"
        case accountSid = "account_sid"
        case dateUpdated = "date_updated"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        conferenceSid = try c.decodeIfPresent(String.self, forKey: .conferenceSid) ?? ""
        accountSid = try c.decodeIfPresent(String.self, forKey: .accountSid) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name)
        status = try c.decodeIfPresent(StreamStatus.self, forKey: .status) ?? ""
        dateUpdated = try c.decodeIfPresent(ServiceDate.self, forKey: .dateUpdated) ?? ServiceDate(raw: "")
        uri = try c.decodeIfPresent(String.self, forKey: .uri) ?? ""
    }

    // name is required by the spec even when null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountSid, forKey: .accountSid)
        try c.encode(conferenceSid, forKey: .conferenceSid)
        try c.encode(dateUpdated, forKey: .dateUpdated)
        try c.encode(name, forKey: .name)
        try c.encode(sid, forKey: .sid)
        try c.encode(status, forKey: .status)
        try c.encode(uri, forKey: .uri)
    }
}
