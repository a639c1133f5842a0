extension Schema {
    /// Migration 22 (issue 16, sitting 7 in docs/benchmarks.md): the upkeep of
    /// `login_transactions` on PostgreSQL. Every login inserts a row, updates it once
    /// (`approved → completed`) and, 360 s later, the purge deletes it, so with PostgreSQL's
    /// defaults autovacuum vacuumed and analyzed the table every minute, and the logins' slowest
    /// seconds fell on those minutes (each vacuum and analyze also makes every pooled connection
    /// plan the table's statements again). Sitting 8 halved those rounds with these settings.
    /// (A `fillfactor = 70`, tried with them there, doubled the table's pages for nothing: the
    /// status update was already a HOT update, a row's last page having room. It was left out.)
    /// - Vacuum once the dead rows reach the live ones (not a fifth of them), and after as
    ///   many inserts as live rows: every few minutes instead of every one. The table stays a
    ///   few minutes of logins, so it can at most about double between vacuums.
    /// - Analyze after twice the live rows have changed: its statistics hardly matter (rows are
    ///   read by primary key; the purge's range on `expires_at` is estimated from the index's
    ///   actual end when past the histogram).
    /// SQLite has no such upkeep (its space is reused in place): nothing to do there.
    static let upkeepMigrations: [Migration] = [
        Migration(
            version: 22, name: "login-transactions-upkeep",
            statements: [],
            postgresStatements: [
                """
                ALTER TABLE login_transactions SET (
                    autovacuum_vacuum_scale_factor = 1.0,
                    autovacuum_vacuum_insert_scale_factor = 1.0,
                    autovacuum_analyze_scale_factor = 2.0)
                """
            ]),
        // Migration 23 (issue 16, benchmarks.md "A population's logins on a cold store, SQLite"):
        // a login reads the person's pairwise subject at the platform with
        // `WHERE person_id = ? AND client_id = ?` and `MIN(subject)`. With an index on `person_id`
        // alone, SQLite (no statistics) took the primary key `(client_id, subject)` instead — it
        // gives MIN(subject) in order — and walked every subject of the platform, looking each
        // row up for its person: a login's cost grew with the platform's users (19,000 subjects:
        // ≈ 2 × the server's CPU per login). One index on both columns, with the subject, answers
        // the lookup and the MIN from the index alone on both backends; it replaces the
        // `person_id` index, of which it is a prefix (the portal's and the Security Events'
        // `WHERE person_id = ?` use it as well). `IF NOT EXISTS`: a large PostgreSQL deployment builds
        // it beforehand with `CREATE INDEX CONCURRENTLY`, not blocking logins (storage.md).
        Migration(
            version: 23, name: "pairwise-subjects-by-person",
            statements: [
                "CREATE INDEX IF NOT EXISTS pairwise_subjects_person_client ON pairwise_subjects (person_id, client_id, subject)",
                "DROP INDEX IF EXISTS pairwise_subjects_person",
            ]),
        // Migration 24: two more reads that ranged over a whole population instead of their own
        // rows (found by a review of every statement's plan after migration 23):
        // - A guardian's wards (the portal's overview, on every visit): `persons.guardian_id` had
        //   no index, so SQLite walked every active network number and PostgreSQL scanned
        //   `persons`. A partial index holds only the persons who have a guardian.
        // - The Security Events due for delivery (polled every few seconds): the index on
        //   `next_attempt_at` held every event ever, and delivered ones (kept, with a past
        //   `next_attempt_at`) were walked and filtered out on each poll. A partial index on the
        //   pending ones, in delivery order, replaces it (nothing else reads by that column).
        Migration(
            version: 24, name: "wards-and-pending-events",
            statements: [
                "CREATE INDEX IF NOT EXISTS persons_guardian ON persons (guardian_id) WHERE guardian_id IS NOT NULL",
                """
                CREATE INDEX IF NOT EXISTS security_events_pending ON security_events (next_attempt_at, id)
                    WHERE delivered_at IS NULL
                """,
                "DROP INDEX IF EXISTS security_events_due",
            ]),
        // Migration 25: the outbox's retention (`CYBERID_SECURITY_EVENT_RETENTION_DAYS`). Events
        // were kept for ever once delivered — a platform's pairwise subject and what happened to
        // the person, growing with every change of state, and read whole by the operator
        // console's delivery statistics. The minute purge deletes the delivered ones by the time
        // of their delivery and the given-up ones (parked at the year 3000,
        // `SQLStore.abandonedEventsAt`, in milliseconds) by the time of their change: a partial
        // index for each, so that neither walks the events still inside the retention.
        Migration(
            version: 25, name: "security-event-retention",
            statements: [
                """
                CREATE INDEX IF NOT EXISTS security_events_delivered ON security_events (delivered_at)
                    WHERE delivered_at IS NOT NULL
                """,
                """
                CREATE INDEX IF NOT EXISTS security_events_abandoned ON security_events (occurred_at)
                    WHERE delivered_at IS NULL AND next_attempt_at = 32503680000000
                """,
            ]),
        // Migration 26: the enrollment sessions' purge in batches (benchmarks.md, "An enrollment
        // backlog's purge"). Unfinished sessions go at expiry, completed ones a day later; on
        // `enrollment_sessions_expiry` alone a batch of unfinished ones walked past the day's
        // completed sessions (one a person enrolled that day, a few kilobytes each) on every
        // batch. A partial index holds the unfinished ones only; the batch of those past a day
        // keeps the expiry index, every row of its range being deletable.
        Migration(
            version: 26, name: "unfinished-enrollment-sessions",
            statements: [
                """
                CREATE INDEX IF NOT EXISTS enrollment_sessions_unfinished ON enrollment_sessions (expires_at)
                    WHERE state <> 'completed'
                """
            ]),
        // Migration 27 (the second review's open finding: one person, two numbers): a passport
        // and an ID card of the same person have different document indexes (the type is part of
        // it), and the person index compared full names, which a card's MRZ cuts at 30
        // characters. `national_index` is the blind index of nationality and personal number,
        // unique among live persons; the person index becomes version 2 (names cut at 30).
        // `index_version` marks the persons `PersonIndexBackfill` has given both (new persons are
        // written at 2; 3 = done but for the national index, which another live person holds);
        // a person whose record is shredded has nothing to index.
        Migration(
            version: 27, name: "national-index",
            statements: [
                "ALTER TABLE persons ADD COLUMN national_index %BLOB%",
                "ALTER TABLE persons ADD COLUMN index_version INTEGER NOT NULL DEFAULT 1",
                "UPDATE persons SET index_version = 2 WHERE record_wrapped_key IS NULL OR state = 'cancelled'",
                """
                CREATE UNIQUE INDEX persons_national_index_live ON persons (national_index)
                WHERE state <> 'cancelled' AND national_index IS NOT NULL
                """,
                "CREATE INDEX persons_to_index ON persons (id) WHERE index_version <> 2",
            ]),
    ]
}
