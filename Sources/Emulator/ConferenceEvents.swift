import CompatAPI
import Foundation

/// Where the emulator sends conference status callbacks, as an application's cXML asks for them
/// with `<Conference statusCallback=… statusCallbackEvent=… statusCallbackMethod=…>`: one URL for
/// every conference (an application that dials every room with the same cXML).
public struct ConferenceEventSubscription: Codable, Sendable, Hashable {
    public var url: String
    public var method: CallbackMethod
    /// `statusCallbackEvent` words: `start`, `end`, `join`, `leave`, `mute`, `hold`, `speaker`.
    public var events: [String]

    public init(url: String, method: CallbackMethod = .post, events: [String] = ConferenceEvent.subscriptions) {
        self.url = url
        self.method = method
        self.events = events
    }

    /// Why the service would not take this, or nil when it would.
    public var problem: String? {
        if !Validation.isHTTPURL(url) { return "url must be an absolute http:// or https:// URL" }
        if !method.isKnown { return "method must be GET or POST" }
        let unknown = events.filter { !ConferenceEvent.subscriptions.contains($0) }
        if !unknown.isEmpty {
            return "unknown events \(unknown.joined(separator: ", ")) (known: \(ConferenceEvent.subscriptions.joined(separator: " ")))"
        }
        return nil
    }

    func wants(_ event: ConferenceEvent) -> Bool {
        event.subscription.map { events.contains($0) } ?? false
    }
}

/// Conference status callbacks: every conference start and end, and every participant join,
/// leave, mute, unmute, hold, unhold, speech start and stop, whatever caused it (the REST API,
/// the admin surface, the churn), signed and sent in each conference's order.
extension EmulatorWorld {
    /// The most conferences whose speakers change on one churn step: a world of thousands of
    /// live rooms must not send thousands of callbacks every step.
    static let speakingTurnsPerStep = 32

    public func setConferenceEvents(_ subscription: ConferenceEventSubscription?) {
        conferenceEvents = subscription
        if subscription?.events.contains("speaker") != true {
            // Nobody is heard speaking where nobody listens for it; the next turns start afresh.
            for sid in order { stopEveryone(in: sid) }
        }
    }

    public var conferenceEventSubscription: ConferenceEventSubscription? { conferenceEvents }

    /// One callback, if the subscription asks for it. Synchronous: the order of calls is the
    /// order of the conference's `SequenceNumber` and of delivery.
    func announce(
        _ event: ConferenceEvent, conferenceSid: String, participant: ParticipantRecord? = nil,
        reason: String? = nil, endingCall: String? = nil
    ) {
        guard let subscription = conferenceEvents, subscription.wants(event), let callbacks,
            let record = conferences[conferenceSid]
        else { return }
        let sequence = (conferenceEventSequence[conferenceSid] ?? 0) + 1
        conferenceEventSequence[conferenceSid] = sequence
        // In the order Twilio's table lists them.
        var fields: [(String, String)] = [
            ("ConferenceSid", conferenceSid),
            ("FriendlyName", record.friendlyName),
            ("AccountSid", accountSid),
            ("SequenceNumber", String(sequence)),
            ("Timestamp", ServiceDate.format(now)),
            ("StatusCallbackEvent", event.rawValue),
        ]
        if let participant {
            fields += [
                ("CallSid", participant.callSid),
                ("Muted", String(participant.muted)),
                ("Hold", String(participant.hold)),
                ("Coaching", String(participant.coaching)),
                ("EndConferenceOnExit", String(participant.endConferenceOnExit)),
                ("StartConferenceOnEnter", String(participant.startConferenceOnEnter)),
            ]
        }
        if let endingCall { fields.append(("CallSidEndingConference", endingCall)) }
        if let reason { fields.append(("ReasonConferenceEnded", reason)) }
        callbacks.enqueue(
            OutgoingCallback(
                url: subscription.url, method: subscription.method, fields: fields, kind: .conference,
                orderKey: conferenceSid))
    }

    /// A conference that came into being with people in it: each one's join, then its start
    /// once it is live (the service starts a room when someone who starts it is there).
    func announceOpening(_ conferenceSid: String) {
        guard let record = conferences[conferenceSid], record.status != .completed else { return }
        for participant in record.participants where participant.status != .completed {
            announce(.participantJoin, conferenceSid: conferenceSid, participant: participant)
        }
        if record.status == .inProgress { announce(.conferenceStart, conferenceSid: conferenceSid) }
    }

    /// What changed between `before` and `after` of one participant: speech stops first when
    /// a mute or a hold silences the speaker, then the mute, then the hold.
    func announceChanges(from before: ParticipantRecord, to after: ParticipantRecord, in conferenceSid: String) {
        if before.speaking && !after.speaking {
            var quiet = before
            quiet.speaking = false
            announce(.participantSpeechStop, conferenceSid: conferenceSid, participant: quiet)
        }
        var state = before
        state.speaking = after.speaking
        if before.muted != after.muted {
            state.muted = after.muted
            announce(after.muted ? .participantMute : .participantUnmute, conferenceSid: conferenceSid, participant: state)
        }
        if before.hold != after.hold {
            state.hold = after.hold
            announce(after.hold ? .participantHold : .participantUnhold, conferenceSid: conferenceSid, participant: state)
        }
    }

    /// Changes a participant's mute or hold as the churn does, and says so.
    func toggle(_ flag: WritableKeyPath<ParticipantRecord, Bool>, ofParticipantAt index: Int, in conferenceSid: String) {
        guard let before = conferences[conferenceSid]?.participants[index] else { return }
        var after = before
        after[keyPath: flag].toggle()
        // A muted or held participant is not heard.
        if after.muted || after.hold { after.speaking = false }
        after.dateUpdated = now
        conferences[conferenceSid]?.participants[index] = after
        announceChanges(from: before, to: after, in: conferenceSid)
    }

    // MARK: Speaking

    /// One step of speaking turns: in each live conference (up to `speakingTurnsPerStep`), the
    /// speaker may stop, and someone who can be heard may start. Only while a subscription asks
    /// for `speaker` events: nothing else can tell who speaks.
    func speakingTurns() {
        guard conferenceEvents?.events.contains("speaker") == true else { return }
        var live = order.filter { conferences[$0]?.status == .inProgress }
        if live.count > Self.speakingTurnsPerStep {
            live.shuffle(using: &speechRNG)
            live = Array(live.prefix(Self.speakingTurnsPerStep))
        }
        for sid in live {
            guard let record = conferences[sid] else { continue }
            if let speaker = record.participants.firstIndex(where: \.speaking), speechRNG.chance(0.55) {
                setSpeaking(false, participantAt: speaker, in: sid)
            }
            guard conferences[sid]?.participants.contains(where: \.speaking) == false else { continue }
            let audible = (conferences[sid]?.participants.indices ?? 0..<0).filter { index in
                conferences[sid].map { Self.canBeHeard($0.participants[index]) } ?? false
            }
            if !audible.isEmpty, speechRNG.chance(0.7) {
                setSpeaking(true, participantAt: speechRNG.pick(audible), in: sid)
            }
        }
    }

    static func canBeHeard(_ participant: ParticipantRecord) -> Bool {
        participant.status != .completed && !participant.muted && !participant.hold
    }

    func setSpeaking(_ speaking: Bool, participantAt index: Int, in conferenceSid: String) {
        guard let participant = conferences[conferenceSid]?.participants[index], participant.speaking != speaking else {
            return
        }
        conferences[conferenceSid]?.participants[index].speaking = speaking
        var announced = participant
        announced.speaking = speaking
        announce(
            speaking ? .participantSpeechStart : .participantSpeechStop, conferenceSid: conferenceSid,
            participant: announced)
    }

    /// Nobody speaks in `conferenceSid` any more; no callbacks (a leave or an end says it).
    func stopEveryone(in conferenceSid: String) {
        guard let record = conferences[conferenceSid] else { return }
        for index in record.participants.indices where record.participants[index].speaking {
            conferences[conferenceSid]?.participants[index].speaking = false
        }
    }

    // MARK: The admin surface's participants

    /// A caller joins a live (or waiting) conference, as `POST /__admin/conferences/{sid}/participants`.
    /// One who starts the conference starts a waiting one.
    public func addParticipant(
        conferenceSid: String, muted: Bool = false, hold: Bool = false, startConferenceOnEnter: Bool = true,
        endConferenceOnExit: Bool = false
    ) throws(ServiceError) -> Participant {
        let record = try record(conferenceSid)
        guard record.status != .completed else {
            throw Validation.invalid(["Conference \(conferenceSid) is completed; nobody can join it"])
        }
        let current = now
        let participant = ParticipantRecord(
            callSid: rng.uuid(), status: .inProgress, muted: muted, hold: hold, coaching: false, callSidToCoach: nil,
            startConferenceOnEnter: startConferenceOnEnter, endConferenceOnExit: endConferenceOnExit,
            dateCreated: current, dateUpdated: current, sequence: takeSequence())
        join(participant, conferenceSid: conferenceSid, starts: record.status == .initializing && startConferenceOnEnter)
        return participant.wire(conferenceSid: conferenceSid, paths: paths, accountSid: accountSid)
    }

    /// Adds a participant and says so; `starts`: the conference was waiting and starts now.
    func join(_ participant: ParticipantRecord, conferenceSid: String, starts: Bool) {
        conferences[conferenceSid]?.participants.append(participant)
        conferences[conferenceSid]?.dateUpdated = participant.dateCreated
        announce(.participantJoin, conferenceSid: conferenceSid, participant: participant)
        if starts {
            conferences[conferenceSid]?.status = .inProgress
            announce(.conferenceStart, conferenceSid: conferenceSid)
        }
    }

    /// A participant starts or stops speaking, as `POST /__admin/conferences/{sid}/participants/{call}/speech`.
    /// Only someone who can be heard (in the call, not muted, not on hold) starts.
    public func setSpeaking(conferenceSid: String, callSid: String, speaking: Bool) throws(ServiceError) {
        let (conference, index) = try participantIndex(conferenceSid, callSid)
        let participant = conference.participants[index]
        guard conference.status != .completed, participant.status != .completed else {
            throw Validation.invalid(["Participant \(callSid) is no longer in conference \(conferenceSid)"])
        }
        if speaking, !Self.canBeHeard(participant) {
            throw Validation.invalid(["Participant \(callSid) is muted or on hold: nobody hears them speak"])
        }
        setSpeaking(speaking, participantAt: index, in: conferenceSid)
    }

    /// Who is speaking in a conference now, by call sid, for tests and the admin surface.
    public func speakers(conferenceSid: String) -> [String] {
        conferences[conferenceSid]?.participants.filter(\.speaking).map(\.callSid) ?? []
    }
}
