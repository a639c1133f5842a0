public import Foundation
public import CyberIDCore

extension SQLStore: PersonStore {
    private static let columns = """
        p.id, p.state, p.blind_index, p.assurance_level, p.age_band, p.guardian_id, p.record_ciphertext,
        p.record_wrapped_key, p.created_at, p.updated_at, p.person_index, p.national_index
        """

    /// Inserts a person and their first, active network number on an open transaction.
    static func insertPerson(
        _ person: PersonRecord, networkNumber: String, on connection: any SQLConnection
    ) async throws(StoreError) {
        _ = try await connection.execute(
            """
            INSERT INTO persons (id, state, blind_index, assurance_level, age_band, guardian_id, record_ciphertext,
                record_wrapped_key, created_at, updated_at, person_index, national_index, index_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 2)
            """,
            [
                .text(person.id), .text(person.state.rawValue), .blob(person.blindIndex),
                .text(person.assuranceLevel.rawValue), .text(person.ageBand.rawValue), .text(person.guardianID),
                .blob(person.recordCiphertext), .blob(person.recordWrappedKey), .time(person.createdAt),
                .time(person.updatedAt), .blob(person.personIndex), .blob(person.nationalIndex),
            ])
        _ = try await connection.execute(
            "INSERT INTO network_numbers (number, person_id, status, created_at) VALUES ($1, $2, 'active', $3)",
            [.text(networkNumber), .text(person.id), .time(person.createdAt)])
    }

    public func person(id: String) async throws -> PersonRecord? {
        try await fetchPerson("SELECT \(Self.columns) FROM persons p WHERE p.id = $1", [.text(id)])
    }

    public func livePerson(blindIndex: [UInt8]) async throws -> PersonRecord? {
        try await fetchPerson(
            "SELECT \(Self.columns) FROM persons p WHERE p.blind_index = $1 AND p.state <> 'cancelled'",
            [.blob(blindIndex)])
    }

    public func livePerson(personIndex: [UInt8]) async throws -> PersonRecord? {
        try await fetchPerson(
            "SELECT \(Self.columns) FROM persons p WHERE p.person_index = $1 AND p.state <> 'cancelled'",
            [.blob(personIndex)])
    }

    public func livePerson(nationalIndex: [UInt8]) async throws -> PersonRecord? {
        try await fetchPerson(
            "SELECT \(Self.columns) FROM persons p WHERE p.national_index = $1 AND p.state <> 'cancelled'",
            [.blob(nationalIndex)])
    }

    // PersonIndexStore

    public func personsToIndex(after id: String, limit: Int) async throws -> [(person: PersonRecord, version: Int)] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT \(Self.columns), p.index_version FROM persons p
                WHERE p.index_version <> 2 AND p.id > $1 ORDER BY p.id LIMIT $2
                """, [.text(id), .integer(Int64(limit))]
            ).map { row throws(StoreError) in (try Self.person(row), Int(try row.integer("index_version"))) }
        }
    }

    public func setIndexes(
        personIndex: [UInt8]?, nationalIndex: [UInt8]?, nationalHeldElsewhere: Bool, personID: String, from version: Int,
        updatedAt: Date
    ) async throws -> Bool {
        // Compare-and-set on the version and the record's last change read: of two nodes
        // indexing one person, one writes, and a document change since (a new record, its own
        // indexes) is not overwritten with the old record's.
        try await writeOne(
            """
            UPDATE persons SET person_index = COALESCE($1, person_index), national_index = COALESCE($2, national_index),
                index_version = $3
            WHERE id = $4 AND index_version = $5 AND updated_at = $6
            """,
            [
                .blob(personIndex), .blob(nationalHeldElsewhere ? nil : nationalIndex),
                .integer(nationalHeldElsewhere ? 3 : 2), .text(personID), .integer(Int64(version)), .time(updatedAt),
            ]) == 1
    }

    public func person(networkNumber: String) async throws -> PersonRecord? {
        try await fetchPerson(
            """
            SELECT \(Self.columns) FROM persons p JOIN network_numbers n ON n.person_id = p.id
            WHERE n.number = $1 AND n.status = 'active'
            """, [.text(networkNumber)])
    }

    public func personEverHolding(networkNumber: String) async throws -> (person: PersonRecord, numberStatus: String)? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    "SELECT \(Self.columns), n.status AS number_status FROM persons p JOIN network_numbers n ON n.person_id = p.id WHERE n.number = $1",
                    [.text(networkNumber)])
            else { return nil }
            return (try Self.person(row), try row.text("number_status"))
        }
    }

    public func activeNetworkNumber(personID: String) async throws -> String? {
        try await database.read { connection in
            try await connection.first(
                "SELECT number FROM network_numbers WHERE person_id = $1 AND status = 'active'", [.text(personID)]
            )?.text("number")
        }
    }

    private func fetchPerson(_ sql: String, _ binds: [SQLValue]) async throws -> PersonRecord? {
        try await fetchPersons(sql, binds).first
    }

    private func fetchPersons(_ sql: String, _ binds: [SQLValue]) async throws -> [PersonRecord] {
        try await database.read { connection in
            try await connection.query(sql, binds).map { row throws(StoreError) in try Self.person(row) }
        }
    }

    private static func person(_ row: SQLRow) throws(StoreError) -> PersonRecord {
        guard let state = PersonRecord.State(rawValue: try row.text("state")),
            let level = AssuranceLevel(rawValue: try row.text("assurance_level")),
            let band = AgeBand(rawValue: try row.text("age_band"))
        else {
            throw StoreError.corrupt("person row has an unknown state, level or age band")
        }
        return PersonRecord(
            id: try row.text("id"), state: state, blindIndex: try row.blob("blind_index"), assuranceLevel: level,
            ageBand: band, guardianID: try row.optionalText("guardian_id"),
            recordCiphertext: try row.blob("record_ciphertext"),
            recordWrappedKey: try row.optionalBlob("record_wrapped_key"), createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"), personIndex: try row.optionalBlob("person_index"),
            nationalIndex: try row.optionalBlob("national_index"))
    }
}

extension SQLStore: PersonIndexStore {}
