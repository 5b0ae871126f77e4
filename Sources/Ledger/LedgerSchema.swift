import GRDB

/// The store's tables, one registered migration per change, on both engines. A migration, once
/// shipped, is never edited: an operator's ledger already holds it. The audit trail (issue 5)
/// came as a migration of its own after the first; the team view (v3) added who started a
/// stream, the host of an audit entry, the change log and conference events.
enum LedgerSchema {
    static let streamsAndEvents = "v1 streams and events"
    static let audit = "v2 audit"
    static let team = "v3 team view"
    static let callStreams = "v4 call streams"
    static let auditRequests = "v5 audit requests"

    /// The identifiers in order, the same on both engines.
    static let identifiers = [streamsAndEvents, audit, team, callStreams, auditRequests]

    /// The request behind each audited action (issue 16): four plain columns, so a team can
    /// ask its store which changes got a 5xx or took longest.
    static let auditRequestColumns = """
        ALTER TABLE audit ADD COLUMN request_method TEXT;
        ALTER TABLE audit ADD COLUMN request_path TEXT;
        ALTER TABLE audit ADD COLUMN request_status INTEGER;
        ALTER TABLE audit ADD COLUMN request_ms INTEGER;
        """

    static var sqliteMigrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // Plain SQL so the schema on disk reads the same as here, whatever GRDB's builder does later.
        migrator.registerMigration(streamsAndEvents) { db in
            // There is no column for the bearer token, and there must never be one: it is a secret.
            try db.execute(
                sql: """
                    CREATE TABLE stream (
                        sid TEXT NOT NULL PRIMARY KEY,
                        account_sid TEXT NOT NULL,
                        conference_sid TEXT NOT NULL,
                        conference_name TEXT,
                        name TEXT,
                        url TEXT,
                        track TEXT,
                        codec TEXT,
                        real_time BOOLEAN NOT NULL DEFAULT 0,
                        status_callback TEXT,
                        status_callback_method TEXT,
                        parameters TEXT NOT NULL DEFAULT '[]',
                        started_at DATETIME NOT NULL,
                        started_from TEXT NOT NULL,
                        status TEXT NOT NULL,
                        status_reason TEXT,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE INDEX stream_by_conference ON stream(conference_sid, started_at);
                    CREATE TABLE stream_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        stream_sid TEXT NOT NULL REFERENCES stream(sid) ON DELETE CASCADE,
                        at DATETIME NOT NULL,
                        status TEXT NOT NULL,
                        reason TEXT,
                        source TEXT NOT NULL
                    );
                    CREATE INDEX stream_event_by_stream ON stream_event(stream_sid, id);
                    """)
        }
        migrator.registerMigration(audit) { db in
            // `parameters` is JSON chosen field by field by whoever records (OperatorActions):
            // nothing here could hold a bearer token unless someone put it in on purpose.
            try db.execute(
                sql: """
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at DATETIME NOT NULL,
                        local_user TEXT NOT NULL,
                        profile TEXT,
                        account_sid TEXT NOT NULL,
                        action TEXT NOT NULL,
                        conference_sid TEXT NOT NULL,
                        target_sid TEXT,
                        parameters TEXT NOT NULL DEFAULT '{}',
                        outcome TEXT NOT NULL,
                        detail TEXT,
                        origin TEXT NOT NULL
                    );
                    CREATE INDEX audit_by_conference ON audit(conference_sid, id);
                    """)
        }
        migrator.registerMigration(team) { db in
            // change_log: SQLite cannot notify other processes, so they poll this (see
            // LedgerChanges.swift); a reader asks only for what came after the last id it saw.
            try db.execute(
                sql: """
                    ALTER TABLE stream ADD COLUMN started_by TEXT;
                    ALTER TABLE audit ADD COLUMN host TEXT;
                    CREATE TABLE change_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        key TEXT NOT NULL
                    );
                    CREATE TABLE conference_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at DATETIME NOT NULL,
                        received_at DATETIME NOT NULL,
                        account_sid TEXT NOT NULL,
                        conference_sid TEXT NOT NULL,
                        event TEXT NOT NULL,
                        call_sid TEXT,
                        sequence INTEGER,
                        parameters TEXT NOT NULL DEFAULT '{}'
                    );
                    CREATE INDEX conference_event_by_conference ON conference_event(conference_sid, id);
                    """)
        }
        migrator.registerMigration(callStreams) { db in
            // A stream on one participant's call (`Calls/{CallSid}/Streams`) still belongs to the
            // conference the call is in; call_sid says which call, and is null for a conference stream.
            try db.execute(sql: "ALTER TABLE stream ADD COLUMN call_sid TEXT;")
        }
        migrator.registerMigration(auditRequests) { db in try db.execute(sql: auditRequestColumns) }
        return migrator
    }

    /// The same schema in PostgreSQL's words. `seq` stands in for SQLite's rowid (the order rows
    /// were inserted in); changes are announced with NOTIFY instead of a change log.
    static let postgres: [(String, String)] = [
        (
            streamsAndEvents,
            """
            CREATE TABLE stream (
                sid TEXT NOT NULL PRIMARY KEY,
                seq BIGSERIAL NOT NULL,
                account_sid TEXT NOT NULL,
                conference_sid TEXT NOT NULL,
                conference_name TEXT,
                name TEXT,
                url TEXT,
                track TEXT,
                codec TEXT,
                real_time BOOLEAN NOT NULL DEFAULT false,
                status_callback TEXT,
                status_callback_method TEXT,
                parameters TEXT NOT NULL DEFAULT '[]',
                started_at TIMESTAMPTZ NOT NULL,
                started_from TEXT NOT NULL,
                status TEXT NOT NULL,
                status_reason TEXT,
                updated_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX stream_by_conference ON stream(conference_sid, started_at);
            CREATE TABLE stream_event (
                id BIGSERIAL PRIMARY KEY,
                stream_sid TEXT NOT NULL REFERENCES stream(sid) ON DELETE CASCADE,
                at TIMESTAMPTZ NOT NULL,
                status TEXT NOT NULL,
                reason TEXT,
                source TEXT NOT NULL
            );
            CREATE INDEX stream_event_by_stream ON stream_event(stream_sid, id);
            """
        ),
        (
            audit,
            """
            CREATE TABLE audit (
                id BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                local_user TEXT NOT NULL,
                profile TEXT,
                account_sid TEXT NOT NULL,
                action TEXT NOT NULL,
                conference_sid TEXT NOT NULL,
                target_sid TEXT,
                parameters TEXT NOT NULL DEFAULT '{}',
                outcome TEXT NOT NULL,
                detail TEXT,
                origin TEXT NOT NULL
            );
            CREATE INDEX audit_by_conference ON audit(conference_sid, id);
            """
        ),
        (
            team,
            """
            ALTER TABLE stream ADD COLUMN started_by TEXT;
            ALTER TABLE audit ADD COLUMN host TEXT;
            CREATE TABLE conference_event (
                id BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                received_at TIMESTAMPTZ NOT NULL,
                account_sid TEXT NOT NULL,
                conference_sid TEXT NOT NULL,
                event TEXT NOT NULL,
                call_sid TEXT,
                sequence BIGINT,
                parameters TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX conference_event_by_conference ON conference_event(conference_sid, id);
            """
        ),
        (callStreams, "ALTER TABLE stream ADD COLUMN call_sid TEXT;"),
        (auditRequests, auditRequestColumns),
    ]
}
