import CompatAPI
import Foundation
import Hummingbird
import Logging

/// Answers Compatibility API requests the way the service does: faults first, then Basic
/// auth, then the route, the account, the parameters and the world's own rules.
struct APIResponder: Sendable {
    let world: EmulatorWorld
    let faults: FaultInjector
    let clock: EmulatorClock
    let accountSid: String
    /// A secret: compared, never logged.
    let apiToken: String
    let logger: Logger

    /// What the responder needs from an HTTP request, read once by the server.
    struct Incoming: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var query: String?
        var contentType: String?
        var authorization: String?
        var body: String
    }

    func respond(to request: Incoming) async -> Response {
        let verdict = await faults.verdict()
        let response = await respond(to: request, verdict)
        await faults.finished()
        return response
    }

    private func respond(to request: Incoming, _ verdict: FaultInjector.Verdict) async -> Response {
        // The faults as they were when the request came in, for the whole of its answer.
        let settings = await faults.settings
        let delay = await faults.delay
        if delay > .zero {
            // The deadline is fixed before the request counts as held, so a test that sees it
            // held knows the clock must move by `delay` from then for it to be answered.
            let deadline = clock.elapsed + delay
            await faults.hold()
            let waited: Bool
            do {
                try await clock.sleep(untilElapsed: deadline)
                waited = true
            } catch {
                waited = false
            }
            await faults.release()
            if !waited { return Replies.error(FaultInjector.internalError) }
        }
        let response: Response
        switch verdict {
        case .rateLimited:
            response = Replies.error(FaultInjector.rateLimitedError, headers: [.retryAfter: "1"])
        case .internalError:
            response = Replies.error(FaultInjector.internalError)
        case .status(let status, let retryAfter):
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            if status == 401 { headers[.wwwAuthenticate] = "Basic realm=\"SignalWire\"" }
            response = Replies.error(FaultInjector.serviceError(status: status), headers: headers)
        case .proceed:
            response = await answer(request)
        }
        return await FaultInjector.spoil(response, as: settings, clock: clock)
    }

    private func answer(_ request: Incoming) async -> Response {
        do throws(ServiceError) {
            return try await handle(request)
        } catch {
            logger.debug(
                "API request refused",
                metadata: [
                    "method": "\(request.method.rawValue)", "path": "\(request.path)", "status": "\(error.status)",
                ])
            var headers: HTTPFields = [:]
            if error.status == 401 { headers[.wwwAuthenticate] = "Basic realm=\"SignalWire\"" }
            return Replies.error(error, headers: headers)
        }
    }

    private func handle(_ request: Incoming) async throws(ServiceError) -> Response {
        try authenticate(request.authorization)
        guard let route = APIRoute(path: request.path) else {
            throw Validation.notFound(request.path)
        }
        // Another account's resources are not ours to see: the same answer as bad credentials.
        guard route.account == accountSid else { throw Self.authenticationFailed }

        let query = RequestParameters(query: request.query)
        let method = request.method
        switch (route, method) {
        case (.conferences, .get):
            let filters = try Validation.conferenceQuery(getParameters(query, request))
            return Replies.json(await world.listConferences(filters))
        case (.conference(_, let sid), .get):
            return Replies.json(try await world.fetchConference(sid))
        case (.conference(_, let sid), .post):
            let change = try Validation.conferenceChange(try bodyParameters(request))
            return Replies.json(try await world.updateConference(sid, change))
        case (.participants(_, let conference), .get):
            let filters = try Validation.participantQuery(getParameters(query, request))
            return Replies.json(try await world.listParticipants(conference, filters))
        case (.participant(_, let conference, let callSid), .get):
            return Replies.json(try await world.fetchParticipant(conference, callSid))
        case (.participant(_, let conference, let callSid), .post):
            let change = try Validation.participantChange(try bodyParameters(request))
            return Replies.json(try await world.updateParticipant(conference, callSid, change))
        case (.participant(_, let conference, let callSid), .delete):
            try await world.removeParticipant(conference, callSid)
            return Replies.noContent()
        case (.streams(_, let conference), .post):
            return Replies.json(try await world.startStream(conference, try bodyParameters(request)))
        case (.stream(_, let conference, let sidOrName), .post):
            return Replies.json(try await world.stopStream(conference, sidOrName, try bodyParameters(request)))
        case (.conferenceRecordings(_, let conference), .get):
            let filters = try Validation.recordingQuery(getParameters(query, request))
            return Replies.json(try await world.listConferenceRecordings(conference, filters))
        case (.conferenceRecording(_, let conference, let sid), .get):
            return Replies.json(try await world.fetchConferenceRecording(conference, sid))
        case (.conferenceRecording(_, let conference, let sid), .post):
            return Replies.json(try await world.updateConferenceRecording(conference, sid, try bodyParameters(request)))
        case (.conferenceRecording(_, let conference, let sid), .delete):
            try await world.deleteConferenceRecording(conference, sid)
            return Replies.noContent()
        case (.calls, .get):
            let filters = try Validation.callQuery(getParameters(query, request))
            return Replies.json(await world.listCalls(filters))
        case (.call(_, let sid), .get):
            return Replies.json(try await world.fetchCall(sid))
        case (.callRecordings(_, let call), .post):
            return Replies.json(try await world.startCallRecording(call, try bodyParameters(request)))
        case (.callRecording(_, let call, let sid), .post):
            return Replies.json(try await world.updateCallRecording(call, sid, try bodyParameters(request)))
        case (.recordings, .get):
            let parameters = getParameters(query, request)
            let filters = try Validation.recordingQuery(parameters)
            return Replies.json(
                await world.listAccountRecordings(
                    filters, callSid: parameters["CallSid"], conferenceSid: parameters["ConferenceSid"]))
        case (.recording(_, let sid), .delete):
            try await world.deleteRecording(sid)
            return Replies.noContent()
        case (.callStreams(_, let call), .post):
            return Replies.json(try await world.startCallStream(call, try bodyParameters(request)))
        case (.callStream(_, let call, let sidOrName), .post):
            return Replies.json(try await world.stopCallStream(call, sidOrName, try bodyParameters(request)))
        default:
            throw ServiceError(
                status: 405, code: 20004, message: "Method \(method.rawValue) not allowed on \(request.path)")
        }
    }

    static let authenticationFailed = ServiceError(
        status: 401, code: ServiceError.Code.authenticationFailed, message: "Authentication Failed")

    private func authenticate(_ header: String?) throws(ServiceError) {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic ",
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { throw Self.authenticationFailed }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard Self.constantTimeEqual(user, accountSid), Self.constantTimeEqual(password, apiToken) else {
            throw Self.authenticationFailed
        }
    }

    /// A POST's parameters come from its body only: a client that puts them in the query
    /// string has a bug the service would not forgive either.
    private func bodyParameters(_ request: Incoming) throws(ServiceError) -> RequestParameters {
        try RequestParameters(body: request.body, contentType: request.contentType)
    }

    /// A GET's parameters are its query, plus any it sent as a body (signalwire-sdk sends a
    /// JSON body on every request); the query wins. A GET body that cannot be read is ignored,
    /// as servers ignore GET bodies.
    private func getParameters(_ query: RequestParameters, _ request: Incoming) -> RequestParameters {
        let body = (try? RequestParameters(body: request.body, contentType: request.contentType)) ?? RequestParameters()
        return body.merging(query)
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
