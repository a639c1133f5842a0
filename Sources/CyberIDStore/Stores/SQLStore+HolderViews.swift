public import CyberIDCore
public import Foundation

extension SQLStore: HolderViewStore {
    public func pairwiseSubjects(personID: String) async throws -> [String: String] {
        try await database.read { connection in
            var out = [String: String]()
            for row in try await connection.query(
                "SELECT client_id, subject FROM pairwise_subjects WHERE person_id = $1", [.text(personID)])
            {
                out[try row.text("client_id")] = try row.text("subject")
            }
            return out
        }
    }

    public func restrictions(personID: String) async throws -> [RestrictionRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT client_id, reason, created_at FROM restrictions WHERE person_id = $1 ORDER BY created_at",
                [.text(personID)]
            ).map { row throws(StoreError) in
                RestrictionRecord(
                    clientID: try row.text("client_id"), reason: try row.text("reason"), createdAt: try row.time("created_at"))
            }
        }
    }

    /// A guardian's wards ($1): from `persons_guardian` (migration 24), not every active number.
    static let wardsStatement = """
        SELECT p.id, p.state, n.number FROM persons p
        JOIN network_numbers n ON n.person_id = p.id AND n.status = 'active'
        WHERE p.guardian_id = $1 AND p.state <> 'cancelled' ORDER BY p.created_at
        """

    public func wards(guardianID: String) async throws -> [WardRecord] {
        try await database.read { connection in
            try await connection.query(Self.wardsStatement, [.text(guardianID)]).map { row throws(StoreError) in
                guard let state = PersonState(rawValue: try row.text("state")) else {
                    throw StoreError.corrupt("a person has an unknown state")
                }
                return WardRecord(personID: try row.text("id"), networkNumber: try row.text("number"), state: state)
            }
        }
    }

    public func platformUse(personID: String) async throws -> [PlatformUseRecord] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT client_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at, COUNT(*) AS uses
                FROM history WHERE person_id = $1 AND client_id IS NOT NULL AND outcome = 'success'
                    AND event IN ('login', 'in-person-verification')
                GROUP BY client_id ORDER BY MAX(occurred_at) DESC
                """, [.text(personID)]
            ).map { row throws(StoreError) in
                PlatformUseRecord(
                    clientID: try row.text("client_id"), first: try row.time("first_at"), last: try row.time("last_at"),
                    count: Int(try row.integer("uses")))
            }
        }
    }

    public func saveClient(_ client: ClientRecord) async throws {
        _ = try await writeOne(
            """
            INSERT INTO clients (client_id, name, secret_hash, metadata, disabled, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, secret_hash = excluded.secret_hash,
                metadata = excluded.metadata, disabled = excluded.disabled
            """,
            [
                .text(client.clientID), .text(client.name), .blob(client.secretHash), .text(client.metadata),
                .bool(client.disabled), .time(client.createdAt),
            ])
    }
}
