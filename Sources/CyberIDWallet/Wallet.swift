import Crypto
public import Foundation

/// An enrolled wallet, loaded from its ``WalletFile``: it can prove possession of its network
/// certificate by signing wallet JWSs (docs/enrollment.md §7).
public struct Wallet: Sendable {
    /// The JWS `purpose` values the service knows.
    public enum Purpose: Sendable {
        /// A guardian starts an enrollment session for a child under 14.
        public static let guardianStart = "guardian-start"
        /// A guardian approves the session of a 14–17-year-old.
        public static let guardianApproval = "guardian-approval"
        /// The holder starts binding a new phone number (docs/lifecycle.md).
        public static let phoneChange = "phone-change"
        /// The holder starts moving their number to a new document (a renewed passport).
        public static let documentChange = "document-change"
        /// The holder starts resetting their network-identity password (chip + bound phone).
        public static let passwordReset = "password-reset"
    }

    /// What the wallet persisted.
    public let file: WalletFile
    /// The wallet key, read from ``WalletFile/privateKeyPEM``.
    public let key: WalletKey
    /// The network certificate, read from ``WalletFile/certificatePEM``.
    public let certificate: NetworkCertificate

    /// Opens a wallet file.
    /// - Throws: ``WalletError/invalidKey`` or ``WalletError/invalidCertificate`` when the file's
    ///   key or certificate do not parse or do not belong together.
    public init(file: WalletFile) throws {
        let key = try WalletKey(pemRepresentation: file.privateKeyPEM)
        let certificate = try NetworkCertificate(pemEncoded: file.certificatePEM)
        guard certificate.subjectPublicKeyInfo == Array(key.publicKey.derRepresentation) else {
            throw WalletError.invalidCertificate("the wallet's certificate is not for the wallet's key")
        }
        self.file = file
        self.key = key
        self.certificate = certificate
    }

    /// The `aud` the service expects: its issuer followed by `/enrollment`. The issuer is taken to
    /// be the server base URL without a trailing slash.
    public var defaultAudience: String {
        var issuer = file.server
        while issuer.hasSuffix("/") { issuer.removeLast() }
        return issuer + "/enrollment"
    }

    /// Signs a wallet JWS for the enrollment service (a guardian's start or approval).
    /// - Parameters:
    ///   - purpose: ``Purpose/guardianStart`` or ``Purpose/guardianApproval``.
    ///   - sessionID: the teenager's session, for approvals; `nil` to leave `session_id` out.
    ///   - audience: `aud`; `nil` for ``defaultAudience``.
    ///   - now: the signing time (`iat`); the service accepts five minutes of skew.
    /// - Returns: the compact JWS.
    public func sign(purpose: String, sessionID: String? = nil, audience: String? = nil, now: Date = Date()) throws
        -> String
    {
        let claims = Claims(
            aud: audience ?? defaultAudience, iat: Int(now.timeIntervalSince1970), purpose: purpose,
            sessionID: sessionID)
        return try WalletSignature(key: key, certificateDER: certificate.derEncoded).sign(claims)
    }

    /// The JWS payload of docs §7.
    private struct Claims: Encodable {
        let aud: String
        let iat: Int
        let purpose: String
        let sessionID: String?

        enum CodingKeys: String, CodingKey {
            case aud, iat, purpose
            case sessionID = "session_id"
        }
    }
}
