extension Schema {
    /// Migration 16: the network-identity password and the in-person verification codes
    /// (issue 17).
    static let authenticationMigrations: [Migration] = [
        Migration(
            version: 16, name: "passwords-and-codes",
            statements: [
                // One password per person: its scrypt hash (salt and parameters inside, peppered
                // with a key derived from the master key), the attempts counted before each check,
                // and when the fifth wrong one locked it (until a reset with the chip).
                """
                CREATE TABLE person_passwords (
                    person_id TEXT PRIMARY KEY REFERENCES persons(id),
                    hash TEXT NOT NULL,
                    failures INTEGER NOT NULL DEFAULT 0,
                    locked_at %BIGINT%,
                    updated_at %BIGINT% NOT NULL
                )
                """,
                // A code the wallet made for a verifier in person: its SHA-256, the person and
                // certificate behind it, what the person chose to disclose; single use (used_at,
                // used_by), 60 seconds.
                """
                CREATE TABLE inperson_codes (
                    code_hash TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    certificate_serial TEXT NOT NULL,
                    disclose TEXT NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    used_at %BIGINT%,
                    used_by TEXT,
                    created_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX inperson_codes_expiry ON inperson_codes (expires_at)",
            ])
    ]
}
