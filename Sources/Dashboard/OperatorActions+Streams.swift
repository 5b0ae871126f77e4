import CompatAPI
import Foundation
import Ledger

extension OperatorActions {
    /// Starts a stream (sent once, never retried), records it in the ledger and audits it. The
    /// value is the ledger's record; nil when the start was refused, or when the stream started
    /// but the ledger could not record it (the message then says how to stop it).
    public func startStream(conference: String, conferenceName: String?, _ request: StartStreamRequest) async
        -> OperatorActionResult<StreamRecord>
    {
        let parameters = Self.auditParameters(request, conferenceName: conferenceName)
        guard !readOnly else {
            return await finish(
                .startStream, conference: conference, target: nil, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        do {
            let record = try await streams.start(
                conference: conference, conferenceName: conferenceName, request, from: streamOrigin)
            let label = record.name.map { "\(record.sid) (\($0))" } ?? record.sid
            return await finish(
                .startStream, conference: conference, target: record.sid, parameters: parameters, outcome: .ok,
                message: "Started stream \(label): \(record.status)", detail: "\(record.status)", value: record)
        } catch {
            switch error {
            case .refused(let refusal):
                return await finish(
                    .startStream, conference: conference, target: nil, parameters: parameters,
                    outcome: Self.outcome(of: refusal), message: refusal.operatorMessage,
                    detail: refusal.operatorMessage, value: nil)
            case .notRecorded(let stream, _):
                // It did start: the audit says so, and the message says how to stop it.
                return await finish(
                    .startStream, conference: conference, target: stream.sid, parameters: parameters, outcome: .ok,
                    message: error.description, detail: error.description, value: nil)
            }
        }
    }

    /// Stops a stream by sid or by a name the ledger knows, records the outcome in the ledger and
    /// audits it. The value is the stop's result, whatever it was (nil only when read-only).
    public func stopStream(conference: String, stream: String) async -> OperatorActionResult<StreamActions.StopResult> {
        var parameters: [String: String] = [:]
        guard !readOnly else {
            parameters["stream"] = stream
            return await finish(
                .stopStream, conference: conference, target: nil, parameters: parameters, outcome: .refused,
                message: Self.readOnlyMessage, detail: Self.readOnlyMessage, value: nil)
        }
        let (stop, error) = await streams.stopTellingWhy(conference: conference, stream: stream)
        if let name = stop.name { parameters["name"] = name }
        let label = stop.name.map { "\(stop.sid) (\($0))" } ?? stop.sid
        let outcome: AuditOutcome =
            switch stop.outcome {
            case .stopped, .alreadyStopped: .ok
            case .notFound: .refused
            case .refused: error.map(Self.outcome(of:)) ?? .refused
            }
        let message = outcome == .ok ? "Stream \(label): \(stop.outcome)" : stop.error ?? stop.outcome.description
        return await finish(
            .stopStream, conference: conference, target: stop.sid, parameters: parameters, outcome: outcome,
            message: message, detail: stop.error ?? stop.outcome.description, value: stop)
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
