import CompatAPI
import Foundation
import Ledger

// Streams: the API cannot list them, so a stream started but not recorded could never be
// listed again. Every start and stop is recorded in the ledger, and a record that fails is
// reported beside the service's outcome, never dropped.

extension OperatorActions {
    /// Starts a stream (sent once per call, never retried here), records it in the ledger and
    /// audits it. The value is the stream as the ledger holds it; nil when the start was refused.
    ///
    /// Every stream confdash starts carries a name: the operator's, or `cd-<user>-<short id>`.
    /// The service refuses a name already used by an open stream of the conference, and that is
    /// what makes an unanswered start safe to send again:
    /// - no answer (timeout, connection lost): outcome `unknown`, and the ledger keeps the stream
    ///   as `unknown` under its name (`StreamLedger.recordStartUnknown`);
    /// - the same start sent again either starts it (the first never arrived: the kept row
    ///   becomes this stream) or is refused as a duplicate name (the first did start it: the
    ///   kept row is settled as running). Either way the ledger ends with one stream.
    /// A stream that started but that the ledger could not record still comes back (built from
    /// the service's answer), with `ledgerError` saying so.
    public func startStream(conference: String, conferenceName: String?, _ request: StartStreamRequest) async
        -> OperatorActionResult<StreamRecord>
    {
        var request = request
        if (request.name ?? "").isEmpty { request.name = Self.generatedStreamName() }
        return await start(
            conference: conference, conferenceName: conferenceName, call: nil, request: request,
            parameters: Self.auditParameters(request, conferenceName: conferenceName)
        ) { try await client.startStream(conference: conference, request) }
    }

    /// Starts a stream on one participant's call (`Calls/{CallSid}/Streams`), as `startStream`
    /// starts one on the conference: a generated name when none is given (the name is what makes
    /// an unanswered start safe to send again), the ledger's record tied to the conference with
    /// the call (`callSid`), an unanswered start kept as `unknown` and settled by the same start
    /// sent again. Audited as `start-stream` with parameter `call`. The endpoint takes no codec
    /// and no real-time choice. The bearer token is sent, never stored or audited.
    public func startCallStream(
        conference: String, conferenceName: String?, call: String, _ request: StartCallStreamRequest
    ) async -> OperatorActionResult<StreamRecord> {
        var request = request
        if (request.name ?? "").isEmpty { request.name = Self.generatedStreamName() }
        // The ledger's shape of it: a conference stream's request without codec or real time.
        let kept = StartStreamRequest(
            url: request.url, name: request.name, track: request.track, statusCallback: request.statusCallback,
            statusCallbackMethod: request.statusCallbackMethod, bearerToken: nil, parameters: request.parameters)
        var parameters = Self.auditParameters(kept, conferenceName: conferenceName)
        parameters["call"] = call
        if request.bearerToken != nil { parameters["bearerToken"] = "set" }
        let sent = request
        return await start(
            conference: conference, conferenceName: conferenceName, call: call, request: kept, parameters: parameters
        ) {
            let callStream = try await client.startCallStream(call: call, sent)
            // The ledger keeps streams by conference: the call's stream belongs to the one it is in.
            return ConferenceStream(
                sid: callStream.sid, conferenceSid: conference, accountSid: callStream.accountSid, name: callStream.name,
                status: callStream.status, dateUpdated: callStream.dateUpdated, uri: callStream.uri)
        }
    }

    /// What a conference stream's start and a call stream's start share, once the request is
    /// named: the read-only gate, the lookup of an earlier start of that name whose answer never
    /// came, the ledger's record (tied to `call` when there is one) and audit row, and the
    /// failure path. `request` is what the ledger keeps (`name` set); `send` makes the one
    /// request to the service, and is called only when the gate lets the start through.
    private func start(
        conference: String, conferenceName: String?, call: String?, request: StartStreamRequest,
        parameters: [String: String], send: () async throws -> ConferenceStream
    ) async -> OperatorActionResult<StreamRecord> {
        await RequestTrace.tracing {
            await startTraced(
                conference: conference, conferenceName: conferenceName, call: call, request: request, parameters: parameters,
                send: send)
        }
    }

    private func startTraced(
        conference: String, conferenceName: String?, call: String?, request: StartStreamRequest,
        parameters: [String: String], send: () async throws -> ConferenceStream
    ) async -> OperatorActionResult<StreamRecord> {
        let name = request.name ?? ""
        guard !readOnly else {
            return await finish(
                .startStream, conference: conference, target: nil, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        // Is this the retry of a start whose answer never came? A ledger that cannot say is
        // reported with the outcome; the start goes out all the same (the name keeps it single).
        var unsettled: StreamRecord?
        var readError: String?
        do {
            unsettled = try await ledger.stream(sid: StreamRecord.provisionalSid(conferenceSid: conference, name: name))
            if unsettled?.status != .unknown { unsettled = nil }
        } catch {
            readError = String(describing: error)
        }
        let stream: ConferenceStream
        do {
            stream = try await send()
        } catch {
            return await startFailed(
                error, conference: conference, conferenceName: conferenceName, request: request, name: name, call: call,
                unsettled: unsettled, readError: readError, parameters: parameters)
        }
        let started = now()
        var record: StreamRecord
        var ledgerError: String?
        do {
            record = try await ledger.recordStarted(
                stream, request: request, conferenceName: conferenceName, from: streamOrigin, by: operatorName, onCall: call,
                at: started)
        } catch {
            ledgerError = String(describing: error)
            record = StreamRecord(
                sid: stream.sid, accountSid: stream.accountSid, conferenceSid: conference, callSid: call,
                conferenceName: conferenceName, name: request.name ?? stream.name, url: request.url, track: request.track,
                codec: request.codec, realTime: request.realTime ?? false, statusCallback: request.statusCallback,
                statusCallbackMethod: request.statusCallbackMethod, parameters: request.parameters, startedAt: started,
                startedFrom: streamOrigin, status: StreamState(serviceStatus: stream.status), updatedAt: started)
        }
        let label = record.name.map { "\(record.sid) (\($0))" } ?? record.sid
        var message = "Started stream \(label)\(call.map { " on call \($0)" } ?? ""): \(record.status)"
        if unsettled != nil { message += " (the first start's answer never came; it had not reached the service)" }
        var result = await finish(
            .startStream, conference: conference, target: record.sid, parameters: parameters, outcome: .ok,
            message: message,
            detail: ledgerError.map { "\(record.status); not in the stream ledger: \($0)" } ?? "\(record.status)",
            value: record)
        result.ledgerError = ledgerError
        return result
    }

    /// A start that did not come back with a stream: unknown, a settled retry, or a refusal.
    private func startFailed(
        _ error: any Error, conference: String, conferenceName: String?, request: StartStreamRequest, name: String,
        call: String? = nil, unsettled: StreamRecord?, readError: String?, parameters: [String: String]
    ) async -> OperatorActionResult<StreamRecord> {
        let compat = error as? CompatError
        var message = Self.message(error)
        var outcome = Self.outcome(of: error)
        var value: StreamRecord?
        var ledgerError: String?
        let at = now()
        do {
            if compat?.outcomeUnknown == true {
                message =
                    "outcome unknown: \(message). Stream \(name) may have started; sending the same start again "
                    + "is safe (the service refuses a second stream of that name) and settles it"
                value = try await ledger.recordStartUnknown(
                    conferenceSid: conference, accountSid: client.credentials.projectID, request: request, name: name,
                    conferenceName: conferenceName, from: streamOrigin, by: operatorName, onCall: call,
                    reason: "start unanswered: \(Self.message(error))",
                    at: at)
            } else if unsettled != nil, let refusal = compat?.serviceError, Self.isDuplicateName(refusal) {
                // The first start did reach the service: its stream runs under this name.
                outcome = .ok
                message =
                    "Stream \(name) runs: the first start reached the service (its sid comes with a status callback or a stop)"
                value = try await ledger.settleStartAsRunning(conferenceSid: conference, name: name, at: at)
            } else if let refusal = compat?.serviceError, Self.isDuplicateName(refusal),
                let running = try await ledger.stream(named: name, conferenceSid: conference), !running.status.isTerminal
            {
                // The same start sent twice (a retry racing another, a script run again): the
                // stream it asks for runs already, and the ledger knows it. Nothing more to do.
                outcome = .ok
                message = "Stream \(name) already runs (\(running.sidKnown ? running.sid : "sid not known yet"))"
                value = running
            } else if unsettled != nil, let status = compat?.httpStatus, Self.settlesUnknownStart(status: status) {
                message = "stream not started: \(message) (the first start, whose answer never came, did not start it either)"
                try await ledger.settleStartAsNotStarted(
                    conferenceSid: conference, name: name, reason: Self.message(error), at: at)
            }
        } catch {
            ledgerError = String(describing: error)
        }
        if let readError { message += " (the stream ledger could not be read: \(readError))" }
        var result: OperatorActionResult<StreamRecord> = await finish(
            .startStream, conference: conference, target: value?.sidKnown == true ? value?.sid : nil,
            parameters: parameters, outcome: outcome, message: message, detail: message, value: value)
        result.error = outcome == .ok ? nil : compat
        result.ledgerError = ledgerError
        return result
    }

    /// The service's refusal of a name an open stream of the conference already has.
    static func isDuplicateName(_ error: ServiceError) -> Bool {
        ([error.message] + error.errors).contains { $0.localizedCaseInsensitiveContains("duplicated stream name") }
    }

    /// A refusal that says the earlier, unanswered start made no running stream either: the
    /// request as it stands is refused (bad input, the conference gone). Not an authentication,
    /// permission or rate refusal, which says nothing about the stream.
    static func settlesUnknownStart(status: Int) -> Bool {
        (400..<500).contains(status) && ![401, 403, 429].contains(status)
    }

    /// `cd-<user>-<6 hex digits>`: whose it is, and unique enough among a conference's streams.
    public static func generatedStreamName(user: String = AuditEntry.currentLocalUser()) -> String {
        let cleaned = String(user.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }.prefix(16))
        let short = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(6).lowercased()
        return "cd-\(cleaned.isEmpty ? "op" : cleaned)-\(short)"
    }

    /// Stops a stream by sid, or by a name the ledger knows (sent as its sid: SignalWire
    /// documents stopping by sid only), records the outcome in the ledger and audits it. The
    /// value is the stop's result at the service, whatever it was (nil only when read-only).
    /// A stream the ledger knows to run on one call (`callSid`) is stopped through
    /// `Calls/{CallSid}/Streams/{sid}`, and audited with parameter `call`.
    public func stopStream(conference: String, stream: String) async -> OperatorActionResult<StreamStop> {
        await RequestTrace.tracing { await stopStreamTraced(conference: conference, stream: stream) }
    }

    private func stopStreamTraced(conference: String, stream: String) async -> OperatorActionResult<StreamStop> {
        var parameters: [String: String] = [:]
        guard !readOnly else {
            parameters["stream"] = stream
            return await finish(
                .stopStream, conference: conference, target: nil, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        // A ledger that cannot be read does not stop the stop: it is sent by the sid the operator
        // gave, and the read's failure is reported with the outcome.
        var known: StreamRecord?
        var readError: String?
        do {
            known = try await ledger.stream(sid: stream)
            if known == nil { known = try await ledger.stream(named: stream, conferenceSid: conference) }
        } catch {
            readError = String(describing: error)
        }
        let sid = known?.serviceKey ?? stream
        // A stream on one participant's call is stopped where it was started: under the call.
        let call = known?.callSid
        if let call { parameters["call"] = call }
        let stop: StreamStop
        var failure: (any Error)?
        do {
            let outcome: StopOutcome = known?.status.isTerminal == true ? .alreadyStopped : .stopped
            if let call {
                let stopped = try await client.stopCallStream(call: call, stream: sid)
                // A call stream's name is never null: the service answers its sid when it had none.
                let name = known?.name ?? (stopped.name == stopped.sid ? nil : stopped.name)
                stop = StreamStop(sid: stopped.sid, name: name, outcome: outcome, error: nil)
            } else {
                let stopped = try await client.stopStream(conference: conference, stream: sid)
                stop = StreamStop(sid: stopped.sid, name: stopped.name ?? known?.name, outcome: outcome, error: nil)
            }
        } catch {
            failure = error
            let message = Self.message(error)
            let outcome: StopOutcome = (error as? CompatError)?.httpStatus == 404 ? .notFound : .refused(message)
            stop = StreamStop(sid: sid, name: known?.name, outcome: outcome, error: message)
        }
        var ledgerError: String?
        // A sid or name that neither the ledger nor the service knows is a typo: nothing to keep.
        let existed = known != nil || stop.outcome != .notFound
        if existed {
            do {
                _ = try await ledger.recordStopped(
                    sid: stop.sid, conferenceSid: conference, accountSid: client.credentials.projectID, name: stop.name,
                    by: operatorName, at: now(), outcome: stop.outcome)
            } catch {
                ledgerError = String(describing: error)
            }
        }
        if let name = stop.name { parameters["name"] = name }
        let outcome: AuditOutcome =
            switch stop.outcome {
            case .stopped, .alreadyStopped: .ok
            case .notFound: .refused
            case .refused: failure.map(Self.outcome(of:)) ?? .refused
            }
        var message = outcome == .ok ? "Stream \(stop.label): \(stop.outcome)" : stop.error ?? stop.outcome.description
        var detail = stop.error ?? stop.outcome.description
        if let readError {
            // Said, not swallowed: the stop went out by the sid or name as typed.
            message += " (the stream ledger could not be read, so \(stream) was sent as given: \(readError))"
            detail += "; the stream ledger could not be read: \(readError)"
        }
        if let ledgerError { detail += "; not in the stream ledger: \(ledgerError)" }
        var result = await finish(
            .stopStream, conference: conference, target: stop.sid, parameters: parameters, outcome: outcome,
            message: message, detail: detail, value: stop)
        result.ledgerError = ledgerError
        result.error = failure as? CompatError
        return result
    }

    /// `:track SID`: a stream started elsewhere, added to the ledger by hand. Nothing is asked
    /// of the service, so nothing is audited; a ledger that cannot write says so.
    public func trackStream(conference: String, sid: String) async -> OperatorActionResult<StreamRecord> {
        await RequestTrace.tracing { await trackStreamTraced(conference: conference, sid: sid) }
    }

    private func trackStreamTraced(conference: String, sid: String) async -> OperatorActionResult<StreamRecord> {
        var result = OperatorActionResult<StreamRecord>(
            action: .trackStream, conferenceSid: conference, targetSid: sid, outcome: .ok,
            message: "Tracking stream \(sid)", value: nil, audit: nil, auditError: nil)
        do {
            result.value = try await ledger.trackByHand(
                sid: sid, conferenceSid: conference, accountSid: client.credentials.projectID, name: nil,
                by: operatorName, at: now())
        } catch {
            result.outcome = .failed
            result.message = "Stream \(sid) not tracked"
            result.ledgerError = String(describing: error)
        }
        return result
    }

    /// The ledger's word for where a stream was started.
    var streamOrigin: StreamOrigin { origin == .cli ? .cli : .dashboard }

    /// What a start is kept as: every setting that shapes the stream, custom parameters by name
    /// and value, and of the bearer token only whether there was one. Listed field by field so
    /// a field added to the request later stays out until someone decides it is not a secret.
    static func auditParameters(_ request: StartStreamRequest, conferenceName: String?) -> [String: String] {
        var parameters: [String: String] = ["url": request.url]
        parameters["conferenceName"] = conferenceName
        parameters["name"] = request.name
        parameters["track"] = request.track?.rawValue
        parameters["codec"] = request.codec?.rawValue
        parameters["realTime"] = request.realTime.map { String($0) }
        parameters["statusCallback"] = request.statusCallback
        parameters["statusCallbackMethod"] = request.statusCallbackMethod?.rawValue
        if request.bearerToken != nil { parameters["bearerToken"] = "set" }
        for parameter in request.parameters {
            parameters["parameter.\(parameter.name)"] = parameter.value
        }
        return parameters
    }
}
