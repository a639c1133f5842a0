import CyberIDCore
import CyberIDServices
import CyberIDStore
import Foundation
import Testing

@testable import CyberIDServer

/// The schemathesis run found a lifecycle reason holding NUL answered 503 (the store refuses
/// NUL); a review then found operators' reasons with no check at all. Every reason an operator
/// writes — a four-eyes request's and its decision's, a record read's legal basis, a
/// certificate revocation's, a policy change's, a lifecycle act's — is plain text of at most 500
/// characters: a NUL, a line break forging an audit line, an escape or a longer text is refused
/// before anything is recorded (and before a four-eyes request exists to be used up later).
@Suite struct OperatorReasonTests {
    static let unfit = [
        "a\u{0}b", "cancel\napproved by: sue", "\u{1B}[2J", "x\u{85}y", "court order \u{202E}71", String(repeating: "x", count: 501),
    ]

    @Test func everyOperatorReasonIsPlainText() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = runtime.admin.acting(as: "server")
            for (id, role) in [("sam", OperatorRole.support), ("sue", .support)] {
                _ = try await server.grantRole(role, networkNumber: try await OperatorTests.person(runtime, id, at: t0), displayName: id)
            }
            let target = try await OperatorTests.person(runtime, "pat", at: t0)
            let admin = runtime.admin
            let (auditBefore, historyBefore) = (try await runtime.store.auditEntries(), try await runtime.store.history(personID: "pat", limit: 50))
            for reason in Self.unfit {
                await #expect(throws: AdminError.invalidReason, "\(reason.debugDescription)") {
                    try await admin.requestFourEyes(.cancelPerson, target: target, detail: ["reason": reason], by: "sam", now: t0)
                }
                await #expect(throws: AdminError.invalidReason) { try await server.readRecord(networkNumber: target, legalBasis: reason, now: t0) }
                await #expect(throws: AdminError.invalidReason) { try await server.revokeCertificate(serial: "c-pat", reason: reason, now: t0) }
                await #expect(throws: AdminError.invalidReason) {
                    try await server.setReverificationInterval(clientID: nil, seconds: 86_400, reason: reason)
                }
                await #expect(throws: LifecycleError.invalidReason) { try await server.apply(.suspend, networkNumber: target, reason: reason) }
            }
            // Nothing was recorded, nothing changed.
            #expect(try await runtime.store.auditEntries() == auditBefore)
            #expect(try await runtime.store.history(personID: "pat", limit: 50) == historyBefore)
            #expect(try await runtime.store.fourEyesRequests(status: .pending).isEmpty)
            #expect(try await runtime.store.reverificationIntervals().isEmpty)
            #expect(try await admin.state(networkNumber: target) == .active)

            // A fit reason is kept trimmed; a decision's (optional) reason follows the same rule.
            let request = try await admin.requestFourEyes(.cancelPerson, target: target, detail: ["reason": "  fraud ring 7\n"], by: "sam", now: t0)
            #expect(request.detailFields["reason"] == "fraud ring 7")
            await #expect(throws: AdminError.invalidReason) {
                try await admin.decideFourEyes(id: request.id, approve: true, by: "sue", reason: "ok\u{0}", now: t0 + 1)
            }
            #expect(try await admin.fourEyesRequest(id: request.id).status == .pending)
            let approved = try await admin.decideFourEyes(id: request.id, approve: true, by: "sue", reason: " ", now: t0 + 2)
            #expect(approved.status == .approved && approved.decisionReason == nil)
            // The audit records the reason the lifecycle applied, trimmed.
            try await server.apply(.suspend, networkNumber: target, reason: "court order 9\n")
            #expect(try await runtime.store.auditEntries().last.map { ($0.action, $0.reason) } ?? ("", "") == ("person.suspend", "court order 9"))
        }
    }

    /// Operators' names follow the same rule (they were checked against Foundation's control
    /// characters, which let a bidirectional override through and refused a Persian ZWNJ).
    @Test func displayNamesArePlainText() throws {
        for name in ["Ann\u{0}", "Ann\nAdmin", "Ann \u{202E}nimda", "\u{2067}Ann", String(repeating: "x", count: 101)] {
            #expect(throws: AdminError.invalidDisplayName(), "\(name.debugDescription)") { try AdminService.checkedDisplayName(name) }
        }
        #expect(try AdminService.checkedDisplayName(" 王芳 ") == "王芳")
        #expect(try AdminService.checkedDisplayName("مهر\u{200C}ناز") == "مهر\u{200C}ناز")
    }
}
