extension Schema {
    /// Migration 17: the web sessions of the citizen portal (and, next, the operator console),
    /// and the enrollment line of every person's history (issue 14).
    static let portalMigrations: [Migration] = [
        Migration(
            version: 17, name: "web-sessions",
            statements: [
                // A signed-in browser: only the SHA-256 of the cookie's token is stored, so a copy
                // of the database holds no usable session. Every read joins the person's state,
                // so a suspension ends access at once; "sign out everywhere" deletes the person's
                // rows. `level` and `auth_time` are the sign-in's (the console's four-eyes acts
                // will ask for a fresh one).
                """
                CREATE TABLE web_sessions (
                    token_hash %BLOB% PRIMARY KEY,
                    audience TEXT NOT NULL,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    level TEXT NOT NULL,
                    auth_time %BIGINT% NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    last_seen_at %BIGINT% NOT NULL,
                    idle_expires_at %BIGINT% NOT NULL,
                    absolute_expires_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX web_sessions_person ON web_sessions (person_id, audience)",
                "CREATE INDEX web_sessions_expiry ON web_sessions (idle_expires_at)",
                // The history now starts with the enrollment itself; persons enrolled before
                // this migration get the line they would have had.
                """
                INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at)
                SELECT id, NULL, 'enrollment', 'success', '{}', created_at FROM persons
                """,
            ])
    ]
}
