package import SwiftASN1

/// An X.509 / CMS `AlgorithmIdentifier`: an OID and its optional parameters, kept as DER.
package struct AlgorithmIdentifier: Sendable, Hashable {
    package let oid: ASN1ObjectIdentifier
    /// The parameters' DER encoding, if present (NULL included).
    package let parameters: ASN1Any?

    package init(oid: ASN1ObjectIdentifier, parameters: ASN1Any? = nil) {
        self.oid = oid
        self.parameters = parameters
    }

    package init(derEncoded node: ASN1Node) throws {
        (oid, parameters) = try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let parameters = nodes.next().map(ASN1Any.init(derEncoded:))
            return (oid, parameters)
        }
    }

    package func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(oid)
            if let parameters { try coder.serialize(parameters) }
        }
    }
}

/// Object identifiers used by the eMRTD PKI.
package enum OID {
    // Hashes.
    package static let sha1: ASN1ObjectIdentifier = [1, 3, 14, 3, 2, 26]
    package static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    package static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    package static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    // Public keys and curves.
    package static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    package static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    package static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    package static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    package static let p521: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]
    // Signatures.
    package static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    package static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    package static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
    package static let sha256WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    package static let sha384WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 12]
    package static let sha512WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 13]
    package static let rsassaPSS: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 10]
    package static let mgf1: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 8]
    // CMS.
    package static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    package static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    package static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    package static let signingTime: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 5]
    // ICAO: id-icao-mrtd-security-ldsSecurityObject.
    package static let ldsSecurityObject: ASN1ObjectIdentifier = [2, 23, 136, 1, 1, 1]
}
