public import Foundation

/// What an operator may be granted (issue 15). Least privilege: no role does everything, and
/// `admin` manages roles only.
public enum OperatorRole: String, Sendable, CaseIterable, Codable, Comparable {
    /// Look up a person by network number; suspend, resume, restrict, lift (with a reason);
    /// cancel (with a second support operator).
    case support
    /// Read an identity record, with a legal basis and a second records operator.
    case records
    /// Register, change and disable platforms; legal bases; events URIs; re-verification policy.
    case platforms
    /// The trust store: CSCAs and CRLs.
    case registrar
    /// Signing-key rotation, CA import, master-key rotation (each with a second keys operator).
    case keys
    /// Read and verify the audit log and statistics; read-only everywhere.
    case auditor
    /// Grant and revoke roles (`admin` and `records` with a second admin).
    case admin

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Everything an operator can do through the console or `cyberid admin`.
public enum OperatorAction: String, Sendable, CaseIterable, Codable {
    case lookUpPerson = "look-up-person"
    case suspendPerson = "suspend-person"
    case resumePerson = "resume-person"
    case restrictPerson = "restrict-person"
    case liftPerson = "lift-person"
    case cancelPerson = "cancel-person"
    case readRecord = "read-record"
    case revokeCertificate = "revoke-certificate"
    case viewPlatforms = "view-platforms"
    case registerPlatform = "register-platform"
    case changePlatform = "change-platform"
    case disablePlatform = "disable-platform"
    case setPolicy = "set-policy"
    case viewTrustStore = "view-trust-store"
    case changeTrustStore = "change-trust-store"
    case viewKeys = "view-keys"
    case rotateSigningKey = "rotate-signing-key"
    case importCA = "import-ca"
    case rotateMasterKey = "rotate-master-key"
    case readAudit = "read-audit"
    case viewStatistics = "view-statistics"
    case viewOperators = "view-operators"
    /// Grant or revoke `support`, `platforms`, `registrar`, `keys` or `auditor`.
    case grantRole = "grant-role"
    /// Grant or revoke `admin` or `records`.
    case grantSensitiveRole = "grant-sensitive-role"

    /// The action of granting or revoking `role`.
    public static func granting(_ role: OperatorRole) -> OperatorAction {
        role == .admin || role == .records ? .grantSensitiveRole : .grantRole
    }
}

/// The console's rules (issue 15), in one place and without I/O: which roles may do what, and
/// which acts need a second operator ("four-eyes").
public enum OperatorRules {
    /// How long a four-eyes request waits for its second operator.
    public static let approvalWindow: TimeInterval = 24 * 3600

    /// The roles that may perform (or, for a four-eyes act, request and approve) `action`.
    public static func roles(for action: OperatorAction) -> Set<OperatorRole> {
        switch action {
        case .lookUpPerson: [.support, .records, .auditor]
        case .suspendPerson, .resumePerson, .restrictPerson, .liftPerson, .cancelPerson, .revokeCertificate: [.support]
        case .readRecord: [.records]
        case .viewPlatforms: [.platforms, .auditor]
        case .registerPlatform, .changePlatform, .disablePlatform, .setPolicy: [.platforms]
        case .viewTrustStore: [.registrar, .auditor]
        case .changeTrustStore: [.registrar]
        case .viewKeys: [.keys, .auditor]
        case .rotateSigningKey, .importCA, .rotateMasterKey: [.keys]
        case .readAudit, .viewStatistics: [.auditor, .admin]
        case .viewOperators: [.admin, .auditor]
        case .grantRole, .grantSensitiveRole: [.admin]
        }
    }

    /// Whether `action` needs a second operator's approval before it is done.
    public static func needsSecondOperator(_ action: OperatorAction) -> Bool {
        switch action {
        case .readRecord, .cancelPerson, .importCA, .rotateSigningKey, .rotateMasterKey, .grantSensitiveRole: true
        default: false
        }
    }

    /// Whether an operator holding `roles` may do `action` (or request it, when it needs a
    /// second operator).
    public static func allows(_ roles: Set<OperatorRole>, _ action: OperatorAction) -> Bool {
        !roles.isDisjoint(with: Self.roles(for: action))
    }

    /// Why a four-eyes request cannot be approved by this operator, or `nil` when it can: the
    /// approver is another person, not the person the act is about (`subject`: whose record is
    /// read, who is cancelled, who gains or loses a role — else an admin could veto their own
    /// removal or approve their own grant), holds a role the act needs, and the request is
    /// pending and younger than ``approvalWindow``.
    public static func approvalRefusal(
        action: OperatorAction, requestedBy: String, requestedAt: Date, pending: Bool, approver: String,
        approverRoles: Set<OperatorRole>, subject: String? = nil, now: Date
    ) -> String? {
        if approver == requestedBy { return "self-approval" }
        if approver == subject { return "target" }
        if !allows(approverRoles, action) { return "role-required" }
        if !pending { return "not-pending" }
        if now.timeIntervalSince(requestedAt) >= approvalWindow { return "expired" }
        return nil
    }
}
