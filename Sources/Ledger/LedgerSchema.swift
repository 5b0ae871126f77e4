import GRDB

/// The ledger's tables, one registered migration per change. A migration, once shipped, is
/// never edited: an operator's ledger already holds it. The audit trail (issue 5) came as a
/// migration of its own after the first.
enum LedgerSchema {
    static let streamsAndEvents = "v1 streams and events"
    static let audit = "v2 audit"

    static var migrator: DatabaseMigrator {
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
        return migrator
    }
}
