import CompatAPI
import Foundation

/// Streams: created `queued`, `in-progress` once the WebSocket "connects" after the start
/// delay on the injected clock, `stopped` when stopped, when their conference ends, or when
/// the connection fails. Each change is reported to the stream's StatusCallback.
extension EmulatorWorld {
    /// Any Url on this host fails to connect, to rehearse `stream-error`.
    static let refusingHost = "refused.invalid"

    func startStream(_ conferenceSid: String, _ body: RequestParameters) throws(ServiceError) -> ConferenceStream {
        let conference = try record(conferenceSid)
        var (start, problems) = Validation.streamStart(body)
        if conference.status == .completed {
            problems.append("Conference \(conferenceSid) is completed; streams can only start on a live conference")
        }
        if let name = start?.name,
            conference.streams.contains(where: { $0.name == name && $0.status != .stopped })
        {
            problems.append("Duplicated stream name")
        }
        guard problems.isEmpty, let start else { throw Validation.streamInvalid(problems) }

        let stream = StreamRecord(
            sid: rng.uuid(), name: start.name, status: .queued, url: start.url, track: start.track,
            codec: start.codec, realTime: start.realTime, statusCallback: start.statusCallback,
            statusCallbackMethod: start.statusCallbackMethod, bearerToken: start.bearerToken,
            parameters: start.parameters, dateUpdated: now)
        conferences[conferenceSid]?.streams.append(stream)
        streamOwners[stream.sid] = conferenceSid
        scheduleConnect(streamSid: stream.sid, conferenceSid: conferenceSid)
        // The bearer token is a secret: it never reaches a log line.
        logger.debug(
            "stream queued",
            metadata: ["conference": "\(conferenceSid)", "stream": "\(stream.sid)", "track": "\(stream.track)"])
        return stream.wire(conferenceSid: conferenceSid, paths: paths, accountSid: accountSid)
    }

    /// Stops a stream named by sid or, as Twilio allows, by its Name. Stopping a stream that
    /// is already stopped answers 200 with the stream as it is, and sends no second callback.
    func stopStream(
        _ conferenceSid: String, _ sidOrName: String, _ body: RequestParameters
    ) throws(ServiceError) -> ConferenceStream {
        let conference = try record(conferenceSid)
        let byName = conference.streams.filter { $0.name == sidOrName }
        guard
            let stream = conference.streams.first(where: { $0.sid == sidOrName })
                ?? byName.last(where: { $0.status != .stopped }) ?? byName.last
        else { throw Validation.notFound("Stream \(sidOrName)") }
        let problems = Validation.streamStopProblems(body)
        guard problems.isEmpty else { throw Validation.streamInvalid(problems) }
        if stream.status != .stopped {
            stop(streamSid: stream.sid, in: conferenceSid, event: .stopped, error: nil)
        }
        guard let current = conferences[conferenceSid]?.streams.first(where: { $0.sid == stream.sid }) else {
            throw Validation.notFound("Stream \(sidOrName)")
        }
        return current.wire(conferenceSid: conferenceSid, paths: paths, accountSid: accountSid)
    }

    /// Fixes the connect deadline now, so a test clock advanced before the task runs still
    /// fires it.
    func scheduleConnect(streamSid: String, conferenceSid: String) {
        let deadline = clock.elapsed + streamStartDelay
        let clock = self.clock
        pendingStarts[streamSid] = Task {
            do {
                try await clock.sleep(untilElapsed: deadline)
            } catch {
                return  // cancelled: stopped before it connected, or the emulator stopped
            }
            self.connect(streamSid: streamSid, conferenceSid: conferenceSid)
        }
    }

    func connect(streamSid: String, conferenceSid: String) {
        pendingStarts[streamSid] = nil
        guard let index = conferences[conferenceSid]?.streams.firstIndex(where: { $0.sid == streamSid }),
            let stream = conferences[conferenceSid]?.streams[index], stream.status == .queued
        else { return }
        if URLComponents(string: stream.url)?.host?.lowercased() == Self.refusingHost {
            stop(streamSid: streamSid, in: conferenceSid, event: .error, error: "connection_refused")
            return
        }
        conferences[conferenceSid]?.streams[index].status = .inProgress
        conferences[conferenceSid]?.streams[index].dateUpdated = now
        report(stream, event: .started, error: nil, conferenceSid: conferenceSid)
    }

    /// Marks a stream stopped and reports `event` (`stream-stopped`, or `stream-error` when
    /// it failed).
    func stop(streamSid: String, in conferenceSid: String, event: StreamEvent, error: String?) {
        pendingStarts.removeValue(forKey: streamSid)?.cancel()
        guard let index = conferences[conferenceSid]?.streams.firstIndex(where: { $0.sid == streamSid }),
            let stream = conferences[conferenceSid]?.streams[index], stream.status != .stopped
        else { return }
        conferences[conferenceSid]?.streams[index].status = .stopped
        conferences[conferenceSid]?.streams[index].dateUpdated = now
        report(stream, event: event, error: error, conferenceSid: conferenceSid)
    }

    /// The callback fields, in the order the service sends them.
    func report(_ stream: StreamRecord, event: StreamEvent, error: String?, conferenceSid: String, callSid: String = "") {
        guard let url = stream.statusCallback, let callbacks else { return }
        var fields: [(String, String)] = [
            ("AccountSid", accountSid),
            ("CallSid", callSid),
            ("ConferenceSid", conferenceSid),
            ("StreamSid", stream.sid),
            ("StreamName", stream.name ?? stream.sid),
            ("StreamTrack", stream.track.rawValue),
            ("StreamEvent", event.rawValue),
        ]
        if let error { fields.append(("StreamError", error)) }
        fields.append(("Timestamp", now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))))
        fields.append(("Unique-ID", rng.uuid()))
        let callback = OutgoingCallback(
            url: url, method: stream.statusCallbackMethod, fields: fields, kind: .stream, orderKey: stream.sid)
        callbacks.enqueue(callback)
    }
}
