import CompatAPI
import Foundation
import Hummingbird

/// The test and demo controls under `/__admin`: JSON in and out, no API credentials, never
/// faulted, never in the request log. Not part of the service: nothing a client of the real
/// API could depend on.
struct AdminSurface: Sendable {
    static let prefix = "/__admin"

    let world: EmulatorWorld
    let faults: FaultInjector
    let requestLog: RequestLog
    let callbacks: CallbackSender

    static func handles(_ path: String) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }

    func respond(method: HTTPRequest.Method, path: String, body: String) async -> Response {
        let segments = path.dropFirst(Self.prefix.count).split(separator: "/").map(String.init)
        // "conferences/*/streams", "calls/*/streams": the sid, when there is one, is the second
        // segment; "conferences/*/participants/*/speech": the call sid the fourth.
        let sid = segments.count > 1 && (segments[0] == "conferences" || segments[0] == "calls") ? segments[1] : ""
        let call = !sid.isEmpty && segments.count > 3 && segments[2] == "participants" ? segments[3] : ""
        let shape = segments.enumerated().map { segment in
            (segment.offset == 1 && !sid.isEmpty) || (segment.offset == 3 && !call.isEmpty) ? "*" : segment.element
        }.joined(separator: "/")
        switch (method, shape) {
        case (.get, "conferences"):
            return Replies.json(await world.summaries())
        case (.post, "conferences"):
            guard let request = decode(NewConference.self, body) else {
                return failure(400, "expected {\"friendlyName\": String?, \"participants\": Int?, \"status\": String?}")
            }
            let status = ConferenceStatus(rawValue: request.status ?? ConferenceStatus.inProgress.rawValue)
            guard status.isKnown else { return failure(400, "status must be init, in-progress or completed") }
            if let name = request.friendlyName, name.isEmpty || name.count > 64 {
                return failure(400, "friendlyName must be 1 to 64 characters")
            }
            let conference = await world.createConference(
                friendlyName: request.friendlyName, participants: request.participants ?? 3, status: status)
            return Replies.json(conference)
        case (.get, "conferences/*/streams"):
            guard let streams = await world.streams(conferenceSid: sid) else {
                return failure(404, "no conference \(sid)")
            }
            return Replies.json(streams)
        case (.get, "conferences/*/recordings"):
            guard let recordings = await world.recordings(conferenceSid: sid) else {
                return failure(404, "no conference \(sid)")
            }
            return Replies.json(recordings)
        case (.post, "conferences/*/recordings"):
            // What the application's cXML does; the REST API has no call that starts one.
            do throws(ServiceError) {
                return Replies.json(try await world.startConferenceRecording(conferenceSid: sid))
            } catch {
                return failure(error.status, error.message)
            }
        case (.get, "conferences/*/participants/*"):
            guard let state = await world.participantState(conferenceSid: sid, callSid: call) else {
                return failure(404, "no participant \(call) in conference \(sid)")
            }
            return Replies.json(state)
        case (.get, "calls"):
            return Replies.json(await world.calls())
        case (.get, "calls/*"):
            guard let found = await world.call(sid: sid) else { return failure(404, "no call \(sid)") }
            return Replies.json(found)
        case (.get, "calls/*/streams"):
            guard await world.call(sid: sid) != nil else { return failure(404, "no call \(sid)") }
            return Replies.json(await world.callStreams(callSid: sid))
        case (.get, "calls/*/recordings"):
            guard await world.call(sid: sid) != nil else { return failure(404, "no call \(sid)") }
            return Replies.json(await world.callRecordings(callSid: sid))
        case (.post, "conferences/*/end"):
            guard let conference = await world.endConference(sid: sid) else {
                return failure(404, "no conference \(sid)")
            }
            return Replies.json(conference)
        case (.post, "conferences/*/participants"):
            guard let request = decode(NewParticipant.self, body) else {
                return failure(400, NewParticipant.expected)
            }
            do throws(ServiceError) {
                return Replies.json(
                    try await world.addParticipant(
                        conferenceSid: sid, muted: request.muted ?? false, hold: request.hold ?? false,
                        startConferenceOnEnter: request.startConferenceOnEnter ?? true,
                        endConferenceOnExit: request.endConferenceOnExit ?? false))
            } catch {
                return failure(error.status, error.message)
            }
        case (.post, "conferences/*/participants/*/speech"):
            guard let request = decode(Speech.self, body) else { return failure(400, "expected {\"speaking\": Bool}") }
            do throws(ServiceError) {
                try await world.setSpeaking(conferenceSid: sid, callSid: call, speaking: request.speaking)
                return Replies.json(Speakers(speaking: await world.speakers(conferenceSid: sid)))
            } catch {
                return failure(error.status, error.message)
            }
        case (.get, "conference-events"):
            return Replies.json(
                ConferenceEventsState(
                    subscription: await world.conferenceEventSubscription, deliveries: callbacks.conferenceEvents))
        case (.post, "conference-events"):
            guard let request = decode(SubscriptionRequest.self, body), let url = request.url else {
                return failure(400, SubscriptionRequest.expected)
            }
            let subscription = ConferenceEventSubscription(
                url: url, method: CallbackMethod(rawValue: (request.method ?? "POST").uppercased()),
                events: request.events ?? ConferenceEvent.subscriptions)
            if let problem = subscription.problem { return failure(400, problem) }
            await world.setConferenceEvents(subscription)
            return Replies.json(ConferenceEventsState(subscription: subscription, deliveries: callbacks.conferenceEvents))
        case (.delete, "conference-events"):
            await world.setConferenceEvents(nil)
            return Replies.json(ConferenceEventsState(subscription: nil, deliveries: callbacks.conferenceEvents))
        case (.post, "seed"):
            guard let request = decode(Seed.self, body), (0...100_000).contains(request.conferences) else {
                return failure(400, "expected {\"conferences\": 0...100000}")
            }
            let total = await world.seed(conferences: request.conferences)
            return Replies.json(SeedResult(added: request.conferences, total: total))
        case (.post, "churn"):
            let steps = decode(Churn.self, body)?.steps ?? 1
            guard (0...10_000).contains(steps) else { return failure(400, "expected {\"steps\": 0...10000}") }
            for _ in 0..<steps { await world.churnStep() }
            return Replies.json(Churn(steps: steps))
        case (.get, "faults"):
            return Replies.json(await faults.settings)
        case (.post, "faults"):
            guard let patch = decode(FaultPatch.self, body) else {
                return failure(400, FaultPatch.expected)
            }
            var settings = await faults.settings
            patch.apply(to: &settings)
            if let problem = settings.problem { return failure(400, problem) }
            await faults.update(settings)
            return Replies.json(settings)
        case (.delete, "faults"):
            // Every fault off at once: what a test does when "the fault clears".
            await faults.update(FaultSettings())
            return Replies.json(FaultSettings())
        case (.get, "held"):
            // API requests waiting out a latency or hang right now: a test knows every request
            // it sent has landed (or been refused) once this is zero.
            return Replies.json(["held": await faults.held])
        case (.get, "inflight"):
            // API requests being answered now, and the most there have been at once since the
            // peak was last cleared (`DELETE /__admin/inflight`): what a client's concurrency did.
            let (now, peak) = await faults.inFlightNow
            return Replies.json(["inFlight": now, "peak": peak])
        case (.delete, "inflight"):
            await faults.clearPeak()
            return Replies.noContent()
        case (.get, "requests"):
            return Replies.json(await requestLog.all())
        case (.delete, "requests"):
            await requestLog.clear()
            return Replies.noContent()
        default:
            return failure(404, "no admin endpoint \(method.rawValue) \(path)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: String) -> T? {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return try? JSONDecoder().decode(T.self, from: Data((text.isEmpty ? "{}" : text).utf8))
    }

    private func failure(_ status: Int, _ message: String) -> Response {
        Replies.json(AdminError(error: message), status: status)
    }

    private struct NewConference: Decodable {
        var friendlyName: String?
        var participants: Int?
        var status: String?
    }

    private struct NewParticipant: Decodable {
        static let expected =
            "expected {\"muted\": Bool?, \"hold\": Bool?, \"startConferenceOnEnter\": Bool?, \"endConferenceOnExit\": Bool?}"
        var muted: Bool?
        var hold: Bool?
        var startConferenceOnEnter: Bool?
        var endConferenceOnExit: Bool?
    }

    private struct Speech: Decodable {
        var speaking: Bool
    }

    private struct Speakers: Encodable {
        var speaking: [String]
    }

    /// `events` left out: all of them, as `start end join leave mute hold speaker`.
    private struct SubscriptionRequest: Decodable {
        static let expected =
            "expected {\"url\": String, \"method\": \"POST\" or \"GET\"?, \"events\": [start, end, join, leave, mute, hold, speaker]?}"
        var url: String?
        var method: String?
        var events: [String]?
    }

    /// Where conference events go, and how their deliveries went (a test waits on `delivered`).
    private struct ConferenceEventsState: Encodable {
        var subscription: ConferenceEventSubscription?
        var deliveries: ConferenceEventDeliveries

        enum CodingKeys: String, CodingKey { case url, method, events, sent, delivered, failed, pending }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subscription?.url, forKey: .url)
            try container.encode(subscription?.method, forKey: .method)
            try container.encode(subscription?.events ?? [], forKey: .events)
            try container.encode(deliveries.sent, forKey: .sent)
            try container.encode(deliveries.delivered, forKey: .delivered)
            try container.encode(deliveries.failed, forKey: .failed)
            try container.encode(deliveries.pending, forKey: .pending)
        }
    }

    private struct Seed: Decodable {
        var conferences: Int
    }

    private struct SeedResult: Encodable {
        var added: Int
        var total: Int
    }

    private struct Churn: Codable {
        var steps: Int?
    }

    private struct AdminError: Encodable {
        var error: String
    }

    /// A partial change to the faults: a field left out keeps its value; `null` turns an
    /// optional fault off (`"rateLimit": null` lifts the limit, `"status": null` answers
    /// normally again).
    private struct FaultPatch: Decodable {
        static let expected =
            "expected {\"latencyMs\": Int?, \"failRate\": 0...1?, \"rateLimit\": Int or null, \"maxInFlight\": Int or null, \"status\": 400...599 or null, "
            + "\"retryAfterSeconds\": Int or null, \"hangSeconds\": Number?, \"body\": \"malformed\", \"truncated\", "
            + "\"trickle\" or null, \"trickleBytes\": Int?, \"trickleIntervalMs\": Int?}"

        var latencyMs: Int?
        var failRate: Double?
        var hangSeconds: Double?
        var trickleBytes: Int?
        var trickleIntervalMs: Int?
        /// For each: nil leave as is; .some(nil) off.
        var rateLimit: Int??
        var maxInFlight: Int??
        var status: Int??
        var retryAfterSeconds: Int??
        var body: FaultSettings.BodyFault??

        enum CodingKeys: String, CodingKey {
            case latencyMs, failRate, rateLimit, status, retryAfterSeconds, hangSeconds, body, trickleBytes,
                trickleIntervalMs, maxInFlight
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            latencyMs = try container.decodeIfPresent(Int.self, forKey: .latencyMs)
            failRate = try container.decodeIfPresent(Double.self, forKey: .failRate)
            hangSeconds = try container.decodeIfPresent(Double.self, forKey: .hangSeconds)
            trickleBytes = try container.decodeIfPresent(Int.self, forKey: .trickleBytes)
            trickleIntervalMs = try container.decodeIfPresent(Int.self, forKey: .trickleIntervalMs)
            func nullable<T: Decodable>(_ key: CodingKeys) throws -> T?? {
                container.contains(key) ? .some(try container.decodeIfPresent(T.self, forKey: key)) : nil
            }
            rateLimit = try nullable(.rateLimit)
            maxInFlight = try nullable(.maxInFlight)
            status = try nullable(.status)
            retryAfterSeconds = try nullable(.retryAfterSeconds)
            body = try nullable(.body)
        }

        func apply(to settings: inout FaultSettings) {
            if let latencyMs { settings.latencyMs = latencyMs }
            if let failRate { settings.failRate = failRate }
            if let hangSeconds { settings.hangSeconds = hangSeconds }
            if let trickleBytes { settings.trickleBytes = trickleBytes }
            if let trickleIntervalMs { settings.trickleIntervalMs = trickleIntervalMs }
            if let rateLimit { settings.rateLimit = rateLimit }
            if let maxInFlight { settings.maxInFlight = maxInFlight }
            if let status { settings.status = status }
            if let retryAfterSeconds { settings.retryAfterSeconds = retryAfterSeconds }
            if let body { settings.body = body }
        }
    }
}
