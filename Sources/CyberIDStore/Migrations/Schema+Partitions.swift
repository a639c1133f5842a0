extension Schema {
    /// Migration 20 (issue 16): on PostgreSQL `history` becomes a partitioned table. Lines are
    /// split by event — verification lines (`HistoryEvent.verifications`) in
    /// `history_verifications`, everything else (the record of the identity, kept) in
    /// `history_records` — and verification lines again by month of `occurred_at`, so the
    /// retention drops a month's partition whole instead of deleting rows (see
    /// `SQLStore.maintainHistory`). A default partition catches lines of months without a
    /// partition yet (and those already present at the migration), where the retention deletes
    /// them in batches as before. SQLite keeps the one table: nothing to do there.
    ///
    /// The id keeps its sequence (now a named one: an identity column would be the old table's);
    /// the primary key must name the partition keys, so it is `(id, event, occurred_at)`.
    /// Existing lines are copied in the migration's transaction: for a large live table, run
    /// `cyberid admin migrate` in a maintenance window (docs/storage.md).
    static let partitionMigrations: [Migration] = [
        Migration(
            version: 20, name: "history-partitions",
            statements: [],
            postgresStatements: [
                "ALTER TABLE history RENAME TO history_unpartitioned",
                "ALTER TABLE history_unpartitioned RENAME CONSTRAINT history_pkey TO history_unpartitioned_pkey",
                "ALTER INDEX history_person RENAME TO history_unpartitioned_person",
                "ALTER INDEX history_time RENAME TO history_unpartitioned_time",
                "CREATE SEQUENCE history_line_id AS BIGINT",
                """
                CREATE TABLE history (
                    id BIGINT NOT NULL DEFAULT nextval('history_line_id'),
                    person_id TEXT NOT NULL REFERENCES persons(id),
                    client_id TEXT,
                    event TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    occurred_at BIGINT NOT NULL,
                    PRIMARY KEY (id, event, occurred_at)
                ) PARTITION BY LIST (event)
                """,
                "ALTER SEQUENCE history_line_id OWNED BY history.id",
                "CREATE INDEX history_person ON history (person_id, occurred_at)",
                "CREATE INDEX history_time ON history (occurred_at, event)",
                // The names of HistoryEvent.verifications (a test holds the two equal).
                """
                CREATE TABLE history_verifications PARTITION OF history
                    FOR VALUES IN ('login', 'in-person-verification', 'password') PARTITION BY RANGE (occurred_at)
                """,
                "CREATE TABLE history_verifications_default PARTITION OF history_verifications DEFAULT",
                "CREATE TABLE history_records PARTITION OF history DEFAULT",
                """
                INSERT INTO history (id, person_id, client_id, event, outcome, detail, occurred_at)
                SELECT id, person_id, client_id, event, outcome, detail, occurred_at FROM history_unpartitioned
                """,
                "SELECT setval('history_line_id', COALESCE((SELECT MAX(id) FROM history), 0) + 1, false)",
                "DROP TABLE history_unpartitioned",
            ]),
        // Migration 21: the lines migration 20 copied sat in the default partition, where every
        // month partition's ATTACH scans them (holding the default's strongest lock) and the
        // retention deletes them row by row for up to two years. Each month present there gets
        // its partition now (named and bounded as `HistoryMonth` does: UTC months, milliseconds)
        // and its lines move in; the default is left empty. Nothing on SQLite.
        Migration(
            version: 21, name: "history-months-of-old-lines",
            statements: [],
            postgresStatements: [
                """
                DO $$
                DECLARE
                    month date;
                    part text;
                    first_ms bigint;
                    end_ms bigint;
                BEGIN
                    FOR month IN
                        SELECT DISTINCT date_trunc('month', to_timestamp(occurred_at / 1000.0) AT TIME ZONE 'UTC')::date
                        FROM history_verifications_default ORDER BY 1
                    LOOP
                        part := 'history_v_' || to_char(month, 'YYYYMM');
                        first_ms := (extract(epoch FROM month::timestamp AT TIME ZONE 'UTC') * 1000)::bigint;
                        end_ms := (extract(epoch FROM (month + interval '1 month')::timestamp AT TIME ZONE 'UTC') * 1000)::bigint;
                        EXECUTE format('CREATE TABLE %I (LIKE history_verifications)', part);
                        EXECUTE format(
                            'WITH moved AS (DELETE FROM history_verifications_default WHERE occurred_at >= %s AND occurred_at < %s '
                            || 'RETURNING id, person_id, client_id, event, outcome, detail, occurred_at) '
                            || 'INSERT INTO %I (id, person_id, client_id, event, outcome, detail, occurred_at) '
                            || 'SELECT id, person_id, client_id, event, outcome, detail, occurred_at FROM moved',
                            first_ms, end_ms, part);
                        EXECUTE format(
                            'ALTER TABLE history_verifications ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                            part, first_ms, end_ms);
                    END LOOP;
                END
                $$
                """
            ]),
    ]
}
