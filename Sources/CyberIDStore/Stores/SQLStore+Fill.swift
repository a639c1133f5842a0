public import Foundation
import CyberIDCore

/// `cyberid dev fill` (issue 16): filler persons for measuring how the store's size alone changes a
/// login, at sizes the real seed cannot reach in hours (ten million).
///
/// A filler person has the rows a seeded person has — `persons`, `network_numbers`,
/// `network_certificates` and the enrollment line in `history` — with fresh random keys of the
/// template's lengths (identifier, blind and person indexes, number, certificate serial) and a
/// creation time spread over the past five years, and copies of one seeded person's sealed record
/// ciphertext and certificate DER. The database makes them itself (a few statements per batch, no
/// cryptography), so ten million take minutes. They are not identities: the record's wrapped key is
/// not copied (it opens under the template's row only, and a copy would outlive the template's
/// shredding), so the vault reads them as shredded and a master-key rotation skips them; every
/// number ends in `U`, which Crockford base32 never uses, so none parses; their certificates'
/// serials are not the certificates'. For scale runs only: never on a production store.
extension SQLStore {
    /// The seeded person filler persons are shaped on, and the lengths of their keys.
    public struct FillTemplate: Sendable {
        let personID: String
        let serial: String
        let lengths: [Int]
    }

    /// The newest active adult person with an active number, a valid certificate for it and an
    /// enrollment history line, or nil when the store has none. `cyberid dev fill` seeds one
    /// just before, so the newest is that seeded person.
    public func fillTemplate() async throws -> FillTemplate? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT p.id, p.blind_index, p.person_index, n.number, c.serial FROM persons p
                    JOIN network_numbers n ON n.person_id = p.id AND n.status = 'active'
                    JOIN network_certificates c ON c.person_id = p.id AND c.status = 'valid' AND c.network_number = n.number
                    WHERE p.state = 'active' AND p.age_band = $1 AND p.guardian_id IS NULL
                      AND p.person_index IS NOT NULL AND p.record_wrapped_key IS NOT NULL
                      AND EXISTS (SELECT 1 FROM history h WHERE h.person_id = p.id AND h.event = 'enrollment')
                    ORDER BY p.created_at DESC LIMIT 1
                    """, [.text(AgeBand.adult.rawValue)])
            else { return nil }
            let id = try row.text("id")
            let serial = try row.text("serial")
            let lengths = [
                id.utf8.count, try row.blob("blind_index").count, try row.blob("person_index").count,
                try row.text("number").utf8.count, serial.utf8.count,
            ]
            return FillTemplate(personID: id, serial: serial, lengths: lengths)
        }
    }

    /// Adds `count` filler persons shaped on `template`, in one transaction.
    /// - Parameter now: the newest creation time; the others are spread over five years before it.
    /// - Returns: the number added.
    public func fill(_ count: Int, like template: FillTemplate, now: Date) async throws -> Int {
        precondition(count > 0 && template.lengths.count == 5, "a fill adds at least one person, keys of five lengths")
        let keys = database.dialect == .postgres ? Self.postgresKeys : Self.sqliteKeys
        let binds: [SQLValue] =
            [.integer(Int64(count))] + template.lengths.map { .integer(Int64($0)) }
            + [.time(now), .integer(Self.fiveYears)]
        let table = database.dialect.ddl(
            "CREATE TEMP TABLE IF NOT EXISTS fill_keys (id TEXT, blind %BLOB%, pindex %BLOB%, number TEXT, serial TEXT, at %BIGINT%)")
        let sqlite = database.dialect == .sqlite
        // PostgreSQL's DELETE would leave the temp table's dead rows (autovacuum never visits
        // temp tables) for every later batch to read; TRUNCATE empties it.
        let empty = sqlite ? "DELETE FROM fill_keys" : "TRUNCATE fill_keys"
        return try await database.write { connection in
            // A bulk load at random keys: on SQLite the writer's page cache (2 MB by default) is
            // raised to 1 GB for this connection, or every index insert reads its pages back
            // through a system call. PostgreSQL has its shared buffers.
            if sqlite { try await connection.run("PRAGMA cache_size = -1048576") }
            try await connection.run(table)
            try await connection.run(empty)
            let made = try await connection.execute(keys, binds)
            let person: [SQLValue] = [.text(template.personID)]
            let added = try await connection.execute(
                """
                INSERT INTO persons (id, state, blind_index, assurance_level, age_band, guardian_id, record_ciphertext,
                    record_wrapped_key, created_at, updated_at, person_index, index_version)
                SELECT k.id, 'active', k.blind, t.assurance_level, t.age_band, NULL, t.record_ciphertext,
                    NULL, k.at, k.at, k.pindex, 2
                FROM fill_keys k CROSS JOIN persons t WHERE t.id = $1
                """, person)
            let numbers = try await connection.execute(
                "INSERT INTO network_numbers (number, person_id, status, created_at) SELECT k.number, k.id, 'active', k.at FROM fill_keys k",
                [])
            let certificates = try await connection.execute(
                """
                INSERT INTO network_certificates (serial, person_id, network_number, der, status, not_after, issued_at)
                SELECT k.serial, k.id, k.number, c.der, c.status, c.not_after, k.at
                FROM fill_keys k CROSS JOIN network_certificates c WHERE c.serial = $1
                """, [.text(template.serial)])
            let lines = try await connection.execute(
                """
                INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at)
                SELECT k.id, h.client_id, h.event, h.outcome, h.detail, k.at
                FROM fill_keys k CROSS JOIN (
                    SELECT client_id, event, outcome, detail FROM history
                    WHERE person_id = $1 AND event = 'enrollment' LIMIT 1) h
                """, person)
            try await connection.run(empty)
            guard [made, added, numbers, certificates, lines].allSatisfy({ $0 == count }) else {
                throw StoreError.conflict("the fill's template changed meanwhile")
            }
            return added
        }
    }

    private static let fiveYears: Int64 = 5 * 365 * 86_400_000

    /// The keys of a batch, by PostgreSQL: 256 random bits (SHA-256 of a random UUID) per key,
    /// cut to the template's length; identifiers in base64url as `SecureRandom.token` makes them.
    private static let postgresKeys = """
        INSERT INTO fill_keys (id, blind, pindex, number, serial, at)
        SELECT left(rtrim(translate(encode(sha256(uuid_send(gen_random_uuid())), 'base64'), '+/', '-_'), '='), $2::int),
               substr(sha256(uuid_send(gen_random_uuid())), 1, $3::int),
               substr(sha256(uuid_send(gen_random_uuid())), 1, $4::int),
               left(upper(encode(sha256(uuid_send(gen_random_uuid())), 'hex')), $5::int - 1) || 'U',
               left(encode(sha256(uuid_send(gen_random_uuid())), 'hex'), $6::int),
               $7::bigint - floor(random() * $8::bigint)::bigint
        FROM generate_series(1, $1::int)
        """

    /// The keys of a batch, by SQLite (`randomblob` is SQLite's own secure generator);
    /// identifiers in hexadecimal of the template's length.
    private static let sqliteKeys = """
        INSERT INTO fill_keys (id, blind, pindex, number, serial, at)
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)
        SELECT substr(lower(hex(randomblob(32))), 1, $2), randomblob($3), randomblob($4),
               substr(upper(hex(randomblob(32))), 1, $5 - 1) || 'U', substr(lower(hex(randomblob(32))), 1, $6),
               $7 - abs(random() % $8)
        FROM s
        """
}
