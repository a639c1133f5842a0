extension Schema {
    /// Migrations from version 15 on: the offline credentials (issue 18).
    static let credentialMigrations: [Migration] = [
        Migration(
            version: 15, name: "credentials",
            statements: [
                // A pre-authorized code (OpenID4VCI) offered to an authenticated wallet, and the
                // access token it was exchanged for; both stored as SHA-256 hashes, single use.
                """
                CREATE TABLE credential_grants (
                    code_hash TEXT PRIMARY KEY,
                    token_hash TEXT UNIQUE,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    certificate_serial TEXT NOT NULL,
                    state TEXT NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    created_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX credential_grants_expiry ON credential_grants (expires_at)",
                // One row per issued credential: its entry in a status list (a random index,
                // never reused), whose value is derived from the person's state, the certificate
                // the wallet proved and the document's expiry when the list is published.
                """
                CREATE TABLE credential_status (
                    list_id INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    certificate_serial TEXT NOT NULL,
                    document_expires_at %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    issued_at %BIGINT% NOT NULL,
                    PRIMARY KEY (list_id, idx)
                )
                """,
                "CREATE INDEX credential_status_person ON credential_status (person_id)",
            ])
    ]
}
