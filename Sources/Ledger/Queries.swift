extension StreamLedger {
    /// The streams of one conference, or of all when `conferenceSid` is nil, newest first.
    public func streams(conferenceSid: String? = nil) async throws -> [StreamRecord] {
        try await read("list streams") { db in
            // The insertion order breaks ties between streams started in the same millisecond.
            let order = "ORDER BY started_at DESC, \(db.dialect.insertionOrder) DESC"
            let rows =
                if let conferenceSid {
                    try db.rows("SELECT * FROM stream WHERE conference_sid = ? \(order)", [conferenceSid])
                } else {
                    try db.rows("SELECT * FROM stream \(order)", [])
                }
            return try rows.map(StreamRecord.init(row:))
        }
    }

    /// The streams among `sids` that the store holds (a sid it does not hold has been removed:
    /// an unsettled start that found its real sid). What a change feed reader re-reads.
    public func streams(sids: Set<String>) async throws -> [StreamRecord] {
        guard !sids.isEmpty else { return [] }
        return try await read("read \(sids.count) changed streams") { db in
            var records: [StreamRecord] = []
            // In slices, so a burst of changes never makes one statement with thousands of parameters.
            let all = Array(sids)
            for start in stride(from: 0, to: all.count, by: 200) {
                let slice = Array(all[start..<min(start + 200, all.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                let rows = try db.rows(
                    "SELECT * FROM stream WHERE sid IN (\(marks))", StoreArguments(values: slice.map(\.storeValue)))
                records += try rows.map(StreamRecord.init(row:))
            }
            return records
        }
    }

    /// One stream by its sid.
    public func stream(sid: String) async throws -> StreamRecord? {
        try await read("read stream \(sid)") { db in
            try db.row("SELECT * FROM stream WHERE sid = ?", [sid]).map(StreamRecord.init(row:))
        }
    }

    /// The stream a name means in a conference, for `:stop NAME`: the newest open one with that
    /// name, or else the newest of any status.
    public func stream(named name: String, conferenceSid: String) async throws -> StreamRecord? {
        try await read("find stream \(name)") { db in
            try db.row(
                """
                SELECT * FROM stream WHERE conference_sid = ? AND name = ?
                ORDER BY CASE WHEN status IN \(Self.openStatesSQL) THEN 1 ELSE 0 END DESC, started_at DESC,
                    \(db.dialect.insertionOrder) DESC
                LIMIT 1
                """,
                [conferenceSid, name]
            ).map(StreamRecord.init(row:))
        }
    }

    /// A stream's status history, oldest first.
    public func events(sid: String) async throws -> [StreamHistoryEntry] {
        try await read("read the history of \(sid)") { db in
            try db.rows("SELECT * FROM stream_event WHERE stream_sid = ? ORDER BY id", [sid])
                .map(StreamHistoryEntry.init(row:))
        }
    }

    /// Whether an open stream of the conference already has this name: the service refuses a
    /// duplicate ("Duplicated stream name"), so the start form warns first.
    public func nameInUse(name: String, conferenceSid: String) async throws -> Bool {
        try await read("check stream name \(name)") { db in
            try db.row(
                """
                SELECT COUNT(*) AS n FROM stream WHERE conference_sid = ? AND name = ? AND status IN \(Self.openStatesSQL)
                """,
                [conferenceSid, name]
            ).flatMap { $0.integer("n") }.map { $0 > 0 } ?? false
        }
    }

    /// Answers when the store does: a cheap read for health checks (`/healthz`).
    public func ping() async throws {
        _ = try await read("check the store") { db in try db.row("SELECT 1 AS one", []) != nil }
    }
}
