import CyberIDBase64URL
public import CyberIDCore
import Crypto
public import Foundation
import SwiftASN1
import Synchronization
public import X509

/// The fields every wallet token's payload carries: who it is for, what it is for, and when it
/// was made.
public protocol WalletTokenPayload: Decodable, Sendable {
    /// The audience: the issuer, or `<issuer>/enrollment`.
    var aud: String? { get }
    /// The purpose (`login`, `wallet-api`, `guardian-start`, `guardian-approval`, `phone-change`).
    var purpose: String? { get }
    /// Issued at, in seconds since 1970.
    var iat: Double? { get }
}

/// A wallet's compact JWS (ES256, `typ: cyberid-wallet+jwt`, `x5c` = network certificate), with
/// its payload decoded as `Payload`: the one parser of every token a wallet signs — login
/// approvals, wallet-API requests, guardian and phone-change starts.
///
/// Construction checks everything that needs no database: the JWS shape and explicit type, the
/// certificate's issuer and validity, the signature, and the payload's shape. ``check(audience:purpose:now:skew:)``
/// checks the audience, purpose and freshness. What the holder may do (certificate status,
/// person state) is the caller's, who reads it together with other data.
public struct WalletToken<Payload: WalletTokenPayload>: Sendable {
    /// The network certificate from `x5c`.
    public let certificate: Certificate
    /// Its serial number, lower-case hex (the store's key).
    public let serial: String
    /// The decoded payload.
    public let payload: Payload

    /// Parses and checks `compact`.
    /// - Parameters:
    ///   - compact: the JWS.
    ///   - authority: the CA whose issuing certificate must have signed the network certificate.
    ///   - issuedCache: remembers certificates already checked against the CA.
    ///   - now: the time for the validity check.
    /// - Throws: ``IssuanceError`` `invalid-wallet-signature` with the reason.
    public init(
        compact: String, authority: CertificateAuthority, issuedCache: IssuedCertificateCache? = nil, now: Date
    ) throws(IssuanceError) {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
            let payloadBytes = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2])),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes))
        else { throw .invalidWalletSignature("not a compact JWS") }
        // Explicit typing (RFC 8725 §3.11): a JWS made for another purpose is never accepted here.
        guard header.typ == "cyberid-wallet+jwt" else {
            throw .invalidWalletSignature("the JWS type must be cyberid-wallet+jwt")
        }
        // RFC 7515 §4.1.11: a critical extension the recipient does not understand is refused;
        // this service understands none.
        guard header.crit == nil else {
            throw .invalidWalletSignature("the JWS names critical header parameters this service does not understand")
        }
        guard header.alg == "ES256", let leafText = header.x5c?.first, let leafDER = Data(base64Encoded: leafText)
        else { throw .invalidWalletSignature("the JWS must be ES256 with the network certificate in x5c") }
        let certificate = try Self.issuedCertificate(leafDER, authority: authority, cache: issuedCache)
        guard certificate.notValidBefore <= now, now <= certificate.notValidAfter else {
            throw .invalidWalletSignature("the certificate is not valid now")
        }
        guard let key = P256.Signing.PublicKey(certificate.publicKey),
            let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(ecdsa, for: Array(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)))
        else { throw .invalidWalletSignature("the signature does not verify") }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(payloadBytes)) else {
            throw .invalidWalletSignature("the JWS payload is not the expected JSON")
        }
        self.certificate = certificate
        self.serial = Hex.encode(certificate.serialNumber.bytes)
        self.payload = payload
    }

    /// Checks the audience, the purpose and the freshness (`iat` at most `skew` old and at most
    /// 30 s in the future).
    /// - Throws: ``IssuanceError`` `invalid-wallet-signature`.
    public func check(audience: String, purpose: String, now: Date, skew: TimeInterval) throws(IssuanceError) {
        guard payload.aud == audience, payload.purpose == purpose else {
            throw .invalidWalletSignature("the JWS is for another audience or purpose")
        }
        // Up to `skew` old (a slow network, a phone's clock), at most 30 s ahead: a token dated
        // in the future would stay usable longer than its window.
        guard let iat = payload.iat, now.timeIntervalSince1970 - iat <= skew, iat - now.timeIntervalSince1970 <= 30 else {
            throw .invalidWalletSignature("the JWS is not fresh (iat)")
        }
    }

    private static func issuedCertificate(
        _ der: Data, authority: CertificateAuthority, cache: IssuedCertificateCache?
    ) throws(IssuanceError) -> Certificate {
        if let cached = cache?.certificate(der: der) { return cached }
        guard let parsed = try? Certificate(derEncoded: Array(der)) else {
            throw .invalidWalletSignature("the x5c certificate does not parse")
        }
        guard authority.issued(parsed) else {
            throw .invalidWalletSignature("the certificate was not issued by this service")
        }
        cache?.remember(parsed, der: der)
        return parsed
    }

    private struct Header: Decodable {
        var alg: String?
        var typ: String?
        var x5c: [String]?
        var crit: [String]?
    }
}

/// Certificates already verified as issued by the CyberID issuing CA, by DER: a login then
/// costs one signature verification (the wallet's), not two. Bounded; cleared when full.
public final class IssuedCertificateCache: Sendable {
    private let entries = Mutex<[Data: Certificate]>([:])
    private let capacity: Int

    /// Creates a cache of at most `capacity` certificates.
    public init(capacity: Int = 20_000) { self.capacity = capacity }

    func certificate(der: Data) -> Certificate? { entries.withLock { $0[der] } }

    func remember(_ certificate: Certificate, der: Data) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[der] = certificate
        }
    }
}
