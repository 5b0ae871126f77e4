import CompatAPI
import Foundation

/// Streams on single calls (`Calls/{CallSid}/Streams`): the conference streams' lifecycle
/// (queued, in-progress after the start delay, stopped; `stream-error` for a refusing host)
/// and signed status callbacks, which carry the call's sid and the conference it is in.
extension EmulatorWorld {
    /// The spec's `CreateCallStreamRequest`: a conference stream's fields without a codec or
    /// real-time choice.
    static let callStreamStartKeys = Validation.streamStartKeys.subtracting(["StreamCodec", "StreamRealTime"])

    /// Refusals are 422 with a code, the standard error shape the spec gives this operation:
    /// 31922 when the Url is what is wrong, 21220 when the call is not live, 10000 otherwise.
    func startCallStream(_ callSid: String, _ body: RequestParameters) throws(ServiceError) -> CallStream {
        guard callView(callSid) != nil else { throw Validation.notFound("Call \(callSid)") }
        var (start, problems) = Validation.streamStart(body, allowed: Self.callStreamStartKeys)
        let urlProblem = body["Url"].map { !Validation.streamURLProblems($0).isEmpty } ?? false
        if let name = start?.name,
            streamsOfCalls.values.contains(where: { $0.callSid == callSid && $0.stream.name == name && $0.stream.status != .stopped })
        {
            problems.append("Duplicated stream name")
        }
        guard problems.isEmpty, let start else {
            throw ServiceError(
                status: 422, code: urlProblem ? Self.badStreamURLCode : ServiceError.Code.invalidArgument,
                message: problems.joined(separator: "; "))
        }
        let view = try liveCall(callSid, for: "a stream")
        let stream = StreamRecord(
            sid: mediaRNG.uuid(), name: start.name, status: .queued, url: start.url, track: start.track, codec: nil,
            realTime: nil, statusCallback: start.statusCallback, statusCallbackMethod: start.statusCallbackMethod,
            bearerToken: start.bearerToken, parameters: start.parameters, dateUpdated: now)
        let record = CallStreamRecord(
            stream: stream, callSid: callSid, conferenceSid: view.conferenceSid, sequence: takeMediaSequence())
        streamsOfCalls[stream.sid] = record
        scheduleCallStreamConnect(streamSid: stream.sid)
        // The bearer token is a secret: it never reaches a log line.
        logger.debug("call stream queued", metadata: ["call": "\(callSid)", "stream": "\(stream.sid)"])
        return record.wire(paths: paths, accountSid: accountSid)
    }

    /// 31922: the stream's WebSocket URL is not one the service can use.
    static let badStreamURLCode = 31922

    /// Stops a call's stream named by sid or by its Name (unique per call). Stopping a stopped
    /// stream answers it as it is, with no second callback.
    func stopCallStream(_ callSid: String, _ sidOrName: String, _ body: RequestParameters) throws(ServiceError)
        -> CallStream
    {
        guard callView(callSid) != nil else { throw Validation.notFound("Call \(callSid)") }
        let own = streamsOfCalls.values.filter { $0.callSid == callSid }.sorted { $0.sequence < $1.sequence }
        let byName = own.filter { $0.stream.name == sidOrName }
        guard
            let found = own.first(where: { $0.stream.sid == sidOrName })
                ?? byName.last(where: { $0.stream.status != .stopped }) ?? byName.last
        else { throw Validation.notFound("Stream \(sidOrName)") }
        let problems = Validation.streamStopProblems(body)
        guard problems.isEmpty else { throw Validation.invalid(problems) }
        if found.stream.status != .stopped {
            stopCallStream(streamSid: found.stream.sid, event: .stopped, error: nil)
        }
        return (streamsOfCalls[found.stream.sid] ?? found).wire(paths: paths, accountSid: accountSid)
    }

    func scheduleCallStreamConnect(streamSid: String) {
        let deadline = clock.elapsed + streamStartDelay
        let clock = self.clock
        pendingStarts[streamSid] = Task {
            do {
                try await clock.sleep(untilElapsed: deadline)
            } catch {
                return  // cancelled: stopped before it connected, or the emulator stopped
            }
            self.connectCallStream(streamSid: streamSid)
        }
    }

    func connectCallStream(streamSid: String) {
        pendingStarts[streamSid] = nil
        guard let record = streamsOfCalls[streamSid], record.stream.status == .queued else { return }
        if URLComponents(string: record.stream.url)?.host?.lowercased() == Self.refusingHost {
            stopCallStream(streamSid: streamSid, event: .error, error: "connection_refused")
            return
        }
        streamsOfCalls[streamSid]?.stream.status = .inProgress
        streamsOfCalls[streamSid]?.stream.dateUpdated = now
        report(record.stream, event: .started, error: nil, conferenceSid: record.conferenceSid, callSid: record.callSid)
    }

    func stopCallStream(streamSid: String, event: StreamEvent, error: String?) {
        pendingStarts.removeValue(forKey: streamSid)?.cancel()
        guard let record = streamsOfCalls[streamSid], record.stream.status != .stopped else { return }
        streamsOfCalls[streamSid]?.stream.status = .stopped
        streamsOfCalls[streamSid]?.stream.dateUpdated = now
        report(record.stream, event: event, error: error, conferenceSid: record.conferenceSid, callSid: record.callSid)
    }

    /// A call's streams in start order, for the admin surface and in-process tests.
    public func callStreams(callSid: String) -> [StreamSnapshot] {
        streamsOfCalls.values.filter { $0.callSid == callSid }.sorted { $0.sequence < $1.sequence }
            .map(\.snapshot)
    }

    /// One call stream, wherever it is.
    public func callStream(sid: String) -> StreamSnapshot? {
        streamsOfCalls[sid]?.snapshot
    }
}
