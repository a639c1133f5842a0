import CyberIDCore
import CyberIDDevTools
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CyberIDDocuments

/// Passive and active authentication against documents built in code by `DevDocumentFactory`
/// (the independent Python suite in Tests/documents builds its own with `cryptography`).
@Suite struct DocumentVerifierTests {
    let now = Date()
    let today = try! CalendarDate(iso8601: "2026-11-25")

    func holder(birth: String = "1990-01-01", expiry: String = "2031-01-01") throws -> DevDocumentFactory.Holder {
        DevDocumentFactory.Holder(
            birthDate: try CalendarDate(iso8601: birth), personalNumber: "110101199001011234",
            expiryDate: try CalendarDate(iso8601: expiry))
    }

    func verifier(_ csca: DevDocumentFactory.CSCA, crls: [CertificateRevocationList] = []) -> DocumentVerifier {
        DocumentVerifier(trustStore: TrustStore(cscas: [csca.certificate], crls: crls))
    }

    @Test(arguments: [false, true])
    func aGenuineDocumentPassesPassiveAndActiveAuthentication(rsa: Bool) throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, rsa: rsa, at: now)
        let challenge = (0..<8).map { _ in UInt8.random(in: 0...255) }
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        let verified = try verifier(csca).verify(
            document.chip, challenge: challenge, activeAuthenticationSignature: answer, at: now, today: today)
        #expect(verified.passiveAuthentication && verified.activeAuthentication)
        #expect(verified.dataGroups == [1, 2, 15])
        #expect(verified.ageBand == .adult)
        #expect(verified.mrz.documentNumber == "E12345678")
        #expect(verified.faceImage == document.chip.dg2)
    }

    @Test func withoutAChallengeOnlyPassiveAuthenticationIsReported() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        let verified = try verifier(csca).verify(document.chip, at: now, today: today)
        #expect(verified.passiveAuthentication && !verified.activeAuthentication)
    }

    @Test func aTamperedDataGroupFailsItsHash() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        // Another holder's DG1 (check digits intact) under this document's SOD.
        let other = try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                surname: "LI", birthDate: try CalendarDate(iso8601: "1990-01-01"),
                expiryDate: try CalendarDate(iso8601: "2031-01-01")), csca: csca, at: now)
        var chip = document.chip
        chip.dg1 = other.chip.dg1
        #expect(throws: DocumentError.dataGroupHashMismatch) { try verifier(csca).verify(chip, at: now, today: today) }
        var face = document.chip
        face.dg2![face.dg2!.count - 3] ^= 0x01
        #expect(throws: DocumentError.dataGroupHashMismatch) { try verifier(csca).verify(face, at: now, today: today) }
    }

    @Test func aDifferentCSCAIsNotTrusted() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let stranger = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        #expect(throws: DocumentError.untrustedCSCA) { try verifier(stranger).verify(document.chip, at: now, today: today) }
        #expect(throws: DocumentError.untrustedCSCA) {
            try DocumentVerifier(trustStore: TrustStore()).verify(document.chip, at: now, today: today)
        }
    }

    @Test func aTamperedSecurityObjectFailsTheSignature() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        // Flip the last byte of the DG15 hash inside the signed LDS Security Object.
        var chip = document.chip
        let digest = Array(SHA256.hash(data: chip.dg15!))
        let index = try #require(chip.sod.firstRange(of: digest)).upperBound - 1
        chip.sod[index] ^= 0x01
        #expect(throws: DocumentError.badDSCSignature) { try verifier(csca).verify(chip, at: now, today: today) }
    }

    @Test func expiryOfTheDocumentAndTheSignerAreEnforced() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let expired = try DevDocumentFactory.make(holder: try holder(expiry: "2026-11-24"), csca: csca, at: now)
        #expect(throws: DocumentError.documentExpired) { try verifier(csca).verify(expired.chip, at: now, today: today) }
        let lastDay = try DevDocumentFactory.make(holder: try holder(expiry: "2026-11-25"), csca: csca, at: now)
        #expect((try? verifier(csca).verify(lastDay.chip, at: now, today: today)) != nil)
        // The DSC is valid for 11 years from creation: verifying 12 years later fails.
        let valid = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        #expect(throws: DocumentError.dscExpired) {
            try verifier(csca).verify(valid.chip, at: now.addingTimeInterval(12 * 365 * 86_400), today: today)
        }
    }

    @Test func activeAuthenticationCatchesAClone() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        let clone = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        // Signed by a different chip key.
        let wrongKey = try DevDocumentFactory.signChallenge(challenge, keyPEM: clone.activeAuthenticationKeyPEM)
        #expect(throws: DocumentError.activeAuthenticationFailed) {
            try verifier(csca).verify(
                document.chip, challenge: challenge, activeAuthenticationSignature: wrongKey, at: now, today: today)
        }
        // A replayed answer to another challenge.
        let old = try DevDocumentFactory.signChallenge([9, 9, 9, 9, 9, 9, 9, 9], keyPEM: document.activeAuthenticationKeyPEM)
        #expect(throws: DocumentError.activeAuthenticationFailed) {
            try verifier(csca).verify(document.chip, challenge: challenge, activeAuthenticationSignature: old, at: now, today: today)
        }
        // No DG15 at all.
        var noKey = document.chip
        noKey.dg15 = nil
        #expect(throws: DocumentError.activeAuthenticationFailed) {
            try verifier(csca).verify(noKey, challenge: challenge, activeAuthenticationSignature: old, at: now, today: today)
        }
    }

    @Test func rsaActiveAuthenticationFollowsISO9796Scheme1() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, rsa: true, at: now)
        let challenge: [UInt8] = [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]
        var answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        #expect(answer.count == 256)
        #expect((try? verifier(csca).verify(document.chip, challenge: challenge, activeAuthenticationSignature: answer, at: now, today: today)) != nil)
        answer[100] ^= 0x40
        #expect(throws: DocumentError.activeAuthenticationFailed) {
            try verifier(csca).verify(document.chip, challenge: challenge, activeAuthenticationSignature: answer, at: now, today: today)
        }
    }

    @Test func garbageIsUnparseable() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let document = try DevDocumentFactory.make(holder: try holder(), csca: csca, at: now)
        var truncated = document.chip
        truncated.sod = Array(truncated.sod.prefix(100))
        #expect(throws: DocumentError.unparseable) { try verifier(csca).verify(truncated, at: now, today: today) }
        var wrongTag = document.chip
        wrongTag.dg1[0] = 0x62
        #expect(throws: DocumentError.unparseable) { try verifier(csca).verify(wrongTag, at: now, today: today) }
    }

    @Test func minorsGetTheirAgeBand() throws {
        let csca = try DevDocumentFactory.CSCA.make(at: now)
        let teen = try DevDocumentFactory.make(holder: try holder(birth: "2010-06-01"), csca: csca, at: now)
        #expect(try verifier(csca).verify(teen.chip, at: now, today: today).ageBand == .from14To17)
        let child = try DevDocumentFactory.make(holder: try holder(birth: "2016-06-01"), csca: csca, at: now)
        #expect(try verifier(csca).verify(child.chip, at: now, today: today).ageBand == .under14)
    }
}

/// Review finding 5: a state signs its own documents.
@Suite struct IssuingStateTests {
    @Test func aCSCAOfAnotherCountryCannotVouchForTheDocument() throws {
        let now = Date()
        let today = try CalendarDate(iso8601: "2026-11-25")
        let holder = DevDocumentFactory.Holder(
            birthDate: try CalendarDate(iso8601: "1990-01-01"), nationality: "UTO", expiryDate: try CalendarDate(iso8601: "2031-01-01"))
        for (country, accepted) in [("CHN", false), ("UTO", true)] {
            let csca = try DevDocumentFactory.CSCA.make(country: country, at: now)
            let document = try DevDocumentFactory.make(holder: holder, csca: csca, at: now)
            let verifier = DocumentVerifier(trustStore: TrustStore(cscas: [csca.certificate]))
            if accepted {
                #expect(try verifier.verify(document.chip, at: now, today: today).mrz.issuingState == "UTO")
            } else {
                #expect(throws: DocumentError.issuingStateMismatch("")) { try verifier.verify(document.chip, at: now, today: today) }
            }
        }
        #expect(IssuingState.country(ofIssuingState: "D<<") == "DE" && IssuingState.country(ofIssuingState: "CHN") == "CN")
        #expect(IssuingState.country(ofIssuingState: "UNO") == nil && IssuingState.country(ofIssuingState: "XXA") == nil)
    }
}
