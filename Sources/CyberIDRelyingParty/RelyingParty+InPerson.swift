public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

extension RelyingParty {
    /// What an in-person verification code told the verifier (docs/in-person.md).
    public struct CodeVerification: Sendable, Decodable, Equatable {
        /// This platform's pairwise identifier of the person: the same `sub` as its logins.
        public var sub: String
        public var verified: Bool
        /// The person's assurance level.
        public var acr: String
        public var amr: [String]?
        /// Present only when the person chose to disclose their age.
        public var ageOver14: Bool?
        public var ageOver18: Bool?
        /// Present only when the person chose to and the platform has a registered legal basis.
        public var name: String?
        public var birthdate: String?

        enum CodingKeys: String, CodingKey {
            case sub, verified, acr, amr, ageOver14 = "age_over_14", ageOver18 = "age_over_18", name, birthdate
        }
    }

    /// Verifies a person's in-person code (the typed form or the QR code's content) once, as
    /// this registered platform (`POST /rp/v1/codes/verify`, authenticated as at the token
    /// endpoint).
    /// - Throws: ``RelyingPartyError`` whose ``RelyingPartyError/problem`` says why a code was
    ///   refused: `unknown-code`, `code-expired`, `code-used`, `person-not-active`.
    public func verifyCode(_ code: String) async throws -> CodeVerification {
        var form = [("code", code)]
        var headers = HTTPHeaders()
        try await authenticate(&form, &headers)
        var request = HTTPClientRequest(url: metadata.issuer + "/rp/v1/codes/verify")
        request.method = .POST
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json, application/problem+json")
        request.headers = headers
        request.body = .bytes(ByteBuffer(string: Self.form(form)))
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            let type = object["type"] as? String
            let problem = type.flatMap { $0.hasPrefix("urn:cyberid:problem:") ? String($0.dropFirst(20)) : nil }
            let detail = object["detail"] as? String ?? object["error_description"] as? String ?? object["error"] as? String
            throw RelyingPartyError(
                "the code was refused (\(response.status.code) \(problem ?? object["error"] as? String ?? "?")): \(detail ?? "")",
                problem: problem ?? object["error"] as? String)
        }
        guard let verification = try? JSONDecoder().decode(CodeVerification.self, from: body) else {
            throw RelyingPartyError("the code verification answer does not parse")
        }
        return verification
    }
}
