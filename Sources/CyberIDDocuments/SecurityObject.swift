import CyberIDCore
import SwiftASN1
import X509

/// The Document Security Object (EF.SOD, tag 0x77): a CMS SignedData whose content is the
/// LDS Security Object, the DSC's signature over it, and the DSC itself (Doc 9303-10 §4.6.2).
///
/// Parsed by hand with swift-asn1: swift-certificates' CMS support accepts only `id-data` and
/// `id-signedData` contents, while the SOD's eContentType is the ICAO LDS Security Object.
struct SecurityObject: Sendable {
    /// The hash algorithm of the data-group hashes.
    let dataGroupHashAlgorithm: DigestAlgorithm
    /// Data-group number → hash, as signed.
    let dataGroupHashes: [Int: [UInt8]]
    /// The DER of the LDS Security Object (the signed content).
    let content: [UInt8]
    /// The Document Signer certificate carried in the SOD.
    let documentSigner: Certificate
    /// The DSC's DER, for signature checks by the CSCA.
    let documentSignerDER: [UInt8]
    /// The signer's digest algorithm.
    let digestAlgorithm: DigestAlgorithm
    /// The signer's signature algorithm.
    let signatureAlgorithm: AlgorithmIdentifier
    /// The DER of the signed attributes re-tagged as SET OF (what the signature covers), or nil.
    let signedAttributes: [UInt8]?
    /// The `messageDigest` signed attribute.
    let messageDigest: [UInt8]?
    /// The `contentType` signed attribute.
    let signedContentType: ASN1ObjectIdentifier?
    /// The signature value.
    let signature: [UInt8]

    /// Parses EF.SOD.
    /// - Throws: ``DocumentError/unparseable`` for anything that is not a well-formed SOD with
    ///   exactly one signer and its certificate.
    init(bytes: [UInt8]) throws(DocumentError) {
        do {
            let parsed = try Self.parseSignedData(try Self.signedData(bytes))
            dataGroupHashAlgorithm = parsed.hashes.0
            dataGroupHashes = parsed.hashes.1
            content = parsed.content
            documentSigner = parsed.certificate
            documentSignerDER = parsed.certificateDER
            digestAlgorithm = parsed.digest
            signatureAlgorithm = parsed.signatureAlgorithm
            signedAttributes = parsed.attributes
            messageDigest = parsed.messageDigest
            signedContentType = parsed.contentType
            signature = parsed.signature
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("EF.SOD is not valid DER CMS")
        }
    }

    /// What the one signer of a SOD says.
    typealias Parsed = (
        hashes: (DigestAlgorithm, [Int: [UInt8]]), content: [UInt8], certificate: Certificate, certificateDER: [UInt8],
        digest: DigestAlgorithm, signatureAlgorithm: AlgorithmIdentifier, attributes: [UInt8]?, messageDigest: [UInt8]?,
        contentType: ASN1ObjectIdentifier?, signature: [UInt8]
    )

    /// EF.SOD (tag 0x77) → its one ContentInfo → the SignedData.
    private static func signedData(_ bytes: [UInt8]) throws -> ASN1Node {
        let outer = try DER.parse(bytes)
        guard outer.identifier == ASN1Identifier(tagWithNumber: 23, tagClass: .application),
            case .constructed(let children) = outer.content
        else {
            throw DocumentError.unparseable("EF.SOD must start with tag 0x77")
        }
        var iterator = children.makeIterator()
        guard let contentInfo = iterator.next(), iterator.next() == nil else {
            throw DocumentError.unparseable("EF.SOD must hold one ContentInfo")
        }
        return try DER.sequence(contentInfo, identifier: .sequence) { nodes in
            guard try ASN1ObjectIdentifier(derEncoded: &nodes) == OID.signedData else {
                throw DocumentError.unparseable("the SOD is not CMS SignedData")
            }
            return try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { $0 }
        }
    }

    /// SignedData: the LDS Security Object content, the Document Signer certificate, the signer.
    private static func parseSignedData(_ signedData: ASN1Node) throws -> Parsed {
        try DER.sequence(signedData, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)  // version
            _ = try DER.set(of: AlgorithmIdentifier.self, identifier: .set, nodes: &nodes)
            // encapContentInfo
            let (contentType, content) = try DER.sequence(nodes.next() ?? signedData, identifier: .sequence) { inner in
                let type = try ASN1ObjectIdentifier(derEncoded: &inner)
                let content = try DER.explicitlyTagged(&inner, tagNumber: 0, tagClass: .contextSpecific) {
                    try ASN1OctetString(derEncoded: $0)
                }
                return (type, Array(content.bytes))
            }
            guard contentType == OID.ldsSecurityObject else {
                throw DocumentError.unparseable("the SOD content is not an LDS Security Object")
            }
            // certificates [0] IMPLICIT SET OF Certificate
            guard let node = nodes.next(), node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
                case .constructed(let items) = node.content
            else { throw DocumentError.unparseable("the SOD does not carry its Document Signer certificate") }
            var certificates = [(Certificate, [UInt8])]()
            for item in items {
                certificates.append((try Certificate(derEncoded: item), Array(item.encodedBytes)))
            }
            // crls [1] are ignored; then the signerInfos SET.
            var next = nodes.next()
            if let crls = next, crls.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                next = nodes.next()
            }
            guard let signerInfos = next else { throw DocumentError.unparseable("the SOD has no signer") }
            return try Self.parseSigner(signerInfos, content: content, certificates: certificates)
        }
    }

    private static func parseSigner(
        _ signerInfos: ASN1Node, content: [UInt8], certificates: [(Certificate, [UInt8])]
    ) throws -> Parsed {
        guard signerInfos.identifier == .set, case .constructed(let signers) = signerInfos.content else {
            throw DocumentError.unparseable("the SOD signerInfos are malformed")
        }
        var signerIterator = signers.makeIterator()
        guard let signer = signerIterator.next(), signerIterator.next() == nil else {
            throw DocumentError.unparseable("the SOD must have exactly one signer")
        }
        return try DER.sequence(signer, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)  // version
            guard let sid = nodes.next() else { throw DocumentError.unparseable("the SOD signer has no identifier") }
            let certificate = try Self.signerCertificate(sid, in: certificates)
            let digest = try DigestAlgorithm(oid: try AlgorithmIdentifier(derEncoded: nodes.next() ?? sid).oid)
            var attributes: [UInt8]? = nil
            var messageDigest: [UInt8]? = nil
            var contentType: ASN1ObjectIdentifier? = nil
            var next = nodes.next()
            if let node = next, node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
                case .constructed(let items) = node.content
            {
                // The signature covers the attributes' DER with the SET OF tag (RFC 5652 §5.4).
                var set = Array(node.encodedBytes)
                set[0] = 0x31
                attributes = set
                for item in items {
                    try DER.sequence(item, identifier: .sequence) { attribute in
                        let type = try ASN1ObjectIdentifier(derEncoded: &attribute)
                        let values = try DER.set(of: ASN1Any.self, identifier: .set, nodes: &attribute)
                        guard values.count == 1 else { throw DocumentError.unparseable("a signed attribute must have one value") }
                        if type == OID.messageDigest {
                            messageDigest = Array(try ASN1OctetString(asn1Any: values[0]).bytes)
                        } else if type == OID.contentType {
                            contentType = try ASN1ObjectIdentifier(asn1Any: values[0])
                        }
                    }
                }
                next = nodes.next()
            }
            let signatureAlgorithm = try AlgorithmIdentifier(derEncoded: next ?? sid)
            let signature = Array(try ASN1OctetString(derEncoded: &nodes).bytes)
            _ = nodes.next()  // unsignedAttrs [1], ignored
            let hashes = try Self.parseLDSSecurityObject(content)
            return (
                hashes, content, certificate.0, certificate.1, digest, signatureAlgorithm, attributes, messageDigest,
                contentType, signature
            )
        }
    }

    private static func signerCertificate(
        _ sid: ASN1Node, in certificates: [(Certificate, [UInt8])]
    ) throws -> (Certificate, [UInt8]) {
        if sid.identifier == .sequence {
            // issuerAndSerialNumber
            let serial = try DER.sequence(sid, identifier: .sequence) { nodes -> ArraySlice<UInt8> in
                _ = nodes.next()
                return try ArraySlice<UInt8>(derEncoded: &nodes)
            }
            if let match = certificates.first(where: { Array($0.0.serialNumber.bytes) == Array(serial) }) { return match }
        } else if sid.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific),
            case .primitive(let keyID) = sid.content
        {
            if let match = certificates.first(where: {
                (try? $0.0.extensions.subjectKeyIdentifier)??.keyIdentifier.elementsEqual(keyID) == true
            }) {
                return match
            }
        }
        guard certificates.count == 1, let only = certificates.first else {
            throw DocumentError.unparseable("the SOD does not carry the signer's certificate")
        }
        return only
    }

    /// `LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, dataGroupHashValues, ldsVersionInfo OPTIONAL }`
    private static func parseLDSSecurityObject(_ content: [UInt8]) throws -> (DigestAlgorithm, [Int: [UInt8]]) {
        try DER.sequence(try DER.parse(content), identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            let algorithm = try DigestAlgorithm(oid: try AlgorithmIdentifier(derEncoded: nodes.next() ?? DER.parse([0x05, 0x00])).oid)
            var hashes = [Int: [UInt8]]()
            guard let list = nodes.next() else { throw DocumentError.unparseable("the LDS Security Object has no hashes") }
            try DER.sequence(list, identifier: .sequence) { items in
                while let item = items.next() {
                    let (number, hash) = try DER.sequence(item, identifier: .sequence) { entry in
                        (try Int(derEncoded: &entry), Array(try ASN1OctetString(derEncoded: &entry).bytes))
                    }
                    guard (1...16).contains(number), hashes[number] == nil else {
                        throw DocumentError.unparseable("the LDS Security Object lists an invalid data group")
                    }
                    hashes[number] = hash
                }
            }
            _ = nodes.next()  // ldsVersionInfo
            return (algorithm, hashes)
        }
    }
}

extension AlgorithmIdentifier: DERParseable {}
