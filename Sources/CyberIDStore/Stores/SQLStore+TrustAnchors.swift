public import CyberIDCore
public import Foundation

extension SQLStore: TrustAnchorStore {
    @discardableResult
    public func add(_ anchor: TrustAnchorRecord) async throws -> Bool {
        try await writeOne(
            """
            INSERT INTO trust_anchors (fingerprint, kind, der, label, added_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (fingerprint) DO NOTHING
            """,
            [.text(anchor.fingerprint), .text(anchor.kind.rawValue), .blob(anchor.der), .text(anchor.label), .time(anchor.addedAt)]
        ) == 1
    }

    public func trustAnchors() async throws -> [TrustAnchorRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT fingerprint, kind, der, label, added_at FROM trust_anchors ORDER BY added_at, fingerprint", []
            ).map(Self.decodeAnchor)
        }
    }

    public func removeTrustAnchor(fingerprintPrefix: String) async throws -> TrustAnchorRecord {
        let prefix = fingerprintPrefix.lowercased()
        guard prefix.count >= 8, prefix.allSatisfy(\.isHexDigit) else {
            throw StoreError.notFound("give at least 8 hex digits of the fingerprint")
        }
        return try await database.write { connection in
            let matches = try await connection.query(
                "SELECT fingerprint, kind, der, label, added_at FROM trust_anchors WHERE fingerprint LIKE $1",
                [.text(prefix + "%")])
            guard matches.count == 1, let match = matches.first else {
                throw StoreError.notFound(matches.isEmpty ? "no trust anchor has that fingerprint" : "the fingerprint prefix is ambiguous")
            }
            let anchor = try Self.decodeAnchor(match)
            _ = try await connection.execute("DELETE FROM trust_anchors WHERE fingerprint = $1", [.text(anchor.fingerprint)])
            return anchor
        }
    }

    private static func decodeAnchor(_ row: SQLRow) throws(StoreError) -> TrustAnchorRecord {
        guard let kind = TrustAnchorRecord.Kind(rawValue: try row.text("kind")) else {
            throw .corrupt("unknown trust anchor kind")
        }
        return TrustAnchorRecord(
            fingerprint: try row.text("fingerprint"), kind: kind, der: try row.blob("der"), label: try row.text("label"),
            addedAt: try row.time("added_at"))
    }
}

extension SQLStore: CertificateAuthorityStore {
    public func certificateAuthority(name: String) async throws -> CertificateAuthorityRecord? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    "SELECT name, certificate, sealed_private_key, created_at FROM certificate_authorities WHERE name = $1",
                    [.text(name)])
            else { return nil }
            return CertificateAuthorityRecord(
                name: try row.text("name"), certificate: try row.blob("certificate"),
                sealedPrivateKey: try row.blob("sealed_private_key"), createdAt: try row.time("created_at"))
        }
    }

    public func createCertificateAuthorities(_ records: [CertificateAuthorityRecord]) async throws -> Bool {
        try await database.write { connection in
            // Processes starting together on an empty PostgreSQL database (issue 16): the check
            // and the inserts under one lock, or two processes both insert a "first" pair.
            if database.dialect == .postgres {
                _ = try await connection.query("SELECT pg_advisory_xact_lock(7324919)", [])
            }
            guard try await connection.first("SELECT name FROM certificate_authorities", []) == nil else { return false }
            for record in records {
                _ = try await connection.execute(
                    "INSERT INTO certificate_authorities (name, certificate, sealed_private_key, created_at) VALUES ($1, $2, $3, $4)",
                    [.text(record.name), .blob(record.certificate), .blob(record.sealedPrivateKey), .time(record.createdAt)])
            }
            return true
        }
    }
}

extension SQLStore: NetworkCertificateStore {
    private static let certificateColumns = "serial, person_id, network_number, der, status, not_after, issued_at"

    public func networkCertificate(serial: String) async throws -> NetworkCertificateRecord? {
        try await database.read { connection in
            try await connection.first(
                "SELECT \(Self.certificateColumns) FROM network_certificates WHERE serial = $1", [.text(serial)]
            ).map(Self.decodeCertificate)
        }
    }

    public func networkCertificates(personID: String) async throws -> [NetworkCertificateRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT \(Self.certificateColumns) FROM network_certificates WHERE person_id = $1 ORDER BY issued_at DESC",
                [.text(personID)]
            ).map(Self.decodeCertificate)
        }
    }

    static func decodeCertificate(_ row: SQLRow) throws(StoreError) -> NetworkCertificateRecord {
        guard let status = NetworkCertificateRecord.Status(rawValue: try row.text("status")) else {
            throw .corrupt("unknown certificate status")
        }
        return NetworkCertificateRecord(
            serial: try row.text("serial"), personID: try row.text("person_id"),
            networkNumber: try row.text("network_number"), der: try row.blob("der"), status: status,
            notAfter: try row.time("not_after"), issuedAt: try row.time("issued_at"))
    }
}
