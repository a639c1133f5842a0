import CyberIDBase64URL
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDStore
import CyberIDVault
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Request bodies of the enrollment API (snake_case JSON; binary fields base64url).
enum EnrollmentRequest {
    struct Start: Decodable {
        var guardian: String?
        /// `enroll` (default), `replace` (a lost device) or `phone-change`.
        var purpose: String?
        /// For `phone-change`: the holder's wallet JWS (purpose `phone-change`).
        var wallet: String?
    }
    struct Document: Decodable {
        var dg1: String
        var dg2: String?
        var dg15: String?
        var sod: String
        var aaSignature: String
    }
    struct Phone: Decodable { var phone: String }
    struct Code: Decodable { var code: String }
    struct Face: Decodable { var image: String }
    struct Complete: Decodable { var csr: String }
    struct GuardianApproval: Decodable { var approval: String }
}

extension Router where Context == AppRequestContext {
    /// The enrollment API (docs/enrollment.md).
    func addEnrollmentRoutes(service: EnrollmentService) {
        let group = group("enrollment/v1/sessions")
        group.post { request, context in
            let body = try await Self.decode(EnrollmentRequest.Start.self, request, context, allowEmpty: true)
            guard let purpose = EnrollmentSessionRecord.Purpose(rawValue: body?.purpose ?? "enroll") else {
                throw Problem.malformedRequest("purpose must be enroll, replace, phone-change, document-change or password-reset")
            }
            return try Self.json(
                try await service.start(guardianJWS: body?.guardian, purpose: purpose, walletJWS: body?.wallet), status: .created)
        }
        group.post(":id/document") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.Document.self, request, context) else { throw Self.emptyBody() }
            let chip = ChipData(
                dg1: try Self.bytes(body.dg1, "dg1"), dg2: try body.dg2.map { try Self.bytes($0, "dg2") },
                dg15: try body.dg15.map { try Self.bytes($0, "dg15") }, sod: try Self.bytes(body.sod, "sod"))
            return try Self.json(
                try await service.presentDocument(sessionID: id, chip: chip, aaSignature: try Self.bytes(body.aaSignature, "aa_signature")))
        }
        group.post(":id/guardian-approval") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.GuardianApproval.self, request, context) else { throw Self.emptyBody() }
            return try Self.json(try await service.approveAsGuardian(sessionID: id, approvalJWS: body.approval))
        }
        group.post(":id/phone") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.Phone.self, request, context) else { throw Self.emptyBody() }
            return try Self.json(try await service.sendPhoneCode(sessionID: id, phone: body.phone), status: .accepted)
        }
        group.post(":id/phone/confirm") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.Code.self, request, context) else { throw Self.emptyBody() }
            return try Self.json(try await service.confirmPhone(sessionID: id, code: body.code))
        }
        group.post(":id/face") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.Face.self, request, context) else { throw Self.emptyBody() }
            return try Self.json(try await service.submitFace(sessionID: id, image: try Self.bytes(body.image, "image")))
        }
        group.post(":id/complete") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(EnrollmentRequest.Complete.self, request, context) else { throw Self.emptyBody() }
            let csr = body.csr.contains("-----BEGIN") ? Array(body.csr.utf8) : try Self.bytes(body.csr, "csr")
            return try Self.json(try await service.complete(sessionID: id, csr: csr), status: .created)
        }

    }

    /// The CA certificates and the CRL of network certificates under `/pki`.
    func addPKIRoutes(authority: CertificateAuthority, revocations: any CertificateRevocationStore) {
        let rootPEM = (try? CertificateAuthority.pem(authority.root)) ?? ""
        let issuingPEM = (try? CertificateAuthority.pem(authority.issuing)) ?? ""
        get("pki/root.pem") { _, _ in Self.pem(rootPEM) }
        get("pki/issuing.pem") { _, _ in Self.pem(issuingPEM) }
        // Signed once, served until something is revoked or expires (IssuingCRL).
        let crl = IssuingCRL(authority: authority, store: revocations)
        get("pki/issuing.crl") { _, _ in
            let der = try await crl.der()
            return Response(
                status: .ok, headers: [.contentType: "application/pkix-crl", .cacheControl: "max-age=60"],
                body: .init(byteBuffer: ByteBuffer(bytes: der)))
        }
    }

    private static func pem(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/x-pem-file", .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func emptyBody() -> Problem {
        Problem.malformedRequest("a JSON body is required")
    }

    /// Decodes a snake_case JSON body within the body limit; `nil` for an empty body.
    static func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: Context, allowEmpty: Bool = false
    ) async throws -> T? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return nil }
        do {
            return try JSONDecoder.enrollment.decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem.malformedRequest("missing field \(key.stringValue.snakeCased)")
        } catch {
            throw Problem.malformedRequest("the body is not the JSON this endpoint expects")
        }
    }

    private static func bytes(_ text: String, _ field: String) throws -> [UInt8] {
        guard let bytes = Base64URL.decode(text) else {
            throw Problem.malformedRequest("\(field) must be base64url")
        }
        return bytes
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.enrollment.encode(value))))
    }
}

extension String {
    /// `aaSignature` → `aa_signature`, for error messages that name wire fields.
    fileprivate var snakeCased: String {
        var out = ""
        for character in self {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}
