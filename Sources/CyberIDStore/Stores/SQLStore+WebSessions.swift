public import CyberIDCore
public import Foundation

extension SQLStore: WebSessionStore {
    public func createWebSession(_ session: WebSessionRecord) async throws {
        _ = try await writeOne(
            """
            INSERT INTO web_sessions (token_hash, audience, person_id, level, auth_time, created_at, last_seen_at,
                idle_expires_at, absolute_expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .blob(session.tokenHash), .text(session.audience), .text(session.personID), .text(session.level.rawValue),
                .time(session.authTime), .time(session.createdAt), .time(session.lastSeenAt), .time(session.idleExpiresAt),
                .time(session.absoluteExpiresAt),
            ])
    }

    public func webSession(tokenHash: [UInt8]) async throws -> (session: WebSessionRecord, state: PersonState)? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT s.token_hash, s.audience, s.person_id, s.level, s.auth_time, s.created_at, s.last_seen_at,
                        s.idle_expires_at, s.absolute_expires_at, p.state
                    FROM web_sessions s JOIN persons p ON p.id = s.person_id WHERE s.token_hash = $1
                    """, [.blob(tokenHash)])
            else { return nil }
            guard let level = AssuranceLevel(rawValue: try row.text("level")),
                let state = PersonState(rawValue: try row.text("state"))
            else { throw StoreError.corrupt("a web session has an unknown level or state") }
            let session = WebSessionRecord(
                tokenHash: try row.blob("token_hash"), audience: try row.text("audience"),
                personID: try row.text("person_id"), level: level, authTime: try row.time("auth_time"),
                createdAt: try row.time("created_at"), lastSeenAt: try row.time("last_seen_at"),
                idleExpiresAt: try row.time("idle_expires_at"), absoluteExpiresAt: try row.time("absolute_expires_at"))
            return (session, state)
        }
    }

    public func touchWebSession(tokenHash: [UInt8], lastSeenAt: Date, idleExpiresAt: Date) async throws {
        _ = try await writeOne(
            "UPDATE web_sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE token_hash = $3",
            [.time(lastSeenAt), .time(idleExpiresAt), .blob(tokenHash)])
    }

    public func deleteWebSession(tokenHash: [UInt8]) async throws {
        _ = try await writeOne("DELETE FROM web_sessions WHERE token_hash = $1", [.blob(tokenHash)])
    }

    @discardableResult
    public func deleteWebSessions(personID: String, audience: String) async throws -> Int {
        try await writeOne(
            "DELETE FROM web_sessions WHERE person_id = $1 AND audience = $2", [.text(personID), .text(audience)])
    }

    public func purgeWebSessions(before time: Date) async throws -> Int {
        try await writeOne(
            "DELETE FROM web_sessions WHERE idle_expires_at < $1 OR absolute_expires_at < $1", [.time(time)])
    }
}
