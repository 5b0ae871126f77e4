import CompatAPI
import Foundation

// Every change to a stream's status appends one history entry in the same transaction, so the
// history is the stream's status over time and its newest id tells readers something changed.

extension StreamLedger {
    /// Records a stream the service just started. The start's callback may have won the race
    /// and created the row already: its state is kept and the start's details are filled in.
    @discardableResult
    public func recordStarted(
        _ stream: ConferenceStream, request: StartStreamRequest, conferenceName: String?, from origin: StreamOrigin,
        by startedBy: String? = nil, onCall callSid: String? = nil, at date: Date
    ) async throws -> StreamRecord {
        // The bearer token goes no further than this: these are the only fields written.
        let details: StoreArguments = [
            conferenceName, request.name ?? stream.name, request.url, request.track?.rawValue, request.codec?.rawValue,
            request.realTime ?? false, request.statusCallback, request.statusCallbackMethod?.rawValue,
            try ParameterColumn.encode(request.parameters), date, origin.rawValue, startedBy, callSid,
        ]
        let state = StreamState(serviceStatus: stream.status)
        return try await write("record the start of \(stream.sid)") { db in
            // A retry by name that the service took: the row of the unanswered start becomes this stream.
            try Self.adoptProvisional(db, sid: stream.sid, conferenceSid: stream.conferenceSid, name: request.name)
            if let current = try Self.state(db, sid: stream.sid) {
                // The start's details fill in what a callback could not know; a name it knew stays.
                try db.execute("""
                        UPDATE stream SET conference_name = COALESCE(?, conference_name), name = COALESCE(?, name),
                            url = ?, track = ?, codec = ?, real_time = ?, status_callback = ?,
                            status_callback_method = ?, parameters = ?, started_at = ?, started_from = ?,
                            started_by = ?, call_sid = COALESCE(?, call_sid), updated_at = ?
                        WHERE sid = ?
                        """,
                    details + [date, stream.sid])
                try Self.move(
                    db, sid: stream.sid, from: current, to: state, reason: nil, source: .start, at: date,
                    keepEvenIfUnchanged: true)
            } else {
                try db.execute("""
                        INSERT INTO stream (conference_name, name, url, track, codec, real_time, status_callback,
                            status_callback_method, parameters, started_at, started_from, started_by, call_sid,
                            sid, account_sid, conference_sid, status, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, details + [stream.sid, stream.accountSid, stream.conferenceSid, state.rawValue, date])
                try Self.appendHistory(db, sid: stream.sid, at: date, status: state, reason: nil, source: .start)
            }
            return try Self.record(db, sid: stream.sid)
        }
    }

    /// Records what came of a stop request. The outcome is always kept in the history, even when
    /// it changes nothing (a repeat, a refusal). A stream the ledger did not know (`:stop SID`)
    /// is added as `manual` when the answer says it is not running, so the operator's stop and
    /// its answer can be found later; a refusal of an unknown stream teaches nothing, and
    /// records nothing (nil).
    @discardableResult
    public func recordStopped(
        sid: String, conferenceSid: String, accountSid: String, name: String? = nil, by stoppedBy: String? = nil,
        at date: Date, outcome: StopOutcome
    ) async throws -> StreamRecord? {
        try await write("record the stop of \(sid)") { db in
            // A stop by name of an unsettled start: the answer tells its sid at last.
            try Self.adoptProvisional(db, sid: sid, conferenceSid: conferenceSid, name: name)
            if let current = try Self.state(db, sid: sid) {
                if outcome.closesStream {
                    try Self.move(
                        db, sid: sid, from: current, to: .stopped, reason: outcome.reason, source: .stop, at: date,
                        keepEvenIfUnchanged: true)
                } else {
                    try Self.appendHistory(
                        db, sid: sid, at: date, status: current, reason: outcome.reason, source: .stop)
                }
            } else if outcome.closesStream {
                try Self.insertLearned(
                    db, sid: sid, accountSid: accountSid, conferenceSid: conferenceSid, name: name, track: nil,
                    origin: .manual, startedBy: stoppedBy, state: .stopped, reason: outcome.reason, source: .stop,
                    at: date)
            } else {
                return nil
            }
            return try Self.record(db, sid: sid)
        }
    }

    /// Applies a status callback: stream-started → in-progress, stream-stopped → stopped,
    /// stream-error → error with the service's StreamError. Only forward moves apply (see
    /// `StreamState.canMove(to:)`); a stream the ledger did not know is added as `callback`.
    @discardableResult
    public func applyCallback(_ callback: StreamCallback) async throws -> CallbackOutcome {
        guard Self.move(for: callback) != nil else { return .unrecognisedEvent(callback.event.rawValue) }
        return try await write("apply the \(callback.event) callback of \(callback.streamSid)") { db in
            try Self.apply(db, [callback])[0]
        }
    }

    /// Applies several callbacks in one transaction, in order, as `applyCallback` applies one:
    /// one commit (one flush to disk, one NOTIFY) for all of them, which is how a receiver under
    /// load keeps up. All or none: when this throws, none of them is stored.
    public func applyCallbacks(_ callbacks: [StreamCallback]) async throws -> [CallbackOutcome] {
        guard callbacks.contains(where: { Self.move(for: $0) != nil }) else {
            return callbacks.map { .unrecognisedEvent($0.event.rawValue) }
        }
        return try await write("apply \(callbacks.count) stream callbacks") { db in
            try Self.apply(db, callbacks)
        }
    }

    /// The callbacks' changes inside the caller's transaction. Every stream they name (and the
    /// unsettled start each may settle) is read in one statement first; what the callbacks do to
    /// them is then worked out in memory and written in one statement per kind (`CallbackWrites`),
    /// so a batch costs a handful of round trips however many callbacks it holds.
    static func apply(_ db: any StoreSQL, _ callbacks: [StreamCallback]) throws -> [CallbackOutcome] {
        var keys = Set(callbacks.map(\.streamSid))
        for callback in callbacks {
            if let provisional = provisionalSid(of: callback) { keys.insert(provisional) }
        }
        let list = keys.sorted()
        var states: [String: StreamState] = [:]
        for row in try db.rows(
            "SELECT sid, status FROM stream WHERE sid IN (\(list.map { _ in "?" }.joined(separator: ", ")))",
            StoreArguments(values: list.map { .text($0) }))
        {
            states[try row.requiredString("sid")] = StreamState(stored: row.string("status") ?? "")
        }
        var writes = CallbackWrites()
        let outcomes = try callbacks.map { callback in
            guard let (next, reason) = move(for: callback) else { return CallbackOutcome.unrecognisedEvent(callback.event.rawValue) }
            let sid = callback.streamSid
            if let provisional = provisionalSid(of: callback), states[provisional] != nil, states[sid] == nil {
                // A retry by name that the service took: the unsettled start becomes this stream.
                // Rare, so what was gathered goes out first and the adoption runs as it always has.
                try writes.flush(db)
                try adoptProvisional(db, sid: sid, conferenceSid: callback.conferenceSid, name: callback.streamName)
                states[sid] = states.removeValue(forKey: provisional)
            }
            guard let current = states[sid] else {
                writes.learn(
                    sid: sid, accountSid: callback.accountSid, conferenceSid: callback.conferenceSid,
                    callSid: callback.callSid, name: callback.streamName, track: callback.track, origin: .callback,
                    state: next, reason: reason, source: .callback, at: callback.at)
                states[sid] = next
                return .learned(next)
            }
            if let call = callback.callSid { writes.learnCall(call, of: sid) }
            guard current.canMove(to: next) else { return .ignored(current: current) }
            writes.move(sid: sid, to: next, reason: reason, source: .callback, at: callback.at)
            states[sid] = next
            return .moved(from: current, to: next)
        }
        try writes.flush(db)
        return outcomes
    }

    /// The unsettled start a callback may settle: its stream's name in its conference.
    static func provisionalSid(of callback: StreamCallback) -> String? {
        guard let name = callback.streamName, !callback.streamSid.hasPrefix(StreamRecord.provisionalPrefix) else {
            return nil
        }
        return StreamRecord.provisionalSid(conferenceSid: callback.conferenceSid, name: name)
    }

    /// The state a callback's event moves its stream to, and why; nil for an event this build does not know.
    static func move(for callback: StreamCallback) -> (next: StreamState, reason: String?)? {
        switch callback.event {
        case .started: (.inProgress, nil)
        case .stopped: (.stopped, nil)
        case .error: (.error, callback.error ?? "stream error")
        default: nil
        }
    }

    /// Why a stream tracked by hand is `unknown`: nothing has confirmed it runs.
    public static let trackedReason = "tracked by hand; unconfirmed until a status callback or a stop"

    /// Adds a stream the operator names by hand (`:track SID`), `unknown` until a callback or a
    /// stop confirms it (the service cannot be asked). A stream already kept is returned unchanged.
    @discardableResult
    public func trackByHand(
        sid: String, conferenceSid: String, accountSid: String, name: String?, by trackedBy: String? = nil,
        at date: Date
    ) async throws -> StreamRecord {
        try await write("track \(sid)") { db in
            if try Self.state(db, sid: sid) == nil {
                try Self.insertLearned(
                    db, sid: sid, accountSid: accountSid, conferenceSid: conferenceSid, name: name, track: nil,
                    origin: .manual, startedBy: trackedBy, state: .unknown, reason: Self.trackedReason,
                    source: .manual, at: date,
                    historyReason: "tracked by hand")
            }
            return try Self.record(db, sid: sid)
        }
    }

    /// Marks the conference's open streams `ended`: a completed conference takes its streams
    /// with it, and no callback may come to say so. Returns the sids it marked.
    @discardableResult
    public func markConferenceEnded(conferenceSid: String, at date: Date) async throws -> [String] {
        try await write("mark the streams of \(conferenceSid) ended") { db in
            let open = try db.rows(
                """
                SELECT sid, status FROM stream WHERE conference_sid = ? AND status IN \(Self.openStatesSQL)
                ORDER BY started_at
                """,
                [conferenceSid]
            ).map { (sid: try $0.requiredString("sid"), status: StreamState(stored: $0.string("status") ?? "")) }
            for stream in open {
                try Self.move(
                    db, sid: stream.sid, from: stream.status, to: .ended, reason: "conference ended",
                    source: .conferenceEnded, at: date, keepEvenIfUnchanged: false)
            }
            return open.map(\.sid)
        }
    }

    // MARK: statements

    /// `('queued', 'in-progress')`: the states a stream can still leave.
    static let openStatesSQL =
        "(" + StreamState.allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    static func state(_ db: any StoreSQL, sid: String) throws -> StreamState? {
        try db.row("SELECT status FROM stream WHERE sid = ?", [sid]).map {
            StreamState(stored: $0.string("status") ?? "")
        }
    }

    static func record(_ db: any StoreSQL, sid: String) throws -> StreamRecord {
        guard let row = try db.row("SELECT * FROM stream WHERE sid = ?", [sid]) else {
            // Written in this same transaction a moment ago; absence is a broken database.
            throw LedgerError.failed(
                operation: "read back \(sid)", path: "", reason: "the stream vanished inside its own transaction")
        }
        return try StreamRecord(row: row)
    }

    /// Moves a stream forward and appends the entry; a step that is not forward changes nothing,
    /// but is still kept in the history when `keepEvenIfUnchanged` (an operator's stop).
    @discardableResult
    static func move(
        _ db: any StoreSQL, sid: String, from current: StreamState, to next: StreamState, reason: String?,
        source: HistorySource, at date: Date, keepEvenIfUnchanged: Bool
    ) throws -> Bool {
        if current.canMove(to: next) {
            try db.execute(
                "UPDATE stream SET status = ?, status_reason = ?, updated_at = ? WHERE sid = ?",
                [next.rawValue, reason, date, sid])
            try appendHistory(db, sid: sid, at: date, status: next, reason: reason, source: source)
            return true
        }
        if keepEvenIfUnchanged {
            try appendHistory(db, sid: sid, at: date, status: current, reason: reason, source: source)
        }
        return false
    }

    /// A stream confdash did not start: only what the service tells about it is known, and it
    /// counts as started when the ledger first heard of it.
    static func insertLearned(
        _ db: any StoreSQL, sid: String, accountSid: String, conferenceSid: String, callSid: String? = nil,
        name: String?, track: StreamTrack?, origin: StreamOrigin, startedBy: String? = nil, state: StreamState, reason: String?, source: HistorySource,
        at date: Date, historyReason: String? = nil
    ) throws {
        try db.execute(
            """
            INSERT INTO stream (sid, account_sid, conference_sid, call_sid, name, track, started_at, started_from,
                started_by, status, status_reason, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                sid, accountSid, conferenceSid, callSid, name, track?.rawValue, date, origin.rawValue, startedBy,
                state.rawValue, reason, date,
            ])
        try appendHistory(db, sid: sid, at: date, status: state, reason: historyReason ?? reason, source: source)
    }

    static func appendHistory(
        _ db: any StoreSQL, sid: String, at date: Date, status: StreamState, reason: String?, source: HistorySource
    ) throws {
        try db.execute(
            "INSERT INTO stream_event (stream_sid, at, status, reason, source) VALUES (?, ?, ?, ?, ?)",
            [sid, date, status.rawValue, reason, source.rawValue])
        // Every change to a stream appends here, so this is the one place readers are told of it.
        try db.noteChange(.stream, sid)
    }
}
