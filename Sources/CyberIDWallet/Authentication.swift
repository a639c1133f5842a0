import Crypto
import Foundation

/// A code the wallet made for a verifier in person (`POST /wallet/v1/codes`): show ``qr`` as a
/// QR code and ``code`` as text; it works once, until ``expiresAt`` (a minute by default).
public struct InPersonCode: Sendable, Codable, Equatable {
    /// The typed form, `XXXXX-XXXXX`.
    public var code: String
    /// The QR code's content, `CYBERID:XXXXXXXXXX`.
    public var qr: String
    /// What the verifier will learn besides the confirmation (`age`, `name`).
    public var disclose: [String]
    /// When it stops working (RFC 3339).
    public var expiresAt: String

    enum CodingKeys: String, CodingKey {
        case code, qr, disclose, expiresAt = "expires_at"
    }
}

/// Whether the holder has a network-identity password, and whether it is locked.
public struct PasswordStatus: Sendable, Codable, Equatable {
    public var set: Bool
    public var locked: Bool
}

extension LoginClient {
    /// Whether the holder's network-identity password is set and whether it is locked.
    public func passwordStatus(wallet: Wallet) async throws -> PasswordStatus {
        let path = "/wallet/v1/password"
        let data = try await send(
            "password status", url: URL(string: baseURL + path), method: "GET", body: nil,
            authorization: try wallet.authorization(method: "GET", path: path))
        return try decode(PasswordStatus.self, data, "password status")
    }

    /// Sets the holder's first network-identity password (at least 6 digits, 8 recommended).
    /// - Parameter chip: needed more than a day after enrollment: the document's chip answers
    ///   the service's fresh challenge bound to this request's `jti` (``chipProof(_:purpose:wallet:jti:)``).
    public func setPassword(_ password: String, wallet: Wallet, chip: (any ChipReader)? = nil) async throws {
        try await postPassword(["password": password], wallet: wallet, chip: chip)
    }

    /// Changes the password, proven by the current one (a wrong one counts toward the lock).
    public func changePassword(current: String, new: String, wallet: Wallet) async throws {
        try await postPassword(["password": new, "current_password": current], wallet: wallet)
    }

    private func postPassword(_ fields: [String: String], wallet: Wallet, chip: (any ChipReader)? = nil) async throws {
        let path = "/wallet/v1/password"
        let jti = Wallet.randomID()
        var object: [String: Any] = fields
        if let chip {
            let proof = try await chipProof(chip, purpose: "cyberid password v2", wallet: wallet, jti: jti)
            (object["chip_challenge"], object["document"]) = (proof.challenge, proof.document)
        }
        let body = try JSONSerialization.data(withJSONObject: object)
        _ = try await send(
            "password", url: URL(string: baseURL + path), method: "POST", body: body,
            authorization: try wallet.authorization(method: "POST", path: path, body: body, jti: jti))
    }

    /// The chip's proof for a request made with `jti`: a fresh challenge from the service
    /// (`POST /wallet/v1/chip-challenge`, valid 2 minutes) and the document the chip read, its
    /// active-authentication signature over the first 8 bytes of SHA-256(`purpose` ‖ 0x00 ‖
    /// challenge ‖ 0x00 ‖ `jti`). A challenge of the service's, not one the wallet chose: a chip
    /// cannot have answered it before the request was being made.
    func chipProof(_ chip: any ChipReader, purpose: String, wallet: Wallet, jti: String) async throws
        -> (challenge: String, document: Any)
    {
        let path = "/wallet/v1/chip-challenge"
        let data = try await send(
            "chip challenge", url: URL(string: baseURL + path), method: "POST", body: nil,
            authorization: try wallet.authorization(method: "POST", path: path))
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let challenge = object["chip_challenge"] as? String
        else { throw WalletError.invalidResponse("the chip challenge answer has no chip_challenge") }
        var message = Array(purpose.utf8)
        message.append(0)
        message += Array(challenge.utf8)
        message.append(0)
        message += Array(jti.utf8)
        let files = try await chip.readFiles()
        let signature = try await chip.internalAuthenticate(challenge: Array(SHA256.hash(data: message).prefix(8)))
        return (challenge, ReverificationDocument(files: files, aaSignature: signature).json)
    }

    /// Makes an in-person verification code; the wallet's signature binds the choice.
    /// - Parameter disclose: `age` and/or `name` (empty: the confirmation only).
    public func makeCode(disclose: [String], wallet: Wallet) async throws -> InPersonCode {
        let path = "/wallet/v1/codes"
        let body = try JSONSerialization.data(withJSONObject: ["disclose": disclose])
        let data = try await send(
            "verification code", url: URL(string: baseURL + path), method: "POST", body: body,
            authorization: try wallet.authorization(method: "POST", path: path, body: body))
        return try decode(InPersonCode.self, data, "verification code")
    }
}

extension EnrollmentClient {
    /// Ends a `password-reset` session with the new password.
    public func resetPassword(session: String, password: String) async throws {
        _ = try await exchange("password reset", sessionPath(session, "password"), ["password": password])
    }
}

extension Enrollment {
    /// Resets a forgotten or locked network-identity password (issue 17): the current wallet
    /// signs the start, the document's chip and a code to the bound phone prove the holder (and
    /// a face image, when the service runs a face check); the new password replaces the old
    /// one and the lock is lifted.
    public func resetPassword(
        wallet: Wallet, chip: any ChipReader, phone: String, code: @Sendable () async throws -> String,
        faceImage: [UInt8]?, newPassword: String
    ) async throws {
        let session = try await prove(
            purpose: "password-reset", wallet: try wallet.sign(purpose: Wallet.Purpose.passwordReset), chip: chip,
            phone: phone, code: code, faceImage: faceImage, guardianJWS: nil, awaitGuardian: nil)
        try await client.resetPassword(session: session, password: newPassword)
    }
}
