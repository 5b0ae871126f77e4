import GRDB

extension StreamLedger {
    /// The streams of one conference, or of all when `conferenceSid` is nil, newest first.
    public func streams(conferenceSid: String? = nil) async throws -> [StreamRecord] {
        try await read("list streams") { db in
            // rowid breaks ties between streams started in the same millisecond, newest first too.
            let rows =
                if let conferenceSid {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM stream WHERE conference_sid = ? ORDER BY started_at DESC, rowid DESC",
                        arguments: [conferenceSid])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM stream ORDER BY started_at DESC, rowid DESC")
                }
            return try rows.map(StreamRecord.init(row:))
        }
    }

    /// One stream by its sid.
    public func stream(sid: String) async throws -> StreamRecord? {
        try await read("read stream \(sid)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM stream WHERE sid = ?", arguments: [sid]).map(
                StreamRecord.init(row:))
        }
    }

    /// The stream a name means in a conference, for `:stop NAME`: the newest open one with that
    /// name, or else the newest of any status.
    public func stream(named name: String, conferenceSid: String) async throws -> StreamRecord? {
        try await read("find stream \(name)") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM stream WHERE conference_sid = ? AND name = ?
                    ORDER BY status IN \(Self.openStatesSQL) DESC, started_at DESC, rowid DESC LIMIT 1
                    """,
                arguments: [conferenceSid, name]
            ).map(StreamRecord.init(row:))
        }
    }

    /// A stream's status history, oldest first.
    public func events(sid: String) async throws -> [StreamHistoryEntry] {
        try await read("read the history of \(sid)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stream_event WHERE stream_sid = ? ORDER BY id", arguments: [sid])
                .map(StreamHistoryEntry.init(row:))
        }
    }

    /// Whether an open stream of the conference already has this name: the service refuses a
    /// duplicate ("Duplicated stream name"), so the start form warns first.
    public func nameInUse(name: String, conferenceSid: String) async throws -> Bool {
        try await read("check stream name \(name)") { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (
                        SELECT 1 FROM stream WHERE conference_sid = ? AND name = ? AND status IN \(Self.openStatesSQL))
                    """,
                arguments: [conferenceSid, name]) ?? false
        }
    }

    /// The newest history entry's id: it grows with every change, whichever process made it.
    static func changeMark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM stream_event") ?? 0
    }
}
