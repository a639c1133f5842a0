import CyberIDKeys
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDVault
import CyberIDTestSupport
import CyberIDCore
import CyberIDStore
import CyberIDDevTools
import Foundation
import Testing

@testable import CyberIDLifecycle

@Suite struct RenewalTests {
    @Test func renewalKeepsTheNumberReplacesTheKeyAndRevokesTheOld() async throws {
        try await Harness.with { h in
            let (issued, _) = try await h.enroll(try h.document())
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            let (_, csr) = try Harness.csr()
            let renewed = try await h.renewal.renew(personID: person, csr: csr)
            #expect(renewed.networkNumber == issued.networkNumber && renewed.certificate != issued.certificate)
            let certificates = try await h.store.networkCertificates(personID: person)
            #expect(certificates.count == 2)
            #expect(certificates.filter { $0.status == .valid }.count == 1)
            #expect(try await h.store.history(personID: person, limit: 5).first?.event == "certificate-renewed")
        }
    }

    /// The review's finding: a renewal's answer lost on the way left the wallet with a revoked
    /// certificate and no new one. The same request again (signed by the now revoked certificate,
    /// the same key's CSR) gets the certificate already issued; nothing else does.
    @Test func aLostRenewalAnswerIsAnsweredAgainForTheSameKeyOnly() async throws {
        try await Harness.with { h in
            let (person, old) = try await h.enrolledWithCertificate()
            let (_, csr) = try Harness.csr()
            let first = try await h.renewal.renew(personID: person, csr: csr, presentedSerial: old.serial)
            let again = try await h.renewal.renew(personID: person, csr: csr, presentedSerial: old.serial)
            #expect(again == first)
            #expect(try await h.store.networkCertificates(personID: person).count == 2)

            // The old certificate with any other key: refused, and nothing issued.
            let (_, other) = try Harness.csr()
            await #expect(throws: IssuanceError.invalidWalletSignature) {
                try await h.renewal.renew(personID: person, csr: other, presentedSerial: old.serial)
            }
            #expect(try await h.store.networkCertificates(personID: person).count == 2)

            // Past the window, or once the key is renewed again, the first answer is gone.
            let late = RenewalService(
                store: h.store, vault: IdentityVault(masterKey: h.masterKey),
                issuer: NetworkCertificateIssuer(authority: h.authority),
                now: { Date().addingTimeInterval(RenewalService.retryWindow + 60) })
            await #expect(throws: IssuanceError.invalidWalletSignature) {
                try await late.renew(personID: person, csr: csr, presentedSerial: old.serial)
            }
            let current = try #require(try await h.store.networkCertificates(personID: person).first { $0.status == .valid })
            _ = try await h.renewal.renew(personID: person, csr: other, presentedSerial: current.serial)
            await #expect(throws: IssuanceError.invalidWalletSignature) {
                try await h.renewal.renew(personID: person, csr: csr, presentedSerial: old.serial)
            }
        }
    }

    /// A revoked certificate learns nothing of the person's state: a suspended holder's old
    /// certificate is answered as any revoked one.
    @Test func aRevokedCertificateOfASuspendedHolderGetsTheSameRefusal() async throws {
        try await Harness.with { h in
            let (person, old) = try await h.enrolledWithCertificate()
            let (_, csr) = try Harness.csr()
            _ = try await h.renewal.renew(personID: person, csr: csr, presentedSerial: old.serial)
            try await LifecycleService(store: h.store).apply(.suspend, personID: person, actor: .person, reason: "lost")
            await #expect(throws: IssuanceError.invalidWalletSignature) {
                try await h.renewal.renew(personID: person, csr: csr, presentedSerial: old.serial)
            }
        }
    }

    @Test func renewalNeedsAValidDocumentAndAnActivePerson() async throws {
        try await Harness.with { h in
            // A document that expires today enrolls (it is still valid) but cannot renew.
            let today = CalendarDate.civilDay(of: Date())
            let document = try DevDocumentFactory.make(
                holder: DevDocumentFactory.Holder(
                    birthDate: try CalendarDate(iso8601: "1990-01-01"), documentNumber: "X1234567", expiryDate: today),
                csca: h.csca)
            let (issued, _) = try await h.enroll(document)
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            let (_, csr) = try Harness.csr()
            await #expect(throws: LifecycleServiceError.documentExpired()) {
                try await h.renewal.renew(personID: person, csr: csr)
            }
            try await LifecycleService(store: h.store).apply(.suspend, personID: person, actor: .person, reason: "lost")
            await #expect(throws: LifecycleServiceError.personNotActive("")) {
                try await h.renewal.renew(personID: person, csr: csr)
            }
        }
    }
}

extension Harness {
    /// An enrolled adult's person id and valid certificate.
    func enrolledWithCertificate() async throws -> (String, NetworkCertificateRecord) {
        let (issued, _) = try await enroll(try document())
        let person = try await LifecycleService(store: store).personID(networkNumber: issued.networkNumber)
        return (person, try #require(try await store.networkCertificates(personID: person).first { $0.status == .valid }))
    }

    /// Renewal over the harness's store and CAs.
    var renewal: RenewalService {
        RenewalService(
            store: store, vault: IdentityVault(masterKey: masterKey), issuer: NetworkCertificateIssuer(authority: authority))
    }
}
