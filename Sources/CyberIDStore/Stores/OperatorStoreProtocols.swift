public import Foundation

/// Operators, their roles and four-eyes requests (issue 15).
public protocol OperatorStore: Sendable {
    /// Makes the person an operator (their display name is set then, and never changed by a
    /// later grant: a grant cannot rename anyone) and adds a role.
    /// - Returns: `false` when they already held the role.
    func grantRole(personID: String, displayName: String, role: String, grantedBy: String, at time: Date) async throws
        -> Bool
    /// Removes a role. - Returns: `false` when they did not hold it.
    func revokeRole(personID: String, role: String) async throws -> Bool
    /// An operator with their roles, if the person is one.
    func operatorRecord(personID: String) async throws -> OperatorRecord?
    /// Every operator, by display name.
    func operatorRecords() async throws -> [OperatorRecord]
    /// Stores a new request.
    func createFourEyesRequest(_ request: FourEyesRequestRecord) async throws
    /// A request by id.
    func fourEyesRequest(id: String) async throws -> FourEyesRequestRecord?
    /// Requests in a state, oldest first.
    func fourEyesRequests(status: FourEyesRequestRecord.Status) async throws -> [FourEyesRequestRecord]
    /// Requests in a state asked for at or after `since`, oldest first (the index's order).
    func fourEyesRequests(status: FourEyesRequestRecord.Status, requestedSince since: Date) async throws
        -> [FourEyesRequestRecord]
    /// Approves or refuses a pending request, once. - Returns: `false` when it was not pending.
    func decideFourEyesRequest(
        id: String, status: FourEyesRequestRecord.Status, decidedBy: String, reason: String?, at time: Date
    ) async throws -> Bool
    /// Marks an approved request carried out, once. - Returns: `false` when it was not approved.
    func markFourEyesRequestExecuted(id: String, at time: Date) async throws -> Bool
}
