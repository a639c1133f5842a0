import CyberIDServices
import Foundation
import Testing

/// The console's role and four-eyes rules (issue 15): every role × action, approvals expiring,
/// self-approval refused.
@Suite struct OperatorRulesTests {
    /// The whole matrix, written out: a change to a rule must change this table.
    static let matrix: [OperatorAction: Set<OperatorRole>] = [
        .lookUpPerson: [.support, .records, .auditor],
        .suspendPerson: [.support], .resumePerson: [.support], .restrictPerson: [.support], .liftPerson: [.support],
        .cancelPerson: [.support], .revokeCertificate: [.support],
        .readRecord: [.records],
        .viewPlatforms: [.platforms, .auditor], .registerPlatform: [.platforms], .changePlatform: [.platforms],
        .disablePlatform: [.platforms], .setPolicy: [.platforms],
        .viewTrustStore: [.registrar, .auditor], .changeTrustStore: [.registrar],
        .viewKeys: [.keys, .auditor], .rotateSigningKey: [.keys], .importCA: [.keys], .rotateMasterKey: [.keys],
        .readAudit: [.auditor, .admin], .viewStatistics: [.auditor, .admin], .viewOperators: [.admin, .auditor],
        .grantRole: [.admin], .grantSensitiveRole: [.admin],
    ]

    @Test(arguments: OperatorRole.allCases)
    func eachRoleMayDoExactlyItsActions(_ role: OperatorRole) {
        for action in OperatorAction.allCases {
            let expected = try! #require(Self.matrix[action]).contains(role)
            #expect(OperatorRules.allows([role], action) == expected, "\(role) × \(action)")
        }
    }

    @Test func noRoleDoesEverythingAndNoActionIsOpenToAll() {
        for role in OperatorRole.allCases {
            #expect(OperatorAction.allCases.contains { !OperatorRules.allows([role], $0) })
        }
        for action in OperatorAction.allCases {
            #expect(!OperatorRules.allows([], action))
            #expect(OperatorRules.roles(for: action).count < OperatorRole.allCases.count)
        }
        // The auditor is read-only: it may change nothing.
        let changes = OperatorAction.allCases.filter { !$0.rawValue.hasPrefix("view") && !$0.rawValue.hasPrefix("read") && $0 != .lookUpPerson }
        #expect(changes.allSatisfy { !OperatorRules.allows([.auditor], $0) })
    }

    @Test func theSensitiveActsNeedASecondOperator() {
        let fourEyes = Set(OperatorAction.allCases.filter(OperatorRules.needsSecondOperator))
        #expect(fourEyes == [.readRecord, .cancelPerson, .importCA, .rotateSigningKey, .rotateMasterKey, .grantSensitiveRole])
        #expect(OperatorAction.granting(.admin) == .grantSensitiveRole)
        #expect(OperatorAction.granting(.records) == .grantSensitiveRole)
        for role in [OperatorRole.support, .platforms, .registrar, .keys, .auditor] {
            #expect(OperatorAction.granting(role) == .grantRole)
        }
    }

    @Test func anApprovalIsAnotherPersonWithTheRoleWithinADay() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func refusal(approver: String = "bob", roles: Set<OperatorRole> = [.records], pending: Bool = true, after: TimeInterval = 60)
            -> String?
        {
            OperatorRules.approvalRefusal(
                action: .readRecord, requestedBy: "alice", requestedAt: t0, pending: pending, approver: approver,
                approverRoles: roles, now: t0 + after)
        }
        #expect(refusal() == nil)
        #expect(refusal(approver: "alice") == "self-approval")
        #expect(refusal(roles: [.support, .admin]) == "role-required")
        #expect(refusal(pending: false) == "not-pending")
        #expect(refusal(after: 24 * 3600 - 1) == nil)
        #expect(refusal(after: 24 * 3600) == "expired")
        // Self-approval is refused even for an operator holding every role.
        #expect(refusal(approver: "alice", roles: Set(OperatorRole.allCases)) == "self-approval")
        // Nor does the person the act is about decide it (their own record, their own role).
        #expect(
            OperatorRules.approvalRefusal(
                action: .readRecord, requestedBy: "alice", requestedAt: t0, pending: true, approver: "bob",
                approverRoles: [.records], subject: "bob", now: t0 + 60) == "target")
        #expect(
            OperatorRules.approvalRefusal(
                action: .readRecord, requestedBy: "alice", requestedAt: t0, pending: true, approver: "bob",
                approverRoles: [.records], subject: "carol", now: t0 + 60) == nil)
    }
}
