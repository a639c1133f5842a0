/// The JSON bodies of the enrollment API (docs/enrollment.md), exactly as on the wire.
///
/// Kept apart from the public result types so that a wire rename touches only this file.
enum EnrollmentWire {
    /// `POST /sessions` body: `{}`, `{"guardian": JWS}`, `{"purpose": "replace"}`,
    /// `{"purpose": "phone-change", "wallet": JWS}`.
    struct StartRequest: Encodable {
        let guardian: String?
        let purpose: String?
        let wallet: String?
    }

    /// `POST /sessions` answer.
    struct StartAnswer: Decodable {
        let sessionID: String
        let aaChallenge: String
        let expiresAt: String
        let state: String

        enum CodingKeys: String, CodingKey {
            case sessionID = "session_id"
            case aaChallenge = "aa_challenge"
            case expiresAt = "expires_at"
            case state
        }
    }

    /// `POST /sessions/{id}/document` body; binary fields base64url without padding.
    struct DocumentRequest: Encodable {
        let dg1: String
        let dg2: String?
        let dg15: String?
        let sod: String
        let aaSignature: String?

        enum CodingKeys: String, CodingKey {
            case dg1, dg2, dg15, sod
            case aaSignature = "aa_signature"
        }
    }

    /// The answer of the document, phone, confirm and face steps.
    struct StepAnswer: Decodable {
        let state: String
        let next: String?
        let ageBand: String?
        let documentExpires: String?
        let codeExpiresAt: String?

        enum CodingKeys: String, CodingKey {
            case state, next
            case ageBand = "age_band"
            case documentExpires = "document_expires"
            case codeExpiresAt = "code_expires_at"
        }
    }

    /// `POST /sessions/{id}/phone` body.
    struct PhoneRequest: Encodable {
        let phone: String
    }

    /// `POST /sessions/{id}/phone/confirm` body.
    struct ConfirmRequest: Encodable {
        let code: String
    }

    /// `POST /sessions/{id}/face` body.
    struct FaceRequest: Encodable {
        let image: String
    }

    /// `POST /sessions/{id}/complete` body.
    struct CompleteRequest: Encodable {
        let csr: String
    }

    /// `POST /sessions/{id}/complete` answer.
    struct IssuedAnswer: Decodable {
        let networkNumber: String
        let assuranceLevel: String
        let certificate: String
        let chain: String

        enum CodingKeys: String, CodingKey {
            case networkNumber = "network_number"
            case assuranceLevel = "assurance_level"
            case certificate, chain
        }
    }

    /// `POST /sessions/{id}/guardian-approval` body.
    struct ApprovalRequest: Encodable {
        let approval: String
    }

    /// An RFC 9457 problem document.
    struct ProblemDocument: Decodable {
        let type: String?
        let title: String?
        let status: Int?
        let detail: String?
    }
}
