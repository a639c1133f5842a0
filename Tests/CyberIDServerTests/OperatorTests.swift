import CyberIDCore
import CyberIDServices
import CyberIDStore
import CyberIDKeys
import CyberIDVault
import Foundation
import Testing

@testable import CyberIDServer

/// Operators and four-eyes control enforced (issue 15): roles granted from the server are
/// audited under the acting name; a four-eyes act waits for another person holding the role,
/// within 24 hours, and is carried out once by the requester.
@Suite struct OperatorTests {
    /// Enrolls a bare person straight into the store; returns their network number.
    static func person(_ runtime: Runtime, _ id: String, at time: Date, record: IdentityRecord? = nil) async throws -> String {
        let sealed = try record.map { try IdentityVault(masterKey: runtime.masterKey).seal($0, personID: id) }
        let number = NetworkNumber.generate().canonical
        var session = EnrollmentSessionRecord(
            id: "s-\(id)", aaChallenge: [1], guardianID: nil, createdAt: time, expiresAt: time + 600)
        try await runtime.store.create(session)
        session.state = .completed
        session.personID = id
        try await runtime.store.complete(
            session,
            person: PersonRecord(
                id: id, state: .active, blindIndex: Array(id.utf8), assuranceLevel: .high, ageBand: .adult,
                recordCiphertext: sealed?.ciphertext ?? [1], recordWrappedKey: sealed?.wrappedKey ?? [2], createdAt: time,
                updatedAt: time),
            networkNumber: number,
            certificate: NetworkCertificateRecord(
                serial: "c-\(id)", personID: id, networkNumber: number, der: [3], notAfter: time + 86_400, issuedAt: time))
        return number
    }

    @Test func rolesAreGrantedFromTheServerAndAudited() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let alice = try await Self.person(runtime, "alice", at: t0)
            let server = runtime.admin.acting(as: "Wang Fang (server)")
            #expect(try await server.grantRole(.admin, networkNumber: alice, displayName: "Alice Admin"))
            #expect(try await server.grantRole(.admin, networkNumber: alice, displayName: "Alice Admin") == false)
            #expect(try await server.grantRole(.auditor, networkNumber: alice, displayName: "Alice A."))
            #expect(try await runtime.admin.operatorRoles(personID: "alice") == [.admin, .auditor])
            let listed = try await runtime.admin.operators()
            #expect(listed.map(\.record.displayName) == ["Alice Admin"] && listed.first?.networkNumber == alice)
            #expect(try await server.revokeRole(.auditor, networkNumber: alice))
            #expect(try await server.revokeRole(.auditor, networkNumber: alice) == false)
            #expect(try await runtime.admin.operatorRoles(personID: "alice") == [.admin])
            let entries = try await runtime.store.auditEntries().suffix(5)
            #expect(entries.map(\.action) == ["operator.grant", "operator.grant", "operator.grant", "operator.revoke", "operator.revoke"])
            #expect(entries.allSatisfy { $0.actor == "Wang Fang (server)" && $0.target == "alice" })
            await #expect(throws: AdminError.invalidDisplayName()) {
                try await server.grantRole(.admin, networkNumber: alice, displayName: " ")
            }
            // No second operator who looks like Alice in the audit: the same name, another case,
            // an invisible character, a full-width letter (a review's finding).
            let mallory = try await Self.person(runtime, "mallory", at: t0)
            for lookalike in [
                "Alice Admin", "alice admin", "Alice\u{200C} Admin", "Alice  Admin", "Ａlice Admin",
                // Default-ignorable code points that are not format characters (a second review):
                // a variation selector, the combining grapheme joiner, a Hangul filler.
                "Alice Admin\u{FE00}", "Ali\u{034F}ce Admin", "Alice\u{3164} Admin",
                // A Hangul filler drawn as a blank in place of the space (a third review).
                "Alice\u{3164}Admin",
            ] {
                await #expect(throws: AdminError.displayNameTaken(), "\(lookalike.unicodeScalars.map(\.value))") {
                    try await server.grantRole(.support, networkNumber: mallory, displayName: lookalike)
                }
            }
            // A Cyrillic А among Latin letters looks like Alice too: a name mixing the scripts is refused.
            await #expect(throws: AdminError.invalidDisplayName()) {
                try await server.grantRole(.support, networkNumber: mallory, displayName: "\u{0410}lice Admin")
            }
            // Mathematical sans-serif Latin beside a Cyrillic і: Latin after normalisation, so mixed.
            await #expect(throws: AdminError.invalidDisplayName()) {
                try await server.grantRole(
                    .support, networkNumber: mallory, displayName: "\u{1D5A0}\u{1D5C5}\u{0456}\u{1D5BC}\u{1D5BE} Admin")
            }
            // Words of one script each are a name: Cyrillic and a Latin team tag.
            let ivan = try await Self.person(runtime, "ivan", at: t0)
            #expect(try await server.grantRole(.auditor, networkNumber: ivan, displayName: "Иван Петров (SOC)"))
            #expect(AdminService.likeness("Wang Fang") != AdminService.likeness("Wang Fan"))
            #expect(try await server.grantRole(.support, networkNumber: mallory, displayName: "Alice Adams"))
            // Alice herself may be granted another role under her own name.
            #expect(try await server.grantRole(.support, networkNumber: alice, displayName: "Alice Admin"))
            #expect(try await server.revokeRole(.support, networkNumber: alice))
            await #expect(throws: AdminError.unknownNumber) {
                try await server.grantRole(.admin, networkNumber: NetworkNumber.generate().canonical, displayName: "Nobody")
            }
            #expect("\(try await runtime.admin.verifyAudit())".hasPrefix("intact"))
        }
    }

    @Test func aRecordReadWaitsForAnotherRecordsOperatorAndIsCarriedOutOnce() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = runtime.admin.acting(as: "server")
            for (id, roles) in [("carol", [OperatorRole.records]), ("bob", [.records, .support]), ("alice", [.admin])] {
                let number = try await Self.person(runtime, id, at: t0)
                for role in roles { _ = try await server.grantRole(role, networkNumber: number, displayName: id.capitalized) }
            }
            _ = try await Self.person(runtime, "dave", at: t0)
            let admin = runtime.admin
            let request = try await admin.requestFourEyes(
                .readRecord, target: "p-1", detail: ["legal_basis": "court order 7"], by: "carol", now: t0)
            #expect(request.status == .pending && request.expiresAt == t0 + 24 * 3600)
            // Not by the requester, not by someone without the role, not by a non-operator.
            await #expect(throws: AdminError.approvalRefused("self-approval")) {
                try await admin.decideFourEyes(id: request.id, approve: true, by: "carol", now: t0 + 1)
            }
            await #expect(throws: AdminError.approvalRefused("role-required")) {
                try await admin.decideFourEyes(id: request.id, approve: true, by: "alice", now: t0 + 1)
            }
            await #expect(throws: AdminError.approvalRefused("role-required")) {
                try await admin.decideFourEyes(id: request.id, approve: true, by: "dave", now: t0 + 1)
            }
            // Nothing to carry out before the approval.
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.claimApproved(id: request.id, by: "carol", now: t0 + 2)
            }
            let approved = try await admin.decideFourEyes(id: request.id, approve: true, by: "bob", now: t0 + 60)
            #expect(approved.status == .approved && approved.decidedBy == "bob")
            await #expect(throws: AdminError.approvalRefused("not-pending")) {
                try await admin.decideFourEyes(id: request.id, approve: false, by: "bob", now: t0 + 61)
            }
            await #expect(throws: AdminError.approvalRefused("not-requester")) {
                try await admin.claimApproved(id: request.id, by: "bob", now: t0 + 62)
            }
            // A requester whose role was revoked meanwhile cannot carry the act out.
            let carol = try #require(try await runtime.store.activeNetworkNumber(personID: "carol"))
            #expect(try await server.revokeRole(.records, networkNumber: carol))
            await #expect(throws: AdminError.notAnOperator()) {
                try await admin.claimApproved(id: request.id, by: "carol", now: t0 + 63)
            }
            _ = try await server.grantRole(.records, networkNumber: carol, displayName: "Carol")
            #expect(try await admin.claimApproved(id: request.id, by: "carol", now: t0 + 63).id == request.id)
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.claimApproved(id: request.id, by: "carol", now: t0 + 64)
            }
            #expect(try await runtime.store.fourEyesRequest(id: request.id)?.status == .executed)
            let actions = try await runtime.store.auditEntries().map(\.action).filter { $0.hasPrefix("four-eyes") }
            #expect(actions == ["four-eyes.request", "four-eyes.approve"])
        }
    }

    @Test func aRequestNeedsTheRoleExpiresAfterADayAndCanBeRefused() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = runtime.admin.acting(as: "server")
            for (id, role) in [("sam", OperatorRole.support), ("sue", .support), ("kim", .keys), ("ann", .admin), ("al", .admin)] {
                _ = try await server.grantRole(role, networkNumber: try await Self.person(runtime, id, at: t0), displayName: id)
            }
            _ = try await Self.person(runtime, "nobody", at: t0)
            let admin = runtime.admin
            await #expect(throws: AdminError.roleRequired(.readRecord)) {
                try await admin.requestFourEyes(.readRecord, target: "p", detail: [:], by: "sam", now: t0)
            }
            await #expect(throws: AdminError.notAnOperator()) {
                try await admin.requestFourEyes(.cancelPerson, target: "p", detail: [:], by: "nobody", now: t0)
            }
            await #expect(throws: AdminError.notFourEyes(.suspendPerson)) {
                try await admin.requestFourEyes(.suspendPerson, target: "p", detail: [:], by: "sam", now: t0)
            }
            // Cancelling a person: a second support operator, within the day.
            let late = try await admin.requestFourEyes(.cancelPerson, target: "p", detail: [:], by: "sam", now: t0)
            await #expect(throws: AdminError.approvalRefused("expired")) {
                try await admin.decideFourEyes(id: late.id, approve: true, by: "sue", now: t0 + 24 * 3600)
            }
            // Granting admin: a second admin; a refusal ends it.
            let grant = try await admin.requestFourEyes(.grantSensitiveRole, target: "kim", detail: ["role": "admin"], by: "ann", now: t0)
            let refused = try await admin.decideFourEyes(id: grant.id, approve: false, by: "al", reason: "not needed", now: t0 + 5)
            #expect(refused.status == .refused && refused.decisionReason == "not needed")
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.claimApproved(id: grant.id, by: "ann", now: t0 + 6)
            }
            // A key rotation: the keys operator asks; no second keys operator exists, so no one can approve.
            let rotation = try await admin.requestFourEyes(.rotateSigningKey, target: "signing-key", detail: [:], by: "kim", now: t0)
            for other in ["sam", "ann", "al"] {
                await #expect(throws: AdminError.approvalRefused("role-required")) {
                    try await admin.decideFourEyes(id: rotation.id, approve: true, by: other, now: t0 + 1)
                }
            }
            #expect(try await runtime.store.fourEyesRequests(status: .pending).map(\.id).sorted() == [late.id, rotation.id].sorted())
        }
    }
}

extension OperatorTests {
    /// A review's finding: the person a four-eyes request is about cannot decide it — an admin
    /// vetoing their own removal (with two admins, for ever), or approving their own grant.
    @Test func theTargetOfARoleRequestCannotDecideIt() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = runtime.admin.acting(as: "server")
            var numbers = [String: String]()
            for id in ["ann", "al", "amy"] {
                numbers[id] = try await Self.person(runtime, id, at: t0)
                _ = try await server.grantRole(.admin, networkNumber: numbers[id]!, displayName: id)
            }
            let admin = runtime.admin
            // Ann asks to revoke Al's admin: Al cannot refuse it (nor approve it); Amy can.
            let removal = try await admin.requestFourEyes(
                .grantSensitiveRole, target: "\(numbers["al"]!):admin",
                detail: ["role": "admin", "number": numbers["al"]!, "operation": "revoke", "reason": "revoke admin"], by: "ann",
                now: t0)
            for approve in [false, true] {
                await #expect(throws: AdminError.approvalRefused("target")) {
                    try await admin.decideFourEyes(id: removal.id, approve: approve, by: "al", now: t0 + 1)
                }
            }
            #expect(try await admin.fourEyesSubject(removal) == "al")
            #expect(try await admin.decideFourEyes(id: removal.id, approve: true, by: "amy", now: t0 + 2).status == .approved)
            // Ann asks to grant Amy `records`: Amy cannot approve her own grant; Al can.
            let grant = try await admin.requestFourEyes(
                .grantSensitiveRole, target: "\(numbers["amy"]!):records",
                detail: ["role": "records", "name": "amy", "number": numbers["amy"]!, "reason": "grant records to amy"], by: "ann",
                now: t0)
            await #expect(throws: AdminError.approvalRefused("target")) {
                try await admin.decideFourEyes(id: grant.id, approve: true, by: "amy", now: t0 + 3)
            }
            #expect(try await admin.decideFourEyes(id: grant.id, approve: true, by: "al", now: t0 + 4).status == .approved)
            // A number no one holds names no one.
            #expect(try await admin.fourEyesSubject(
                try await admin.requestFourEyes(.grantSensitiveRole, target: "x:admin", detail: ["number": "nobody"], by: "ann", now: t0)) == nil)
        }
    }
}

extension OperatorTests {
    /// Issue 15: an approved record read is shown to its requester only, from the request's
    /// page, for 15 minutes; each showing audited, the person's history holding the one access.
    @Test func aRecordReadIsShownAgainToItsRequesterForFifteenMinutes() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = try await Self.recordsOperators(runtime, at: t0)
            let record = IdentityRecord(
                documentCode: "P", issuingState: "CHN", surname: "ZHANG", givenNames: "SAN", documentNumber: "E1",
                nationality: "CHN", birthDate: try CalendarDate(iso8601: "1990-01-02"), sex: "M",
                documentExpiry: try CalendarDate(iso8601: "2030-01-01"), personalNumber: nil)
            let citizen = try await Self.person(runtime, "citizen", at: t0, record: record)
            let admin = runtime.admin.acting(as: "Carol")
            let request = try await admin.requestFourEyes(
                .readRecord, target: citizen, detail: ["reason": "court order 9"], by: "carol", now: t0)
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.showRecordAgain(id: request.id, by: "carol", now: t0 + 1)
            }
            _ = try await admin.decideFourEyes(id: request.id, approve: true, by: "bob", now: t0 + 2)
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.showRecordAgain(id: request.id, by: "carol", now: t0 + 3)
            }
            let read = try await admin.readApprovedRecord(id: request.id, by: "carol", roles: ["records", "records"], now: t0 + 4)
            #expect(read.record.surname == "ZHANG")
            let executed = try #require(try await runtime.store.fourEyesRequest(id: request.id)?.executedAt)
            // The read is in the person's history once, with both roles.
            let lines = try await runtime.store.history(
                personID: "citizen", filter: HistoryFilter(event: "record-accessed"), beforeID: nil, limit: 10)
            #expect(lines.count == 1 && lines[0].detail.contains("records, records"))
            await #expect(throws: AdminError.approvalRefused("not-requester")) {
                try await admin.showRecordAgain(id: request.id, by: "bob", now: executed + 5)
            }
            await #expect(throws: AdminError.approvalRefused("expired")) {
                try await admin.showRecordAgain(id: request.id, by: "carol", now: executed + 15 * 60)
            }
            let shown = try await admin.showRecordAgain(id: request.id, by: "carol", now: executed + 15 * 60 - 1)
            #expect(shown.record.surname == "ZHANG" && shown.request.id == request.id)
            let last = try #require(try await runtime.store.auditEntries().last)
            #expect(last.action == "record.show" && last.actor == "Carol" && last.target == request.id)
            // A records operator who lost the role sees nothing more.
            let carol = try #require(try await runtime.store.activeNetworkNumber(personID: "carol"))
            _ = try await server.revokeRole(.records, networkNumber: carol)
            await #expect(throws: AdminError.notAnOperator()) {
                try await admin.showRecordAgain(id: request.id, by: "carol", now: executed + 60)
            }
            await #expect(throws: AdminError.unknownRequest("fe_none")) {
                try await admin.showRecordAgain(id: "fe_none", by: "carol", now: executed)
            }
        }
    }

    /// Review finding (issue 15): a record read is marked carried out only together with the
    /// person's history line; a read that fails leaves the request approved, and nothing to show.
    @Test func aRecordReadThatFailsLeavesTheRequestApproved() async throws {
        try await withTestApp { _, runtime async throws in
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
            let server = try await Self.recordsOperators(runtime, at: t0)
            // No sealed record under this master key: the read cannot open it.
            let citizen = try await Self.person(runtime, "citizen", at: t0)
            let admin = runtime.admin.acting(as: "Carol")
            let request = try await admin.requestFourEyes(
                .readRecord, target: citizen, detail: ["reason": "court order 9"], by: "carol", now: t0)
            _ = try await admin.decideFourEyes(id: request.id, approve: true, by: "bob", now: t0 + 1)
            await #expect(throws: (any Error).self) {
                try await admin.readApprovedRecord(id: request.id, by: "carol", roles: ["records", "records"], now: t0 + 2)
            }
            #expect(try await runtime.store.fourEyesRequest(id: request.id)?.status == .approved)
            let lines = try await runtime.store.history(
                personID: "citizen", filter: HistoryFilter(event: "record-accessed"), beforeID: nil, limit: 10)
            #expect(lines.isEmpty)
            await #expect(throws: AdminError.approvalRefused("not-approved")) {
                try await admin.showRecordAgain(id: request.id, by: "carol", now: t0 + 3)
            }
        }
    }

    /// Carol and Bob, enrolled and granted `records` from the server; the acting server.
    static func recordsOperators(_ runtime: Runtime, at t0: Date) async throws -> AdminService {
        let server = runtime.admin.acting(as: "server")
        for id in ["carol", "bob"] {
            let number = try await person(runtime, id, at: t0)
            _ = try await server.grantRole(.records, networkNumber: number, displayName: id.capitalized)
        }
        return server
    }
}
