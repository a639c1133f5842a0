/// CyberID's schema, as versioned migrations.
///
/// Conventions: times are Unix milliseconds in `%BIGINT%` columns; identifiers are text;
/// secrets and personal data are only ever stored sealed (`%BLOB%` ciphertext); JSON payloads
/// that only the service reads are text. See `docs/storage.md`.
public enum Schema {
    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "foundation",
            statements: [
                // ES256 signing keys; the private key is sealed under the master key.
                """
                CREATE TABLE signing_keys (
                    kid TEXT PRIMARY KEY,
                    algorithm TEXT NOT NULL,
                    public_key %BLOB% NOT NULL,
                    sealed_private_key %BLOB% NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    retired_at %BIGINT%,
                    publish_until %BIGINT%
                )
                """,
                // A person and their identity record. The record is AES-256-GCM ciphertext whose
                // data key is wrapped by the master key; destroying wrapped_key shreds it. The
                // blind index (HMAC of the document identity) enforces one active person per
                // identity.
                """
                CREATE TABLE persons (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    blind_index %BLOB% NOT NULL,
                    assurance_level TEXT NOT NULL,
                    age_band TEXT NOT NULL,
                    guardian_id TEXT REFERENCES persons(id),
                    record_ciphertext %BLOB% NOT NULL,
                    record_wrapped_key %BLOB%,
                    created_at %BIGINT% NOT NULL,
                    updated_at %BIGINT% NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX persons_blind_index_live ON persons (blind_index) WHERE state <> 'cancelled'",
                // Network numbers are never reused: the number is the primary key for ever.
                """
                CREATE TABLE network_numbers (
                    number TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    status TEXT NOT NULL,
                    created_at %BIGINT% NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX network_numbers_one_active ON network_numbers (person_id) WHERE status = 'active'",
                // Relying parties. The client secret is stored as a hash only.
                """
                CREATE TABLE clients (
                    client_id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    secret_hash %BLOB%,
                    metadata TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at %BIGINT% NOT NULL
                )
                """,
                // Short-lived login transactions shown as QR codes; any node can finish any flow.
                """
                CREATE TABLE login_transactions (
                    id TEXT PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES clients(client_id),
                    status TEXT NOT NULL,
                    person_id TEXT REFERENCES persons(id),
                    payload TEXT NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX login_transactions_expiry ON login_transactions (expires_at)",
                // Authorization codes, by hash; single use is a conditional update of consumed_at.
                """
                CREATE TABLE authorization_codes (
                    code_hash %BLOB% PRIMARY KEY,
                    client_id TEXT NOT NULL REFERENCES clients(client_id),
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    payload TEXT NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    consumed_at %BIGINT%
                )
                """,
                // The person's own history of verifications and state changes. No personal
                // data: only references, claim names and outcomes.
                """
                CREATE TABLE history (
                    id %AUTOID%,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    client_id TEXT,
                    event TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    occurred_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX history_person ON history (person_id, occurred_at)",
            ]),
        Migration(
            version: 2, name: "enrollment",
            statements: [
                // Trusted CSCAs and their CRLs, by SHA-256 fingerprint of the DER.
                """
                CREATE TABLE trust_anchors (
                    fingerprint TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    der %BLOB% NOT NULL,
                    label TEXT NOT NULL,
                    added_at %BIGINT% NOT NULL
                )
                """,
                // The CyberID root and issuing CA; private keys sealed under the master key.
                """
                CREATE TABLE certificate_authorities (
                    name TEXT PRIMARY KEY,
                    certificate %BLOB% NOT NULL,
                    sealed_private_key %BLOB% NOT NULL,
                    created_at %BIGINT% NOT NULL
                )
                """,
                // Enrollment sessions. Pending identity data is sealed (envelope encryption);
                // `version` makes every update a compare-and-set, so retries never double-apply.
                """
                CREATE TABLE enrollment_sessions (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    aa_challenge %BLOB% NOT NULL,
                    guardian_id TEXT REFERENCES persons(id),
                    blind_index %BLOB%,
                    age_band TEXT,
                    document_expiry TEXT,
                    sealed_identity %BLOB%,
                    sealed_identity_key %BLOB%,
                    otp_hash %BLOB%,
                    otp_expires_at %BIGINT%,
                    otp_attempts INTEGER NOT NULL,
                    otp_sends INTEGER NOT NULL,
                    person_id TEXT REFERENCES persons(id),
                    result TEXT,
                    created_at %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL
                )
                """,
                // Issued network certificates, for status checks and the CRL.
                """
                CREATE TABLE network_certificates (
                    serial TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    network_number TEXT NOT NULL,
                    der %BLOB% NOT NULL,
                    status TEXT NOT NULL,
                    not_after %BIGINT% NOT NULL,
                    issued_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX network_certificates_person ON network_certificates (person_id)",
            ]),
        Migration(
            version: 3, name: "login",
            statements: [
                // What a person agreed to release to a platform: claim names, space-separated.
                """
                CREATE TABLE consents (
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    client_id TEXT NOT NULL REFERENCES clients(client_id),
                    claims TEXT NOT NULL,
                    granted_at %BIGINT% NOT NULL,
                    PRIMARY KEY (person_id, client_id)
                )
                """,
                // `jti`s of private_key_jwt client assertions, kept until they expire: single use.
                """
                CREATE TABLE client_assertions (
                    client_id TEXT NOT NULL,
                    jti TEXT NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    PRIMARY KEY (client_id, jti)
                )
                """,
                "CREATE INDEX client_assertions_expiry ON client_assertions (expires_at)",
            ]),
        Migration(
            version: 4, name: "lifecycle",
            statements: [
                // Who suspended the person (a person may lift only their own suspension).
                "ALTER TABLE persons ADD COLUMN suspended_by TEXT",
                // When a certificate was revoked, for the CRL.
                "ALTER TABLE network_certificates ADD COLUMN revoked_at %BIGINT%",
                // Every lifecycle transition: actor, reason, time. Append-only.
                """
                CREATE TABLE lifecycle_events (
                    id %AUTOID%,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    event TEXT NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    occurred_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX lifecycle_events_person ON lifecycle_events (person_id, occurred_at)",
            ]),
        Migration(
            version: 5, name: "audit",
            statements: [
                // Append-only, hash-chained: entry_hash = SHA-256(prev_hash ‖ fields). See docs/lifecycle.md.
                """
                CREATE TABLE audit_log (
                    seq %BIGINT% PRIMARY KEY,
                    occurred_at %BIGINT% NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    prev_hash %BLOB% NOT NULL,
                    entry_hash %BLOB% NOT NULL
                )
                """,
                // Periodic signatures by the service key over (seq, entry_hash).
                """
                CREATE TABLE audit_checkpoints (
                    seq %BIGINT% PRIMARY KEY,
                    entry_hash %BLOB% NOT NULL,
                    kid TEXT NOT NULL,
                    signature %BLOB% NOT NULL,
                    signed_at %BIGINT% NOT NULL
                )
                """,
            ]),
        Migration(
            version: 6, name: "reverification",
            statements: [
                // Which person a client's pairwise subject is (so a platform can flag its user).
                """
                CREATE TABLE pairwise_subjects (
                    client_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    PRIMARY KEY (client_id, subject)
                )
                """,
                // Per-platform restrictions: a platform flagged the person; lifted by a re-verification.
                """
                CREATE TABLE restrictions (
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    client_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    PRIMARY KEY (person_id, client_id)
                )
                """,
            ]),
        Migration(
            version: 7, name: "security-events",
            statements: [
                // Security Event Tokens to deliver (RFC 8417/8935): written in the transaction of the
                // change they report, delivered and retried by a background service.
                """
                CREATE TABLE security_events (
                    id %AUTOID%,
                    client_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    event TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    occurred_at %BIGINT% NOT NULL,
                    attempts INTEGER NOT NULL,
                    next_attempt_at %BIGINT% NOT NULL,
                    delivered_at %BIGINT%,
                    last_error TEXT
                )
                """,
                "CREATE INDEX security_events_due ON security_events (next_attempt_at)",
            ]),
        Migration(
            version: 8, name: "device-replacement-and-reverification-policy",
            statements: [
                // What a session is for: `enroll` (a new person) or `replace` (a lost device: the
                // same person re-proves with the chip and the bound phone).
                "ALTER TABLE enrollment_sessions ADD COLUMN purpose TEXT NOT NULL DEFAULT 'enroll'",
                // When the person last proved their presence (enrollment, device replacement, a
                // re-verification); NULL means at enrollment (created_at).
                "ALTER TABLE persons ADD COLUMN verified_at %BIGINT%",
                // Administrator-set re-verification intervals: scope '*' is global, otherwise a
                // client_id (which overrides the global one for that platform).
                """
                CREATE TABLE reverification_policies (
                    scope TEXT PRIMARY KEY,
                    interval_seconds %BIGINT% NOT NULL,
                    set_at %BIGINT% NOT NULL
                )
                """,
            ]),
        Migration(
            version: 9, name: "sms-rate-limit",
            statements: [
                // One row per one-time code sent, by the phone's blind index (never the number), for
                // the per-phone hourly limit; purged after a day.
                """
                CREATE TABLE sms_sends (
                    phone_index %BLOB% NOT NULL,
                    sent_at %BIGINT% NOT NULL
                )
                """,
                "CREATE INDEX sms_sends_phone ON sms_sends (phone_index, sent_at)",
            ]),
        Migration(
            version: 10, name: "store-clean-up",
            statements: [
                // Authorization codes travel sealed; their single use is the decision row. The
                // table was never written by the service.
                "DROP TABLE authorization_codes",
                // Security events are queued for every platform that knows the person.
                "CREATE INDEX pairwise_subjects_person ON pairwise_subjects (person_id)",
                // The purge of expired enrollment sessions.
                "CREATE INDEX enrollment_sessions_expiry ON enrollment_sessions (expires_at)",
            ]),
        Migration(
            version: 11, name: "crl-index",
            statements: [
                // The CRL and its freshness check read the revoked certificates only.
                "CREATE INDEX network_certificates_revoked ON network_certificates (revoked_at) WHERE status = 'revoked'",
            ]),
        Migration(
            version: 12, name: "rate-counters",
            statements: [
                // Fixed-window counters of every rate limit, shared by all server processes: one
                // atomic upsert per hit. Keys are blind indexes (never an IP, a phone or a document).
                """
                CREATE TABLE rate_counters (
                    key TEXT NOT NULL,
                    window_start %BIGINT% NOT NULL,
                    hits %BIGINT% NOT NULL,
                    expires_at %BIGINT% NOT NULL,
                    PRIMARY KEY (key, window_start)
                )
                """,
                "CREATE INDEX rate_counters_expiry ON rate_counters (expires_at)",
                // The per-phone code limit is now one of these counters.
                "DROP TABLE sms_sends",
            ]),
        Migration(
            version: 13, name: "person-index",
            statements: [
                // A blind index of the person's attributes (nationality, names, birth date, sex),
                // beside the document's: a second document of an enrolled person is found
                // (possible-duplicate, review finding 5). Set at enrollment and whenever the
                // record is re-sealed; NULL for persons enrolled before.
                "ALTER TABLE persons ADD COLUMN person_index %BLOB%",
                "CREATE INDEX persons_person_index ON persons (person_index)",
            ]),
        Migration(
            version: 14, name: "master-keys",
            statements: [
                // The derivation root (blind indexes, pairwise subjects, sealed login state)
                // sealed under each master key in use, so the master key can be rotated while
                // what is derived from the root stays the same (docs/keys.md). Filled at start; a
                // retired key keeps its row (no root any more), so it is refused if it comes back.
                """
                CREATE TABLE master_keys (
                    key_id TEXT PRIMARY KEY,
                    sealed_root %BLOB% NOT NULL,
                    created_at %BIGINT% NOT NULL,
                    retired_at %BIGINT%
                )
                """
            ]),
    ] + credentialMigrations + authenticationMigrations + portalMigrations + operatorMigrations + partitionMigrations
        + upkeepMigrations
}
