import CompatAPI
import Foundation

/// Recordings of conferences and of single calls: pause (skip or silence), resume, stop, the
/// file's processing into `completed`, deletion, and signed status callbacks for call
/// recordings.
extension EmulatorWorld {
    /// How long a stopped recording takes to become `completed`, on the injected clock.
    static let recordingProcessingDelay: Duration = .seconds(1)

    /// Some conferences record from the start, as `<Conference record="record-from-start">`
    /// makes them. Drawn from the seed and the conference's sid, not the world's generator, so
    /// the seeded conferences and participants are those they were before recordings existed.
    func seededRecordings(conferenceSid: String, status: ConferenceStatus, created: Date, ended: Date?)
        -> [RecordingRecord]
    {
        var media = SeededGenerator(seed: seed ^ StableHash.of(conferenceSid) ^ 0x5EC0_4D00_0000_0003)
        guard status != .initializing, media.chance(0.35) else { return [] }
        var recording = RecordingRecord(
            sid: media.uuid(), callSid: nil, conferenceSid: conferenceSid, status: .inProgress, source: .conference,
            channels: 1, track: nil, trim: .doNotTrim, dateCreated: created, dateUpdated: created,
            segmentStart: created, sequence: takeMediaSequence(), statusCallback: nil, statusCallbackMethod: .post,
            statusCallbackEvents: [])
        if let ended {
            recording.stop(at: ended)
            recording.status = .completed
        }
        return [recording]
    }

    // MARK: Conference recordings

    func listConferenceRecordings(_ conferenceSid: String, _ query: Validation.RecordingQuery) throws(ServiceError)
        -> ListPage<Recording>
    {
        let record = try record(conferenceSid)
        let matching = record.recordings.filter { query.created.matches($0.dateCreated) }
            .sorted { $0.cursor > $1.cursor }
        return recordingsPage(
            matching, path: paths.conferenceRecordings(conferenceSid), filters: query.linkFilters, query: query)
    }

    /// One page of recordings (newest first, as `matching` is sorted) in the service's shape.
    private func recordingsPage(
        _ matching: [RecordingRecord], path: String, filters: [(String, String)], query: Validation.RecordingQuery
    ) -> ListPage<Recording> {
        let slice = Paging.slice(matching, cursor: \.cursor, descending: true, request: query.page)
        let current = now
        let wire = PageSlice(
            items: slice.items.map { $0.wire(paths: paths, accountSid: accountSid, now: current) },
            firstCursor: slice.firstCursor, lastCursor: slice.lastCursor, hasNext: slice.hasNext,
            hasPrevious: slice.hasPrevious)
        return Paging.page(wire, path: path, filters: filters, request: query.page)
    }

    func conferenceRecordingIndex(_ conferenceSid: String, _ sid: String) throws(ServiceError) -> Int {
        let record = try record(conferenceSid)
        guard let index = record.recordings.firstIndex(where: { $0.sid == sid }) else {
            throw Validation.notFound("Recording \(sid)")
        }
        return index
    }

    func fetchConferenceRecording(_ conferenceSid: String, _ sid: String) throws(ServiceError) -> Recording {
        let index = try conferenceRecordingIndex(conferenceSid, sid)
        return conferences[conferenceSid]!.recordings[index].wire(paths: paths, accountSid: accountSid, now: now)
    }

    /// Refusals are 422 `{"errors": [...]}`, the shape the spec gives this operation.
    func updateConferenceRecording(_ conferenceSid: String, _ sid: String, _ body: RequestParameters)
        throws(ServiceError) -> Recording
    {
        let index = try conferenceRecordingIndex(conferenceSid, sid)
        let (change, problems) = Validation.recordingChange(body)
        guard let change else { throw Validation.streamInvalid(problems) }
        var recording = conferences[conferenceSid]!.recordings[index]
        let wasActive = recording.status.isActive
        if let problem = recording.apply(change, at: now) { throw Validation.streamInvalid([problem]) }
        conferences[conferenceSid]?.recordings[index] = recording
        if wasActive && recording.status == .stopped { scheduleCompletion(recording.sid) }
        return recording.wire(paths: paths, accountSid: accountSid, now: now)
    }

    /// Deleting a recording that is still going stops it first: it is gone either way.
    func deleteConferenceRecording(_ conferenceSid: String, _ sid: String) throws(ServiceError) {
        let index = try conferenceRecordingIndex(conferenceSid, sid)
        conferences[conferenceSid]?.recordings.remove(at: index)
        pendingCompletions.removeValue(forKey: sid)?.cancel()
    }

    // MARK: The account's recordings

    /// `GET …/Recordings`: every recording of the account, conferences' and calls', newest
    /// first, narrowed by `CallSid` and `ConferenceSid` when given.
    func listAccountRecordings(_ query: Validation.RecordingQuery, callSid: String?, conferenceSid: String?)
        -> ListPage<Recording>
    {
        let all = Array(recordingsOfCalls.values) + conferences.values.flatMap(\.recordings)
        let matching = all.filter { recording in
            query.created.matches(recording.dateCreated) && (callSid == nil || recording.callSid == callSid)
                && (conferenceSid == nil || recording.conferenceSid == conferenceSid)
        }.sorted { $0.cursor > $1.cursor }
        var filters = query.linkFilters
        if let callSid { filters.append(("CallSid", callSid)) }
        if let conferenceSid { filters.append(("ConferenceSid", conferenceSid)) }
        return recordingsPage(
            matching, path: "\(ResourcePaths.prefix)/Accounts/\(accountSid)/Recordings", filters: filters, query: query)
    }

    /// `DELETE …/Recordings/{Sid}`: a call's or a conference's recording, gone for good (one
    /// still going is stopped first).
    func deleteRecording(_ sid: String) throws(ServiceError) {
        if recordingsOfCalls.removeValue(forKey: sid) == nil {
            guard let conference = conferences.first(where: { $0.value.recordings.contains { $0.sid == sid } })?.key else {
                throw Validation.notFound("Recording \(sid)")
            }
            conferences[conference]?.recordings.removeAll { $0.sid == sid }
        }
        pendingCompletions.removeValue(forKey: sid)?.cancel()
    }

    // MARK: Call recordings

    func startCallRecording(_ callSid: String, _ body: RequestParameters) throws(ServiceError) -> Recording {
        guard callView(callSid) != nil else { throw Validation.notFound("Call \(callSid)") }
        let (start, problems) = Validation.callRecordingStart(body)
        guard let start else { throw Validation.invalid(problems) }
        _ = try liveCall(callSid, for: "a recording")
        let current = now
        let recording = RecordingRecord(
            sid: mediaRNG.uuid(), callSid: callSid, conferenceSid: nil, status: .inProgress,
            source: .startCallRecordingAPI, channels: start.channels == .dual ? 2 : 1, track: start.track,
            trim: start.trim, dateCreated: current, dateUpdated: current, segmentStart: current,
            sequence: takeMediaSequence(), statusCallback: start.statusCallback,
            statusCallbackMethod: start.statusCallbackMethod, statusCallbackEvents: start.events)
        recordingsOfCalls[recording.sid] = recording
        report(recording, status: .inProgress)
        return recording.wire(paths: paths, accountSid: accountSid, now: current)
    }

    /// Refusals are 422 with a code (the spec gives this operation the standard error shape):
    /// 10000 for a malformed change, 21220 for one the recording's state does not allow.
    func updateCallRecording(_ callSid: String, _ sid: String, _ body: RequestParameters) throws(ServiceError)
        -> Recording
    {
        guard callView(callSid) != nil else { throw Validation.notFound("Call \(callSid)") }
        guard var recording = recordingsOfCalls[sid], recording.callSid == callSid else {
            throw Validation.notFound("Recording \(sid)")
        }
        let (change, problems) = Validation.recordingChange(body)
        guard let change else { throw Validation.invalid(problems) }
        let wasActive = recording.status.isActive
        if let problem = recording.apply(change, at: now) {
            throw ServiceError(status: 422, code: Self.invalidStateCode, message: problem)
        }
        recordingsOfCalls[sid] = recording
        if wasActive && recording.status == .stopped { scheduleCompletion(sid) }
        return recording.wire(paths: paths, accountSid: accountSid, now: now)
    }

    // MARK: Stopping and completing, shared

    /// Stops a recording that is still going (its conference ended, its call hung up) and
    /// schedules its completion.
    func stopRecording(_ sid: String) {
        let current = now
        if var recording = recordingsOfCalls[sid], recording.status.isActive {
            recording.stop(at: current)
            recordingsOfCalls[sid] = recording
            scheduleCompletion(sid)
            return
        }
        for conferenceSid in conferences.keys {
            guard let index = conferences[conferenceSid]?.recordings.firstIndex(where: { $0.sid == sid }) else {
                continue
            }
            if conferences[conferenceSid]!.recordings[index].status.isActive {
                conferences[conferenceSid]?.recordings[index].stop(at: current)
                scheduleCompletion(sid)
            }
            return
        }
    }

    /// Stops every recording of a conference that is still going.
    func stopRecordings(ofConference conferenceSid: String) {
        guard let recordings = conferences[conferenceSid]?.recordings else { return }
        let current = now
        for (index, recording) in recordings.enumerated() where recording.status.isActive {
            conferences[conferenceSid]?.recordings[index].stop(at: current)
            scheduleCompletion(recording.sid)
        }
    }

    /// The deadline is fixed now, so a test clock advanced before the task runs still fires it.
    func scheduleCompletion(_ sid: String) {
        let deadline = clock.elapsed + Self.recordingProcessingDelay
        let clock = self.clock
        pendingCompletions[sid] = Task {
            do {
                try await clock.sleep(untilElapsed: deadline)
            } catch {
                return  // the emulator stopped, or the recording was deleted
            }
            self.finishRecording(sid)
        }
    }

    func finishRecording(_ sid: String) {
        pendingCompletions[sid] = nil
        let current = now
        if var recording = recordingsOfCalls[sid], recording.status == .stopped {
            recording.status = .completed
            recording.dateUpdated = current
            recordingsOfCalls[sid] = recording
            report(recording, status: .completed)
            return
        }
        for conferenceSid in conferences.keys {
            guard let index = conferences[conferenceSid]?.recordings.firstIndex(where: { $0.sid == sid }) else {
                continue
            }
            if conferences[conferenceSid]!.recordings[index].status == .stopped {
                conferences[conferenceSid]?.recordings[index].status = .completed
                conferences[conferenceSid]?.recordings[index].dateUpdated = current
            }
            return
        }
    }

    /// A recording status callback (the spec's `RecordingStatusCallbackPayload`, field for
    /// field), when the recording asked for this event.
    func report(_ recording: RecordingRecord, status: RecordingEvent) {
        guard let url = recording.statusCallback, let callbacks, recording.statusCallbackEvents.contains(status) else {
            return
        }
        let fields: [(String, String)] = [
            ("AccountSid", accountSid),
            ("CallSid", recording.callSid ?? ""),
            ("RecordingSid", recording.sid),
            ("RecordingUrl", Self.mediaOrigin + paths.recording(recording.sid)),
            ("RecordingStatus", status.rawValue),
            ("RecordingDuration", String(recording.duration(at: now))),
            ("RecordingChannels", String(recording.channels)),
            ("RecordingSource", recording.source.rawValue),
        ]
        callbacks.enqueue(
            OutgoingCallback(
                url: url, method: recording.statusCallbackMethod, fields: fields, kind: .recording,
                orderKey: recording.sid))
    }

    /// Where recording files would be fetched from: the emulator serves no audio, so a host
    /// that can never resolve.
    static let mediaOrigin = "https://media.emulator.invalid"

    // MARK: Reading and shaping, for in-process tests and the admin surface

    /// A conference's recordings, newest first; nil when there is no such conference.
    public func recordings(conferenceSid: String) -> [RecordingSnapshot]? {
        let current = now
        return conferences[conferenceSid].map { record in
            record.recordings.sorted { $0.cursor > $1.cursor }.map { $0.snapshot(now: current) }
        }
    }

    /// A call's recordings in start order.
    public func callRecordings(callSid: String) -> [RecordingSnapshot] {
        let current = now
        return recordingsOfCalls.values.filter { $0.callSid == callSid }.sorted { $0.sequence < $1.sequence }
            .map { $0.snapshot(now: current) }
    }

    /// Starts recording a live conference, as the application's cXML would (no REST call can).
    @discardableResult
    public func startConferenceRecording(conferenceSid: String) throws(ServiceError) -> Recording {
        let record = try record(conferenceSid)
        guard record.status == .inProgress else {
            throw ServiceError(
                status: 422, code: Self.invalidStateCode,
                message: "Conference \(conferenceSid) is \(record.status.rawValue): only a live conference can be recorded")
        }
        let current = now
        let recording = RecordingRecord(
            sid: mediaRNG.uuid(), callSid: nil, conferenceSid: conferenceSid, status: .inProgress,
            source: .startConferenceRecording, channels: 1, track: nil, trim: .doNotTrim, dateCreated: current,
            dateUpdated: current, segmentStart: current, sequence: takeMediaSequence(), statusCallback: nil,
            statusCallbackMethod: .post, statusCallbackEvents: [])
        conferences[conferenceSid]?.recordings.append(recording)
        return recording.wire(paths: paths, accountSid: accountSid, now: current)
    }
}
