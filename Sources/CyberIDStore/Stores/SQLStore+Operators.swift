public import Foundation

extension SQLStore: OperatorStore {
    public func grantRole(personID: String, displayName: String, role: String, grantedBy: String, at time: Date)
        async throws -> Bool
    {
        try await database.write { connection in
            _ = try await connection.execute(
                """
                INSERT INTO operators (person_id, display_name, created_at) VALUES ($1, $2, $3)
                ON CONFLICT (person_id) DO NOTHING
                """, [.text(personID), .text(displayName), .time(time)])
            return try await connection.execute(
                """
                INSERT INTO operator_roles (person_id, role, granted_by, granted_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (person_id, role) DO NOTHING
                """, [.text(personID), .text(role), .text(grantedBy), .time(time)]) == 1
        }
    }

    public func revokeRole(personID: String, role: String) async throws -> Bool {
        try await writeOne(
            "DELETE FROM operator_roles WHERE person_id = $1 AND role = $2", [.text(personID), .text(role)]) == 1
    }

    public func operatorRecord(personID: String) async throws -> OperatorRecord? {
        try await fetchOperators("WHERE o.person_id = $1", [.text(personID)]).first
    }

    public func operatorRecords() async throws -> [OperatorRecord] {
        try await fetchOperators("", [])
    }

    private func fetchOperators(_ condition: String, _ binds: [SQLValue]) async throws -> [OperatorRecord] {
        try await database.read { connection in
            var out = [OperatorRecord]()
            for row in try await connection.query(
                """
                SELECT o.person_id, o.display_name, o.created_at, r.role FROM operators o
                LEFT JOIN operator_roles r ON r.person_id = o.person_id \(condition)
                ORDER BY o.display_name, o.person_id
                """, binds)
            {
                let id = try row.text("person_id")
                if out.last?.personID != id {
                    out.append(
                        OperatorRecord(
                            personID: id, displayName: try row.text("display_name"), roles: [],
                            createdAt: try row.time("created_at")))
                }
                if let role = try row.optionalText("role") { out[out.count - 1].roles.insert(role) }
            }
            return out
        }
    }

    private static let requestColumns = """
        id, action, target, detail, requested_by, requested_at, expires_at, status, decided_by, decided_at,
        decision_reason, executed_at
        """

    public func createFourEyesRequest(_ request: FourEyesRequestRecord) async throws {
        _ = try await writeOne(
            "INSERT INTO four_eyes_requests (\(Self.requestColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            [
                .text(request.id), .text(request.action), .text(request.target), .text(request.detail),
                .text(request.requestedBy), .time(request.requestedAt), .time(request.expiresAt),
                .text(request.status.rawValue), .text(request.decidedBy), .time(request.decidedAt),
                .text(request.decisionReason), .time(request.executedAt),
            ])
    }

    public func fourEyesRequest(id: String) async throws -> FourEyesRequestRecord? {
        try await database.read { connection in
            try await connection.first(
                "SELECT \(Self.requestColumns) FROM four_eyes_requests WHERE id = $1", [.text(id)]
            ).map(Self.request)
        }
    }

    public func fourEyesRequests(status: FourEyesRequestRecord.Status) async throws -> [FourEyesRequestRecord] {
        try await fourEyesRequests(status: status, requestedSince: Date(timeIntervalSince1970: 0))
    }

    public func fourEyesRequests(status: FourEyesRequestRecord.Status, requestedSince since: Date) async throws
        -> [FourEyesRequestRecord]
    {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT \(Self.requestColumns) FROM four_eyes_requests WHERE status = $1 AND requested_at >= $2
                ORDER BY requested_at, id
                """, [.text(status.rawValue), .time(since)]
            ).map(Self.request)
        }
    }

    public func decideFourEyesRequest(
        id: String, status: FourEyesRequestRecord.Status, decidedBy: String, reason: String?, at time: Date
    ) async throws -> Bool {
        try await writeOne(
            """
            UPDATE four_eyes_requests SET status = $1, decided_by = $2, decision_reason = $3, decided_at = $4
            WHERE id = $5 AND status = 'pending'
            """, [.text(status.rawValue), .text(decidedBy), .text(reason), .time(time), .text(id)]) == 1
    }

    public func markFourEyesRequestExecuted(id: String, at time: Date) async throws -> Bool {
        try await writeOne(
            "UPDATE four_eyes_requests SET status = 'executed', executed_at = $1 WHERE id = $2 AND status = 'approved'",
            [.time(time), .text(id)]) == 1
    }

    private static func request(_ row: SQLRow) throws(StoreError) -> FourEyesRequestRecord {
        guard let status = FourEyesRequestRecord.Status(rawValue: try row.text("status")) else {
            throw StoreError.corrupt("a four-eyes request has an unknown status")
        }
        return FourEyesRequestRecord(
            id: try row.text("id"), action: try row.text("action"), target: try row.text("target"),
            detail: try row.text("detail"), requestedBy: try row.text("requested_by"),
            requestedAt: try row.time("requested_at"), expiresAt: try row.time("expires_at"), status: status,
            decidedBy: try row.optionalText("decided_by"), decidedAt: try row.optionalTime("decided_at"),
            decisionReason: try row.optionalText("decision_reason"), executedAt: try row.optionalTime("executed_at"))
    }
}
