import Crypto
import CyberIDWallet
import Foundation
import SwiftASN1
import Testing
import X509

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct EnrollmentTests {
    /// Hands out codes in order.
    actor Codes {
        private var codes: [String]
        private(set) var asked = 0

        init(_ codes: [String]) { self.codes = codes }

        func next() -> String {
            asked += 1
            return codes.removeFirst()
        }
    }

    static let sessionID = "c2Vzc2lvbi0x"
    static let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

    /// A fake service following docs/enrollment.md, issuing a real certificate for the CSR.
    static func service(chipKey: P256.Signing.PublicKey, faceCheck: Bool) -> StubURLProtocol.Handler {
        let issuerKey = P256.Signing.PrivateKey()
        let sessionID = EnrollmentTests.sessionID
        let challenge = EnrollmentTests.challenge
        return { path, body in
            let prefix = "/enrollment/v1/sessions/\(sessionID)"
            var fields: [String: String] = [:]
            if !body.isEmpty {
                fields = try JSONDecoder().decode([String: String].self, from: Data(body))
            }
            switch path {
            case "/enrollment/v1/sessions":
                return .json(
                    201,
                    #"{"session_id":"\#(sessionID)","aa_challenge":"AQIDBAUGBwg","expires_at":"2026-11-25T10:10:00Z","state":"started"}"#
                )
            case prefix + "/document":
                guard let encoded = fields["aa_signature"], let raw = TestSupport.base64URLDecode(encoded),
                    let signature = try? P256.Signing.ECDSASignature(rawRepresentation: raw),
                    chipKey.isValidSignature(signature, for: challenge)
                else { return .problem("active-authentication-failed", 422, "") }
                guard fields["dg1"] == "YQH7", fields["dg15"] == "bwH_", fields["sod"] == "dwA" else {
                    return .problem("unparseable-document", 422, "\(fields)")
                }
                return .json(
                    200,
                    #"{"state":"document_verified","age_band":"18_plus","document_expires":"2031-01-01","next":"phone"}"#
                )
            case prefix + "/phone":
                guard fields["phone"] == "+8613800000000" else { return .problem("invalid-phone", 422, "") }
                return .json(202, #"{"state":"phone_code_sent","code_expires_at":"2026-11-25T10:05:00Z"}"#)
            case prefix + "/phone/confirm":
                guard fields["code"] == "123456" else { return .problem("wrong-code", 422, "4") }
                let next = faceCheck ? "face" : "complete"
                return .json(200, #"{"state":"phone_confirmed","next":"\#(next)"}"#)
            case prefix + "/face":
                guard fields["image"] == "_9g" else { return .problem("face-mismatch", 422, "") }
                return .json(200, #"{"state":"face_matched","next":"complete"}"#)
            case prefix + "/complete":
                let csr = try CertificateSigningRequest(pemEncoded: fields["csr"] ?? "")
                guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
                    return .problem("invalid-csr", 422, "")
                }
                let certificate = try TestSupport.certificateDER(
                    for: csr.publicKey, notValidAfter: Date(timeIntervalSince1970: 1_900_000_000), issuerKey: issuerKey)
                let chain = try TestSupport.certificateDER(for: issuerKey.publicKey, issuerKey: issuerKey)
                let answer = [
                    "network_number": "ABCD-EFGH-JKMN-PQRS-T",
                    "assurance_level": "substantial",
                    "certificate": TestSupport.pem(certificate),
                    "chain": TestSupport.pem(chain),
                ]
                return StubURLProtocol.Answer(
                    status: 201, contentType: "application/json", body: Array(try JSONEncoder().encode(answer)))
            default:
                return .problem("not-found", 404, path)
            }
        }
    }

    @Test func enrollsEndToEndAndRetriesAWrongCode() async throws {
        let chipKey = P256.Signing.PrivateKey()
        let (baseURL, session) = StubURLProtocol.register(Self.service(chipKey: chipKey.publicKey, faceCheck: false))
        let enrollment = Enrollment(client: EnrollmentClient(baseURL: baseURL, urlSession: session))
        let codes = Codes(["000000", "123456"])
        let file = try await enrollment.enroll(
            chip: FakeChip(activeAuthenticationKey: chipKey), phone: "+8613800000000",
            code: { await codes.next() }, faceImage: nil, guardianJWS: nil)
        #expect(await codes.asked == 2)
        #expect(file.networkNumber == "ABCD-EFGH-JKMN-PQRS-T")
        #expect(file.assuranceLevel == "substantial")
        #expect(file.server == baseURL.absoluteString)
        #expect(file.certificateNotAfter == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(try NetworkCertificate.chain(pemEncoded: file.chainPEM).count == 1)

        // The wallet holds the key the certificate was issued for.
        let wallet = try Wallet(file: file)
        let certificate = try Certificate(pemEncoded: file.certificatePEM)
        #expect(certificate.publicKey == Certificate.PublicKey(wallet.key.publicKey))
    }

    @Test func takesTheFaceCheckWhenTheServiceAsks() async throws {
        let chipKey = P256.Signing.PrivateKey()
        let (baseURL, session) = StubURLProtocol.register(Self.service(chipKey: chipKey.publicKey, faceCheck: true))
        let enrollment = Enrollment(client: EnrollmentClient(baseURL: baseURL, urlSession: session))
        let file = try await enrollment.enroll(
            chip: FakeChip(activeAuthenticationKey: chipKey), phone: "+8613800000000",
            code: { "123456" }, faceImage: [0xFF, 0xD8], guardianJWS: nil)
        #expect(file.networkNumber == "ABCD-EFGH-JKMN-PQRS-T")
    }

    @Test func stopsWhenTheServiceAsksForAFaceAndThereIsNone() async throws {
        let chipKey = P256.Signing.PrivateKey()
        let (baseURL, session) = StubURLProtocol.register(Self.service(chipKey: chipKey.publicKey, faceCheck: true))
        let enrollment = Enrollment(client: EnrollmentClient(baseURL: baseURL, urlSession: session))
        await #expect(throws: WalletError.faceImageRequired) {
            try await enrollment.enroll(
                chip: FakeChip(activeAuthenticationKey: chipKey), phone: "+8613800000000",
                code: { "123456" }, faceImage: nil, guardianJWS: nil)
        }
    }

    @Test func aChipThatFailsActiveAuthenticationIsRefusedByTheService() async throws {
        let (baseURL, session) = StubURLProtocol.register(
            Self.service(chipKey: P256.Signing.PrivateKey().publicKey, faceCheck: false))
        let enrollment = Enrollment(client: EnrollmentClient(baseURL: baseURL, urlSession: session))
        await #expect(throws: WalletError.problem(code: "active-authentication-failed", status: 422, detail: nil)) {
            try await enrollment.enroll(
                chip: FakeChip(activeAuthenticationKey: P256.Signing.PrivateKey()), phone: "+8613800000000",
                code: { "123456" }, faceImage: nil, guardianJWS: nil)
        }
    }

    @Test func givesUpAfterTooManyWrongCodes() async throws {
        let chipKey = P256.Signing.PrivateKey()
        let (baseURL, session) = StubURLProtocol.register(Self.service(chipKey: chipKey.publicKey, faceCheck: false))
        let enrollment = Enrollment(client: EnrollmentClient(baseURL: baseURL, urlSession: session))
        let codes = Codes(Array(repeating: "000000", count: 10))
        await #expect(throws: WalletError.problem(code: "wrong-code", status: 422, detail: nil)) {
            try await enrollment.enroll(
                chip: FakeChip(activeAuthenticationKey: chipKey), phone: "+8613800000000",
                code: { await codes.next() }, faceImage: nil, guardianJWS: nil)
        }
        #expect(await codes.asked == Enrollment.codeAttempts)
    }
}
