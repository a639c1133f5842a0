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
    /// Renewal over the harness's store and CAs.
    var renewal: RenewalService {
        RenewalService(
            store: store, vault: IdentityVault(masterKey: masterKey), issuer: NetworkCertificateIssuer(authority: authority))
    }
}
