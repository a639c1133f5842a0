public import CyberIDCore
public import Foundation
import SwiftASN1
public import X509

/// An X.509 v2 CRL (RFC 5280 §5) issued by a CSCA, listing revoked Document Signer certificates.
///
/// swift-certificates has no CRL type, so this parses the few fields that matter: the issuer,
/// the revoked serial numbers, the validity window, and the signature (checked against the
/// issuing CSCA before the list is used).
public struct CertificateRevocationList: Sendable {
    /// The issuer's distinguished name.
    public let issuer: DistinguishedName
    /// When this list was issued.
    public let thisUpdate: Date
    /// When the next list is due, if stated.
    public let nextUpdate: Date?
    /// The revoked serial numbers (DER INTEGER content bytes).
    let revokedSerials: Set<[UInt8]>
    let tbsBytes: [UInt8]
    let signatureAlgorithm: AlgorithmIdentifier
    let signature: [UInt8]
    /// The DER encoding.
    public let derBytes: [UInt8]

    /// Parses a CRL from DER, or from PEM (`-----BEGIN X509 CRL-----`).
    /// - Throws: ``DocumentError/unparseable``.
    public init(bytes: [UInt8]) throws(DocumentError) {
        var der = bytes
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN X509 CRL-----") {
            guard let document = try? PEMDocument(pemString: text), document.discriminator == "X509 CRL" else {
                throw .unparseable("the CRL PEM is malformed")
            }
            der = document.derBytes
        }
        do {
            let root = try DER.parse(der)
            var revoked = Set<[UInt8]>()
            var parsed: (DistinguishedName, Date, Date?, [UInt8], AlgorithmIdentifier, [UInt8])?
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbs = nodes.next() else { throw DocumentError.unparseable("the CRL is empty") }
                let (issuer, thisUpdate, nextUpdate) = try DER.sequence(tbs, identifier: .sequence) { fields in
                    var node = fields.next()
                    if let version = node, version.identifier == .integer { node = fields.next() }  // version
                    node = fields.next()  // after signature algorithm
                    guard let issuerNode = node else { throw DocumentError.unparseable("the CRL has no issuer") }
                    let issuer = try DistinguishedName(derEncoded: issuerNode)
                    guard let thisNode = fields.next() else { throw DocumentError.unparseable("the CRL has no thisUpdate") }
                    let thisUpdate = try Self.time(thisNode)
                    var nextUpdate: Date? = nil
                    var rest = fields.next()
                    if let candidate = rest, candidate.identifier == .utcTime || candidate.identifier == .generalizedTime {
                        nextUpdate = try Self.time(candidate)
                        rest = fields.next()
                    }
                    if let list = rest, list.identifier == .sequence {
                        try DER.sequence(list, identifier: .sequence) { entries in
                            while let entry = entries.next() {
                                try DER.sequence(entry, identifier: .sequence) { entryFields in
                                    revoked.insert(Array(try ArraySlice<UInt8>(derEncoded: &entryFields)))
                                    while entryFields.next() != nil {}
                                }
                            }
                        }
                        rest = fields.next()
                    }
                    while rest != nil { rest = fields.next() }  // crlExtensions [0]
                    return (issuer, thisUpdate, nextUpdate)
                }
                let algorithm = try AlgorithmIdentifier(derEncoded: nodes.next() ?? tbs)
                let signature = try ASN1BitString(derEncoded: &nodes)
                parsed = (issuer, thisUpdate, nextUpdate, Array(tbs.encodedBytes), algorithm, Array(signature.bytes))
            }
            guard let parsed else { throw DocumentError.unparseable("the CRL is malformed") }
            (issuer, thisUpdate, nextUpdate, tbsBytes, signatureAlgorithm, signature) = parsed
            revokedSerials = revoked
            derBytes = der
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("the CRL is not valid DER")
        }
    }

    /// Whether the certificate with this serial number is listed.
    func isRevoked(_ certificate: Certificate) -> Bool {
        revokedSerials.contains(Array(certificate.serialNumber.bytes))
    }

    /// Whether `csca` issued and signed this list.
    func isSigned(by csca: Certificate) -> Bool {
        guard csca.subject == issuer, let key = try? PublicKey(spki: ArraySlice(csca.publicKeySPKIBytes)) else { return false }
        return (try? SignatureVerifier.isValid(signature: signature, over: tbsBytes, algorithm: signatureAlgorithm, key: key))
            ?? false
    }

    private static func time(_ node: ASN1Node) throws -> Date {
        if node.identifier == .utcTime {
            let time = try UTCTime(derEncoded: node)
            return try Self.date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        }
        let time = try GeneralizedTime(derEncoded: node)
        return try Self.date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)) else {
            throw DocumentError.unparseable("a CRL time is not a date")
        }
        return date
    }
}

extension Certificate {
    /// The DER SubjectPublicKeyInfo, for ``PublicKey``.
    var publicKeySPKIBytes: [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(publicKey)
        return serializer.serializedBytes
    }
}
