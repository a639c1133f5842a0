public import Foundation

/// An operator (issue 15): an enrolled person with a display name and roles.
public struct OperatorRecord: Sendable, Equatable {
    public var personID: String
    public var displayName: String
    /// Role names (`support`, `records`, …).
    public var roles: Set<String>
    public var createdAt: Date

    public init(personID: String, displayName: String, roles: Set<String>, createdAt: Date) {
        (self.personID, self.displayName, self.roles, self.createdAt) = (personID, displayName, roles, createdAt)
    }
}

/// A four-eyes request: a sensitive act one operator asked for and a second must approve.
public struct FourEyesRequestRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, approved, refused, executed
    }

    public var id: String
    /// The action's name (`read-record`, `cancel-person`, …).
    public var action: String
    /// What it is on (a person id, a role grant, a key).
    public var target: String
    /// JSON the act needs (a legal basis, a role); nothing personal.
    public var detail: String
    /// The requesting operator's person id.
    public var requestedBy: String
    public var requestedAt: Date
    public var expiresAt: Date
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var executedAt: Date?

    public init(
        id: String, action: String, target: String, detail: String, requestedBy: String, requestedAt: Date,
        expiresAt: Date, status: Status = .pending, decidedBy: String? = nil, decidedAt: Date? = nil,
        decisionReason: String? = nil, executedAt: Date? = nil
    ) {
        (self.id, self.action, self.target, self.detail, self.requestedBy, self.requestedAt, self.expiresAt) = (
            id, action, target, detail, requestedBy, requestedAt, expiresAt
        )
        (self.status, self.decidedBy, self.decidedAt, self.decisionReason, self.executedAt) = (
            status, decidedBy, decidedAt, decisionReason, executedAt
        )
    }
}

extension FourEyesRequestRecord {
    /// The request's `detail` JSON as its string fields (`reason`, `role`, `number`, …); empty
    /// when it does not parse.
    public var detailFields: [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: String]) ?? [:]
    }
}
