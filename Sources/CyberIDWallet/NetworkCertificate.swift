public import Foundation

/// The few facts a wallet needs from an X.509 certificate: when it stops being valid and which
/// key it certifies.
///
/// The service's JSON does not say when the network certificate expires, so the wallet reads it
/// from the certificate itself; a tiny DER reader keeps the module free of an X.509 dependency.
/// Nothing here verifies signatures: the wallet trusts the certificate because it came back over
/// TLS from the service it enrolled with, and checks that it certifies the wallet's own key.
public struct NetworkCertificate: Sendable, Equatable {
    /// The DER encoding of the whole certificate.
    public let derEncoded: [UInt8]
    /// `validity.notBefore`.
    public let notValidBefore: Date
    /// `validity.notAfter`: after this the wallet must enroll again (or renew).
    public let notValidAfter: Date
    /// The DER `SubjectPublicKeyInfo`, comparable with `P256.Signing.PublicKey.derRepresentation`.
    public let subjectPublicKeyInfo: [UInt8]

    /// Reads a DER certificate.
    /// - Throws: ``WalletError/invalidCertificate`` when the bytes are not an X.509 certificate.
    public init(derEncoded: [UInt8]) throws {
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        let top = try DERReader.elements(derEncoded[...])
        guard top.count == 1 else { throw WalletError.invalidCertificate("trailing bytes after the certificate") }
        let certificate = try DERReader.children(of: top[0], tag: 0x30)
        guard certificate.count == 3 else { throw WalletError.invalidCertificate("a certificate has three parts") }
        // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
        //                               validity, subject, subjectPublicKeyInfo, … }
        let tbs = try DERReader.children(of: certificate[0], tag: 0x30)
        let first = tbs.first?.tag == 0xA0 ? 1 : 0
        guard tbs.count >= first + 6 else { throw WalletError.invalidCertificate("tbsCertificate is too short") }
        let validity = try DERReader.children(of: tbs[first + 3], tag: 0x30)
        guard validity.count == 2 else { throw WalletError.invalidCertificate("validity has two times") }
        let subjectPublicKeyInfo = tbs[first + 5]
        guard subjectPublicKeyInfo.tag == 0x30 else {
            throw WalletError.invalidCertificate("subjectPublicKeyInfo is not a SEQUENCE")
        }
        self.derEncoded = derEncoded
        self.notValidBefore = try DERReader.time(validity[0])
        self.notValidAfter = try DERReader.time(validity[1])
        self.subjectPublicKeyInfo = Array(subjectPublicKeyInfo.encoded)
    }

    /// Reads the first `CERTIFICATE` block of a PEM text.
    /// - Throws: ``WalletError/invalidCertificate`` when there is none or it does not parse.
    public init(pemEncoded: String) throws {
        guard let block = PEM.decode(pemEncoded)?.first(where: { $0.label == "CERTIFICATE" }) else {
            throw WalletError.invalidCertificate("no PEM CERTIFICATE block")
        }
        try self.init(derEncoded: block.der)
    }

    /// Reads every `CERTIFICATE` block of a PEM text, in order (the service's `chain`: issuing CA,
    /// then root).
    /// - Throws: ``WalletError/invalidCertificate`` when the PEM or a certificate is malformed.
    public static func chain(pemEncoded: String) throws -> [NetworkCertificate] {
        guard let blocks = PEM.decode(pemEncoded) else { throw WalletError.invalidCertificate("malformed PEM") }
        return try blocks.filter { $0.label == "CERTIFICATE" }.map { try NetworkCertificate(derEncoded: $0.der) }
    }

    /// The PEM form (`CERTIFICATE`).
    public var pemEncoded: String { PEM.encode(derEncoded, label: "CERTIFICATE") }
}
