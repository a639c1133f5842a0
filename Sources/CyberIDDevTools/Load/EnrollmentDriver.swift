import CyberIDBase64URL
import CyberIDCore
import CyberIDDocuments
public import Crypto
public import Foundation
import SwiftASN1
import X509

/// Drives one complete enrollment over HTTP, as a wallet would: start, document (with the chip's
/// active-authentication answer), phone code from the development outbox, CSR.
public enum EnrollmentDriver {
    /// Enrolls `document` with `phone`.
    /// - Returns: the wallet key and the completion answer (JSON).
    @discardableResult
    public static func enroll(
        _ document: DevDocumentFactory.Document, phone: String, client: LoadClient, codes: OutboxReader
    ) async throws -> (P256.Signing.PrivateKey, [String: Any]) {
        let started = try await client.post("/enrollment/v1/sessions", [:], expect: 201)
        guard let id = started["session_id"] as? String, let challengeText = started["aa_challenge"] as? String,
            let challenge = Base64URL.decode(challengeText)
        else { throw LoadError("bad start answer") }
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        _ = try await client.post(
            "/enrollment/v1/sessions/\(id)/document",
            [
                "dg1": Base64URL.encode(document.chip.dg1), "dg2": Base64URL.encode(document.chip.dg2 ?? []),
                "dg15": Base64URL.encode(document.chip.dg15 ?? []), "sod": Base64URL.encode(document.chip.sod),
                "aa_signature": Base64URL.encode(answer),
            ], expect: 200)
        _ = try await client.post("/enrollment/v1/sessions/\(id)/phone", ["phone": phone], expect: 202)
        let code = try await codes.code(for: phone)
        _ = try await client.post("/enrollment/v1/sessions/\(id)/phone/confirm", ["code": code], expect: 200)
        let key = P256.Signing.PrivateKey()
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("bench wallet") }, privateKey: .init(key),
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        let issued = try await client.post(
            "/enrollment/v1/sessions/\(id)/complete", ["csr": try csr.serializeAsPEM().pemString], expect: 201)
        return (key, issued)
    }

    /// Test documents for `count` distinct adults, signed by the CSCA kept in `directory`.
    public static func documents(count: Int, prefix: String, directory: String) throws -> [DevDocumentFactory.Document] {
        let csca = try DevDocumentFactory.CSCA.loadOrMake(directory: URL(fileURLWithPath: directory))
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36).uppercased()
        return try (0..<count).map { index in
            try DevDocumentFactory.make(
                holder: DevDocumentFactory.Holder(
                    // Distinct persons: another document of the same names and birth date would
                    // be a possible duplicate of the first.
                    givenNames: "LOAD " + letters("\(runID.prefix(4))\(index)"), birthDate: try CalendarDate(iso8601: "1985-05-05"),
                    documentNumber: "\(prefix)\(runID.prefix(4))\(index)", expiryDate: try CalendarDate(iso8601: "2033-01-01")),
                csca: csca)
        }
    }
}

/// Upper-case letters for an MRZ name: digits become A–J.
func letters(_ text: String) -> String {
    String(text.uppercased().unicodeScalars.map { scalar in
        ("0"..."9").contains(Character(scalar)) ? Character(UnicodeScalar(scalar.value - 48 + 65)!) : Character(scalar)
    })
}
