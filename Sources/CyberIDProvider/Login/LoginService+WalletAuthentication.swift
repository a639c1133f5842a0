import Crypto
import CyberIDCore
import CyberIDIssuance
public import CyberIDStore
public import Foundation

/// The payload of a wallet's own request (`Authorization: CyberID-Wallet <JWS>`).
struct WalletRequestPayload: WalletTokenPayload {
    var aud: String?
    var purpose: String?
    var iat: Double?
    /// The HTTP method and path the JWS is for (as DPoP's `htm`/`htu`).
    var htm: String?
    var htu: String?
    /// The base64url SHA-256 of the request body.
    var bdh: String?
    /// A random identifier: a request is accepted once.
    var jti: String?
}

extension LoginService {
    /// Authenticates a wallet's own request (`Authorization: CyberID-Wallet <JWS>`): the JWS
    /// binds the method and path (and a request body by its SHA-256, `bdh`), is fresh, is used
    /// once (`jti`), and is signed by a valid network certificate whose holder is not cancelled.
    /// - Parameter body: the request body, for requests that have one; the JWS must bind it.
    /// - Returns: the holder.
    /// - Throws: ``ProviderError`` `invalid-wallet-signature`.
    public func authenticateWallet(
        _ authorization: String?, method: String, path: String, body: [UInt8]? = nil, now: Date = Date()
    ) async throws -> LoginHolder {
        try await authenticateWalletRequest(authorization, method: method, path: path, body: body, now: now).holder
    }

    /// ``authenticateWallet(_:method:path:body:now:)``, with the request's single-use `jti`
    /// (a chip-proved request's challenge binds it: ``chipChallengeBytes(_:purpose:jti:personID:now:)``).
    /// - Parameter lifecycle: the request is the holder's own lifecycle change, the one request a
    ///   suspended holder's wallet may still make (everything else answers `person-not-active`:
    ///   a suspension says the phone may be in someone else's hands).
    /// - Parameter renewal: the request is a renewal, which a revoked certificate may sign to
    ///   fetch a lost answer again (`RenewalService` answers it only for the key that renewal
    ///   certified); the returned holder's `certificateStatus` says which it is.
    public func authenticateWalletRequest(
        _ authorization: String?, method: String, path: String, body: [UInt8]? = nil, lifecycle: Bool = false,
        renewal: Bool = false, now: Date = Date()
    ) async throws -> (holder: LoginHolder, jti: String) {
        let prefix = "CyberID-Wallet "
        guard let authorization, authorization.hasPrefix(prefix) else {
            throw ProviderError.invalidWalletSignature("send Authorization: CyberID-Wallet <JWS>")
        }
        let token: WalletToken<WalletRequestPayload>
        do {
            token = try WalletToken(
                compact: String(authorization.dropFirst(prefix.count)), authority: authority, issuedCache: issuedCertificates,
                now: now)
            try token.check(audience: issuer, purpose: "wallet-api", now: now, skew: configuration.approvalSkew)
        } catch {
            throw ProviderError.invalidWalletSignature(error.reason)
        }
        let payload = token.payload
        guard payload.htm?.uppercased() == method.uppercased(), payload.htu == path else {
            throw ProviderError.invalidWalletSignature("the JWS is not for this request (htm, htu)")
        }
        if let body, !body.isEmpty {
            guard isSHA256(payload.bdh, of: body) else {
                throw ProviderError.invalidWalletSignature("the JWS does not bind this request body (bdh)")
            }
        }
        guard let holder = try await store.loginHolder(certificateSerial: token.serial, clientID: ""),
            holder.certificateStatus == .valid || (renewal && holder.personState == .active),
            holder.personState != .cancelled
        else { throw ProviderError.revokedCertificate() }
        guard lifecycle || holder.personState != .suspended else { throw ProviderError.walletSuspended() }
        // Single use: remembered per certificate until the token could no longer be fresh.
        guard let jti = payload.jti, !jti.isEmpty, jti.utf8.count <= 128,
            try await store.useClientAssertion(
                clientID: "wallet:" + token.serial, jti: jti,
                expiresAt: now.addingTimeInterval(configuration.approvalSkew + 60))
        else {
            // A revoked certificate (a renewal asked again) is told no more than on any refusal.
            if holder.certificateStatus != .valid { throw ProviderError.revokedCertificate() }
            throw ProviderError.invalidWalletSignature("the JWS needs a jti and is accepted once")
        }
        return (holder, jti)
    }

    /// Re-proves the holder of a wallet request with their document's chip over `challenge`
    /// (``chipChallengeBytes(_:purpose:jti:personID:now:)``).
    /// - Throws: ``ProviderError`` `document-check-unavailable`, or the chip check's error.
    public func reproveForPassword(_ document: PresentedDocument, challenge: [UInt8], personID: String, now: Date = Date())
        async throws
    {
        guard let documentReproof else { throw ProviderError.documentCheckUnavailable() }
        try await documentReproof(document, challenge, personID, now)
    }
}
