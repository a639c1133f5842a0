extension Schema {
    /// Migration 18: named operators, their roles, and four-eyes requests (issue 15); 19: history by time
    /// for the console's statistics.
    static let operatorMigrations: [Migration] = [
        Migration(
            version: 18, name: "operators",
            statements: [
                // An operator is an enrolled person with a display name (the audit's name for
                // them) and one or more roles.
                """
                CREATE TABLE operators (
                    person_id TEXT PRIMARY KEY REFERENCES persons(id),
                    display_name TEXT NOT NULL,
                    created_at %BIGINT% NOT NULL
                )
                """,
                """
                CREATE TABLE operator_roles (
                    person_id TEXT NOT NULL REFERENCES operators(person_id),
                    role TEXT NOT NULL,
                    granted_by TEXT NOT NULL,
                    granted_at %BIGINT% NOT NULL,
                    PRIMARY KEY (person_id, role)
                )
                """,
                // A sensitive act waiting for a second operator: decided once (compare-and-set
                // from `pending`), carried out once (from `approved` to `executed`).
                """
                CREATE TABLE four_eyes_requests (
                    id TEXT PRIMARY KEY,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    requested_at %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    status TEXT NOT NULL,
                    decided_by TEXT,
                    decided_at %BIGINT%,
                    decision_reason TEXT,
                    executed_at %BIGINT%
                )
                """,
                "CREATE INDEX four_eyes_pending ON four_eyes_requests (status, requested_at)",
            ]),
        // The console's statistics count history lines per day across all persons: by time,
        // not by person (`history_person` serves the portal).
        Migration(
            version: 19, name: "history-by-time",
            statements: ["CREATE INDEX history_time ON history (occurred_at, event)"]),
    ]
}
