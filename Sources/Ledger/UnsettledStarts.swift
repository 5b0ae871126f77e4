import CompatAPI
import Foundation

// A start whose answer never came (a timeout, a connection lost mid-answer) may or may not have
// made a stream. It is kept under a provisional sid (`StreamRecord.provisionalSid`) in state
// `unknown` until something settles it: a retry with the same name (the service starts it, or
// refuses the name as a duplicate because the first one did), a status callback that names it,
// or a stop by name. Whatever settles it, the row is the same row: the ledger never holds the
// stream twice.

extension StreamLedger {
    /// Records a start whose outcome is unknown. A repeat for the same name (a retry that got no
    /// answer either) adds to the same row's history. `callSid` marks a call stream's start.
    @discardableResult
    public func recordStartUnknown(
        conferenceSid: String, accountSid: String, request: StartStreamRequest, name: String, conferenceName: String?,
        from origin: StreamOrigin, by startedBy: String? = nil, onCall callSid: String? = nil, reason: String,
        at date: Date
    ) async throws -> StreamRecord {
        let sid = StreamRecord.provisionalSid(conferenceSid: conferenceSid, name: name)
        // The bearer token goes no further than this: these are the only fields written.
        let details: StoreArguments = [
            conferenceName, name, request.url, request.track?.rawValue, request.codec?.rawValue,
            request.realTime ?? false, request.statusCallback, request.statusCallbackMethod?.rawValue,
            try ParameterColumn.encode(request.parameters), date, origin.rawValue, startedBy, callSid,
        ]
        return try await write("record the unanswered start of \(name)") { db in
            if let current = try Self.state(db, sid: sid) {
                try Self.appendHistory(db, sid: sid, at: date, status: current, reason: reason, source: .start)
            } else {
                try db.execute(
                    """
                    INSERT INTO stream (conference_name, name, url, track, codec, real_time, status_callback,
                        status_callback_method, parameters, started_at, started_from, started_by, call_sid,
                        sid, account_sid, conference_sid, status, status_reason, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    details + [
                        sid, accountSid, conferenceSid, StreamState.unknown.rawValue, reason, date,
                    ])
                try Self.appendHistory(db, sid: sid, at: date, status: .unknown, reason: reason, source: .start)
            }
            return try Self.record(db, sid: sid)
        }
    }

    /// A retry by name was refused as a duplicate: the first start did reach the service and
    /// its stream runs. The row stays under its provisional sid until a callback or a stop tells
    /// the real one. Nil when no such unsettled start is kept (someone else settled it).
    @discardableResult
    public func settleStartAsRunning(conferenceSid: String, name: String, at date: Date) async throws -> StreamRecord? {
        try await settle(
            conferenceSid: conferenceSid, name: name, to: .queued,
            reason: "the first start reached the service; its sid comes with a status callback or a stop", at: date)
    }

    /// A retry by name was refused for another reason than the name: the first start made no
    /// stream that runs now (the conference ended, the request is refused as it stands).
    @discardableResult
    public func settleStartAsNotStarted(conferenceSid: String, name: String, reason: String, at date: Date)
        async throws -> StreamRecord?
    {
        try await settle(conferenceSid: conferenceSid, name: name, to: .error, reason: "not started: \(reason)", at: date)
    }

    private func settle(conferenceSid: String, name: String, to next: StreamState, reason: String, at date: Date)
        async throws -> StreamRecord?
    {
        let sid = StreamRecord.provisionalSid(conferenceSid: conferenceSid, name: name)
        return try await write("settle the start of \(name)") { db in
            guard let current = try Self.state(db, sid: sid) else { return nil }
            try Self.move(
                db, sid: sid, from: current, to: next, reason: reason, source: .start, at: date,
                keepEvenIfUnchanged: true)
            return try Self.record(db, sid: sid)
        }
    }

    /// Moves an unsettled start to the sid the service has now told, keeping its details and
    /// history, so the stream is never kept twice. Does nothing when `sid` is already kept or
    /// no unsettled start of that name exists. Returns whether it moved one.
    @discardableResult
    static func adoptProvisional(_ db: any StoreSQL, sid: String, conferenceSid: String, name: String?) throws -> Bool {
        guard let name, !sid.hasPrefix(StreamRecord.provisionalPrefix) else { return false }
        let provisional = StreamRecord.provisionalSid(conferenceSid: conferenceSid, name: name)
        guard try state(db, sid: provisional) != nil, try state(db, sid: sid) == nil else { return false }
        // The history points at the stream by sid, so the row is copied under the new sid, the
        // history moved to it, and the old row deleted, all in the caller's transaction.
        try db.execute(
            """
            INSERT INTO stream (sid, account_sid, conference_sid, conference_name, name, url, track, codec,
                real_time, status_callback, status_callback_method, parameters, started_at, started_from,
                started_by, call_sid, status, status_reason, updated_at)
            SELECT ?, account_sid, conference_sid, conference_name, name, url, track, codec,
                real_time, status_callback, status_callback_method, parameters, started_at, started_from,
                started_by, call_sid, status, status_reason, updated_at
            FROM stream WHERE sid = ?
            """,
            [sid, provisional])
        try db.execute("UPDATE stream_event SET stream_sid = ? WHERE stream_sid = ?", [sid, provisional])
        try db.execute("DELETE FROM stream WHERE sid = ?", [provisional])
        try db.noteChange(.streamGone, provisional)
        try db.noteChange(.stream, sid)
        return true
    }
}
