import CompatAPI
import Foundation
import Ledger

// Streams: the API cannot list them, so a stream started but not recorded could never be
// listed again. Every start and stop is recorded in the ledger, and a record that fails is
// reported beside the service's outcome, never dropped.

extension OperatorActions {
    /// Starts a stream (sent once, never retried), records it in the ledger and audits it. The
    /// value is the stream as the ledger holds it; nil when the start was refused. A stream that
    /// started but that the ledger could not record still comes back (built from the service's
    /// answer), with `ledgerError` saying so.
    public func startStream(conference: String, conferenceName: String?, _ request: StartStreamRequest) async
        -> OperatorActionResult<StreamRecord>
    {
        let parameters = Self.auditParameters(request, conferenceName: conferenceName)
        guard !readOnly else {
            return await finish(
                .startStream, conference: conference, target: nil, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        let stream: ConferenceStream
        do {
            stream = try await client.startStream(conference: conference, request)
        } catch {
            let message = Self.message(error)
            var result: OperatorActionResult<StreamRecord> = await finish(
                .startStream, conference: conference, target: nil, parameters: parameters,
                outcome: Self.outcome(of: error), message: message, detail: message, value: nil)
            result.error = error as? CompatError
            return result
        }
        let started = now()
        var record: StreamRecord
        var ledgerError: String?
        do {
            record = try await ledger.recordStarted(
                stream, request: request, conferenceName: conferenceName, from: streamOrigin, at: started)
        } catch {
            ledgerError = String(describing: error)
            record = StreamRecord(
                sid: stream.sid, accountSid: stream.accountSid, conferenceSid: conference, conferenceName: conferenceName,
                name: request.name ?? stream.name, url: request.url, track: request.track, codec: request.codec,
                realTime: request.realTime ?? false, statusCallback: request.statusCallback,
                statusCallbackMethod: request.statusCallbackMethod, parameters: request.parameters, startedAt: started,
                startedFrom: streamOrigin, status: StreamState(serviceStatus: stream.status), updatedAt: started)
        }
        let label = record.name.map { "\(record.sid) (\($0))" } ?? record.sid
        var result = await finish(
            .startStream, conference: conference, target: record.sid, parameters: parameters, outcome: .ok,
            message: "Started stream \(label): \(record.status)",
            detail: ledgerError.map { "\(record.status); not in the stream ledger: \($0)" } ?? "\(record.status)",
            value: record)
        result.ledgerError = ledgerError
        return result
    }

    /// Stops a stream by sid, or by a name the ledger knows (sent as its sid: SignalWire
    /// documents stopping by sid only), records the outcome in the ledger and audits it. The
    /// value is the stop's result at the service, whatever it was (nil only when read-only).
    public func stopStream(conference: String, stream: String) async -> OperatorActionResult<StreamStop> {
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
        let sid = known?.sid ?? stream
        let stop: StreamStop
        var failure: (any Error)?
        do {
            let stopped = try await client.stopStream(conference: conference, stream: sid)
            let outcome: StopOutcome = known?.status.isTerminal == true ? .alreadyStopped : .stopped
            stop = StreamStop(sid: stopped.sid, name: stopped.name ?? known?.name, outcome: outcome, error: nil)
        } catch {
            failure = error
            let message = Self.message(error)
            let outcome: StopOutcome = (error as? CompatError)?.httpStatus == 404 ? .notFound : .refused(message)
            stop = StreamStop(sid: sid, name: known?.name, outcome: outcome, error: message)
        }
        var ledgerError: String?
        do {
            _ = try await ledger.recordStopped(
                sid: stop.sid, conferenceSid: conference, accountSid: client.credentials.projectID, name: stop.name,
                at: now(), outcome: stop.outcome)
        } catch {
            ledgerError = String(describing: error)
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
        var result = OperatorActionResult<StreamRecord>(
            action: .trackStream, conferenceSid: conference, targetSid: sid, outcome: .ok,
            message: "Tracking stream \(sid)", value: nil, audit: nil, auditError: nil)
        do {
            result.value = try await ledger.trackByHand(
                sid: sid, conferenceSid: conference, accountSid: client.credentials.projectID, name: nil, at: now())
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
