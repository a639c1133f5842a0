import Crypto
public import Foundation
import SwiftASN1
import Synchronization
public import X509

/// A wallet's compact JWS (ES256, `typ: cyberid-wallet+jwt`, `x5c` = network certificate),
/// parsed and checked for everything that needs no database: the JWS shape and type, the
/// certificate's issuer and validity, and the signature. What the holder may do (certificate
/// status, person state) is for the caller, who usually reads it together with other data.
public struct WalletJWS: Sendable {
    /// The network certificate from `x5c`.
    public let certificate: Certificate
    /// Its serial number, lower-case hex (the store's key).
    public let serial: String
    /// The payload as sent (JSON).
    public let payload: Data

    /// Parses and checks `compact`.
    /// - Parameters:
    ///   - compact: the JWS.
    ///   - authority: the CA whose issuing certificate must have signed the network certificate.
    ///   - issuedCache: remembers certificates already checked against the CA.
    ///   - now: the time for the validity check.
    /// - Throws: ``EnrollmentError`` `invalid-wallet-signature` with the reason.
    public init(
        compact: String, authority: CertificateAuthority, issuedCache: IssuedCertificateCache? = nil, now: Date
    ) throws(EnrollmentError) {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = base64URLDecode(String(parts[0])),
            let payloadBytes = base64URLDecode(String(parts[1])), let signature = base64URLDecode(String(parts[2])),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes))
        else { throw .invalidWalletSignature("not a compact JWS") }
        // Explicit typing (RFC 8725 §3.11): a JWS made for another purpose is never accepted here.
        guard header.typ == "cyberid-wallet+jwt" else {
            throw .invalidWalletSignature("the JWS type must be cyberid-wallet+jwt")
        }
        guard header.alg == "ES256", let leafText = header.x5c?.first, let leafDER = Data(base64Encoded: leafText)
        else { throw .invalidWalletSignature("the JWS must be ES256 with the network certificate in x5c") }
        let certificate: Certificate
        if let cached = issuedCache?.certificate(der: leafDER) {
            certificate = cached
        } else {
            guard let parsed = try? Certificate(derEncoded: Array(leafDER)) else {
                throw .invalidWalletSignature("the x5c certificate does not parse")
            }
            guard authority.issued(parsed) else {
                throw .invalidWalletSignature("the certificate was not issued by this service")
            }
            issuedCache?.remember(parsed, der: leafDER)
            certificate = parsed
        }
        guard certificate.notValidBefore <= now, now <= certificate.notValidAfter else {
            throw .invalidWalletSignature("the certificate is not valid now")
        }
        guard let key = P256.Signing.PublicKey(certificate.publicKey),
            let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(ecdsa, for: Array(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)))
        else { throw .invalidWalletSignature("the signature does not verify") }
        self.certificate = certificate
        self.serial = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        self.payload = Data(payloadBytes)
    }

    private struct Header: Decodable {
        var alg: String?
        var typ: String?
        var x5c: [String]?
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
