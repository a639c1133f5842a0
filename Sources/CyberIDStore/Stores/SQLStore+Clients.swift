public import CyberIDCore
import Foundation

extension SQLStore: ClientStore {
    private static let select = "SELECT client_id, name, secret_hash, metadata, disabled, created_at FROM clients"

    public func create(_ client: ClientRecord) async throws {
        try await database.write { connection in
            _ = try await connection.execute(
                """
                INSERT INTO clients (client_id, name, secret_hash, metadata, disabled, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    .text(client.clientID), .text(client.name), .blob(client.secretHash), .text(client.metadata),
                    .bool(client.disabled), .time(client.createdAt),
                ])
        }
    }

    public func client(id: String) async throws -> ClientRecord? {
        try await database.read { connection in
            try await connection.first("\(Self.select) WHERE client_id = $1", [.text(id)]).map(Self.decode)
        }
    }

    public func clients() async throws -> [ClientRecord] {
        try await database.read { connection in
            try await connection.query("\(Self.select) ORDER BY created_at, client_id", []).map(Self.decode)
        }
    }

    public func setDisabled(clientID: String, _ disabled: Bool) async throws {
        try await database.write { connection in
            let changed = try await connection.execute(
                "UPDATE clients SET disabled = $1 WHERE client_id = $2", [.bool(disabled), .text(clientID)])
            guard changed == 1 else { throw StoreError.notFound("no such client") }
        }
    }

    private static func decode(_ row: SQLRow) throws(StoreError) -> ClientRecord {
        ClientRecord(
            clientID: try row.text("client_id"), name: try row.text("name"), secretHash: try row.optionalBlob("secret_hash"),
            metadata: try row.text("metadata"), disabled: try row.bool("disabled"), createdAt: try row.time("created_at"))
    }
}

extension SQLStore {
    /// Changes a client's name and metadata only (an operator's change: the secret, the
    /// disabled flag and the creation time stay).
    public func updateClient(clientID: String, name: String, metadata: String) async throws -> Bool {
        try await writeOne(
            "UPDATE clients SET name = $2, metadata = $3 WHERE client_id = $1",
            [.text(clientID), .text(name), .text(metadata)]) == 1
    }
}
