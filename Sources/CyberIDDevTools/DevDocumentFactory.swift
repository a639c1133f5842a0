public import CyberIDCore
public import CyberIDDocuments
public import Crypto
public import Foundation
import SwiftASN1
public import X509
import _CryptoExtras

/// Builds complete test eMRTDs — a development CSCA and DSC, DG1/DG2/DG15 and a signed SOD —
/// for `cyberid dev document`, demos and tests. **Never for production**: the keys are made
/// on the spot and the "chip" private key is written to disk.
public enum DevDocumentFactory {
    /// Who the test document describes.
    public struct Holder: Sendable {
        public var surname: String
        public var givenNames: String
        public var birthDate: CalendarDate
        public var nationality: String
        public var sex: String
        public var documentNumber: String
        public var personalNumber: String?
        public var expiryDate: CalendarDate
        /// An ID card (TD1 MRZ, 3 lines of 30: names cut at 30 characters, the personal number
        /// in optional data 1) instead of a passport (TD3).
        public var idCard: Bool

        /// A holder with sensible defaults (an adult Chinese citizen, passport valid ten years).
        public init(
            surname: String = "ZHANG", givenNames: String = "SAN", birthDate: CalendarDate, nationality: String = "CHN",
            sex: String = "M", documentNumber: String = "E12345678", personalNumber: String? = nil,
            expiryDate: CalendarDate, idCard: Bool = false
        ) {
            (
                self.surname, self.givenNames, self.birthDate, self.nationality, self.sex, self.documentNumber,
                self.personalNumber, self.expiryDate, self.idCard
            ) = (
                surname, givenNames, birthDate, nationality, sex, documentNumber, personalNumber, expiryDate, idCard
            )
        }
    }

    /// A development country signing CA: its certificate and key.
    public struct CSCA: Sendable {
        public let certificate: Certificate
        let key: Certificate.PrivateKey

        /// A fresh P-256 CSCA valid from `date` for 15 years.
        public static func make(
            country: String = "CHN", at date: Date = Date(), key signingKey: P256.Signing.PrivateKey = .init()
        ) throws -> CSCA {
            let key = Certificate.PrivateKey(signingKey)
            let name = try DistinguishedName {
                CountryName(isoCountry(country))
                OrganizationName("CyberID development")
                CommonName("CyberID DEV CSCA \(country)")
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: key.publicKey,
                notValidBefore: date.addingTimeInterval(-86_400), notValidAfter: date.addingTimeInterval(15 * 365 * 86_400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key)
            return CSCA(certificate: certificate, key: key)
        }

        /// Reuses the CSCA kept in `directory` (`csca.pem`, `csca-private-key.pem`, mode 0600),
        /// or makes and keeps a new one.
        public static func loadOrMake(directory: URL, country: String = "CHN", at date: Date = Date()) throws -> CSCA {
            let certificateURL = directory.appendingPathComponent("csca.pem")
            let keyURL = directory.appendingPathComponent("csca-private-key.pem")
            if let certificatePEM = try? String(contentsOf: certificateURL, encoding: .utf8),
                let keyPEM = try? String(contentsOf: keyURL, encoding: .utf8)
            {
                let key = Certificate.PrivateKey(try P256.Signing.PrivateKey(pemRepresentation: keyPEM))
                return CSCA(certificate: try Certificate(pemEncoded: certificatePEM), key: key)
            }
            let signingKey = P256.Signing.PrivateKey()
            let csca = try make(country: country, at: date, key: signingKey)
            try Data(signingKey.pemRepresentation.utf8).write(to: keyURL, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)
            try Data(try csca.certificate.serializeAsPEM().pemString.utf8).write(to: certificateURL, options: .atomic)
            return csca
        }
    }

    /// What the factory writes: the chip files, the chip's private key and the CSCA.
    public struct Document: Sendable {
        public let chip: ChipData
        /// The active-authentication private key, PKCS#8 PEM (the chip's secret).
        public let activeAuthenticationKeyPEM: String
        /// The issuing CSCA certificate, PEM.
        public let cscaPEM: String
    }

    /// Builds a document.
    /// - Parameters:
    ///   - holder: the MRZ data.
    ///   - csca: the CSCA that issues the DSC.
    ///   - rsa: RSA-2048 for the DSC (RSASSA-PSS) and the chip key (ISO/IEC 9796-2) instead of P-256.
    ///   - date: "now", for the DSC validity.
    public static func make(holder: Holder, csca: CSCA, rsa: Bool = false, at date: Date = Date()) throws -> Document {
        // The Document Signer.
        let rsaDSCKey = rsa ? try _RSA.Signing.PrivateKey(keySize: .bits2048) : nil
        let p256DSCKey = P256.Signing.PrivateKey()
        let dscKey = rsaDSCKey.map(Certificate.PrivateKey.init) ?? Certificate.PrivateKey(p256DSCKey)
        let dscName = try DistinguishedName {
            CountryName(isoCountry(holder.nationality))
            OrganizationName("CyberID development")
            CommonName("CyberID DEV Document Signer")
        }
        let dsc = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: dscKey.publicKey,
            notValidBefore: date.addingTimeInterval(-86_400), notValidAfter: date.addingTimeInterval(11 * 365 * 86_400),
            issuer: csca.certificate.subject, subject: dscName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true)) },
            issuerPrivateKey: csca.key)

        // The chip's active-authentication key.
        let aaSPKI: [UInt8]
        let aaPEM: String
        if rsa {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            aaSPKI = Array(key.publicKey.derRepresentation)
            aaPEM = key.pkcs8PEMRepresentation
        } else {
            let key = P256.Signing.PrivateKey()
            aaSPKI = Array(key.publicKey.derRepresentation)
            aaPEM = key.pemRepresentation
        }

        let dg1 = try tlv(DataGroupReader.dg1Tag) { $0.appendPrimitiveNode(identifier: DataGroupReader.mrzTag) { $0 += Array(mrz(holder).utf8) } }
        let dg2 = try tlv(DataGroupReader.dg2Tag) { coder in
            // A placeholder portrait (JPEG start/end markers around a label); real chips carry ISO 19794-5.
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice([0xFF, 0xD8] + Array("CyberID dev portrait".utf8) + [0xFF, 0xD9])))
        }
        let dg15 = try tlv(DataGroupReader.dg15Tag) { $0.serializeRawBytes(aaSPKI) }
        let sod = try securityObject(
            dataGroups: [1: dg1, 2: dg2, 15: dg15], dsc: dsc, rsaKey: rsaDSCKey, p256Key: p256DSCKey)
        return Document(
            chip: ChipData(dg1: dg1, dg2: dg2, dg15: dg15, sod: sod), activeAuthenticationKeyPEM: aaPEM,
            cscaPEM: try csca.certificate.serializeAsPEM().pemString)
    }

    /// Answers an active-authentication challenge as the chip would.
    /// - Parameters:
    ///   - challenge: the service's challenge.
    ///   - keyPEM: the chip key written by ``make(holder:csca:rsa:at:)``.
    public static func signChallenge(_ challenge: [UInt8], keyPEM: String) throws -> [UInt8] {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: keyPEM) {
            return Array(try key.signature(for: SHA256.hash(data: challenge)).rawRepresentation)
        }
        // `F^d mod n` is RSASP1, the raw private operation, which swift-crypto offers as RFC 9474's
        // BlindSign (BoringSSL's RSA_sign_raw without padding, checked against the public key).
        // Its parameters (hash, PSS) belong to the blind-signature protocol and play no part here.
        let key = try _RSA.BlindSigning.PrivateKey<SHA384>(unsafePEMRepresentation: keyPEM)
        let representative = ISO9796Scheme1.representative(challenge: challenge, modulusBytes: (key.keySizeInBits + 7) / 8)
        return Array(try key.blindSignature(for: representative).rawRepresentation)
    }

    /// The MRZ of a holder, check digits computed: TD3 (88 characters), or TD1 (90) for an ID card.
    public static func mrz(_ holder: Holder) -> String {
        func pad(_ text: String, _ length: Int) -> String {
            let cleaned = text.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "<" }.joined()
            return String((cleaned + String(repeating: "<", count: length)).prefix(length))
        }
        func yymmdd(_ date: CalendarDate) -> String {
            String(format: "%02d%02d%02d", date.year % 100, date.month, date.day)
        }
        func digit(_ field: String) -> String { String(MRZ.checkDigit(Array(field.utf8)) ?? 0) }
        let nameField = holder.surname.replacingOccurrences(of: " ", with: "<") + "<<" + holder.givenNames.replacingOccurrences(of: " ", with: "<")
        if holder.idCard {
            // TD1: a document number of 9, optional data 1 holds the personal number.
            let number = pad(holder.documentNumber, 9)
            let line1 = "I<" + pad(holder.nationality, 3) + number + digit(number) + pad(holder.personalNumber ?? "", 15)
            let birth = yymmdd(holder.birthDate)
            let expiry = yymmdd(holder.expiryDate)
            let line2a = birth + digit(birth) + pad(holder.sex, 1) + expiry + digit(expiry) + pad(holder.nationality, 3)
            let optional2 = pad("", 11)
            let composite = digit(String(line1.dropFirst(5)) + birth + digit(birth) + expiry + digit(expiry) + optional2)
            return line1 + line2a + optional2 + composite + pad(nameField, 30)
        }
        let names = pad(nameField, 39)
        let line1 = "P<" + pad(holder.nationality, 3) + names
        let number = pad(holder.documentNumber, 9)
        let personal = pad(holder.personalNumber ?? "", 14)
        let personalDigit = holder.personalNumber == nil ? "<" : digit(personal)
        let birth = yymmdd(holder.birthDate)
        let expiry = yymmdd(holder.expiryDate)
        let body = number + digit(number) + pad(holder.nationality, 3) + birth + digit(birth) + pad(holder.sex, 1) + expiry
            + digit(expiry) + personal + personalDigit
        let composite = digit(number + digit(number) + birth + digit(birth) + expiry + digit(expiry) + personal + personalDigit)
        return line1 + body + composite
    }

    private static func tlv(_ identifier: ASN1Identifier, _ content: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: identifier, content)
        return coder.serializedBytes
    }

    private static func securityObject(
        dataGroups: [Int: [UInt8]], dsc: Certificate, rsaKey: _RSA.Signing.PrivateKey?, p256Key: P256.Signing.PrivateKey
    ) throws -> [UInt8] {
        let content = try ldsSecurityObject(dataGroups)
        let (signature, signatureAlgorithm) = try sign(
            try signedAttributes(content, identifier: .set), rsaKey: rsaKey, p256Key: p256Key)
        let signer = try tlv(.sequence) { coder in
            try coder.serialize(1)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(dsc.issuer)
                try coder.serialize(ArraySlice(dsc.serialNumber.bytes))
            }
            try AlgorithmIdentifier(oid: OID.sha256).serialize(into: &coder)
            coder.serializeRawBytes(
                try signedAttributes(content, identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)))
            try signatureAlgorithm.serialize(into: &coder)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(signature)))
        }
        return try tlv(ASN1Identifier(tagWithNumber: 23, tagClass: .application)) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(OID.signedData)
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(3)
                        try coder.appendConstructedNode(identifier: .set) {
                            try AlgorithmIdentifier(oid: OID.sha256).serialize(into: &$0)
                        }
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(OID.ldsSecurityObject)
                            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) {
                                try $0.serialize(ASN1OctetString(contentBytes: ArraySlice(content)))
                            }
                        }
                        try coder.appendConstructedNode(
                            identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
                        ) { try $0.serialize(dsc) }
                        try coder.appendConstructedNode(identifier: .set) { $0.serializeRawBytes(signer) }
                    }
                }
            }
        }
    }

    /// The LDSSecurityObject: SHA-256 of every data group.
    private static func ldsSecurityObject(_ dataGroups: [Int: [UInt8]]) throws -> [UInt8] {
        try tlv(.sequence) { coder in
            try coder.serialize(0)
            try AlgorithmIdentifier(oid: OID.sha256).serialize(into: &coder)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for (number, bytes) in dataGroups.sorted(by: { $0.key < $1.key }) {
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(number)
                        try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(SHA256.hash(data: bytes))))
                    }
                }
            }
        }
    }

    /// The signed attributes (contentType, messageDigest) under `identifier`: SET to sign, [0] to embed.
    private static func signedAttributes(_ content: [UInt8], identifier: ASN1Identifier) throws -> [UInt8] {
        try tlv(identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(OID.contentType)
                try coder.appendConstructedNode(identifier: .set) { try $0.serialize(OID.ldsSecurityObject) }
            }
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(OID.messageDigest)
                try coder.appendConstructedNode(identifier: .set) {
                    try $0.serialize(ASN1OctetString(contentBytes: ArraySlice(SHA256.hash(data: content))))
                }
            }
        }
    }

    /// The Document Signer's signature: RSASSA-PSS (SHA-256, MGF1, salt 32) or ECDSA P-256.
    private static func sign(_ signedAttributes: [UInt8], rsaKey: _RSA.Signing.PrivateKey?, p256Key: P256.Signing.PrivateKey)
        throws -> ([UInt8], AlgorithmIdentifier)
    {
        guard let key = rsaKey else {
            return (
                Array(try p256Key.signature(for: SHA256.hash(data: signedAttributes)).derRepresentation),
                AlgorithmIdentifier(oid: OID.ecdsaWithSHA256)
            )
        }
        let signature = Array(try key.signature(for: SHA256.hash(data: signedAttributes), padding: .PSS).rawRepresentation)
        let params = try tlv(.sequence) { coder in
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) {
                try AlgorithmIdentifier(oid: OID.sha256).serialize(into: &$0)
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                var inner = DER.Serializer()
                try AlgorithmIdentifier(oid: OID.sha256).serialize(into: &inner)
                try AlgorithmIdentifier(oid: OID.mgf1, parameters: try ASN1Any(derEncoded: inner.serializedBytes))
                    .serialize(into: &coder)
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { try $0.serialize(32) }
        }
        return (signature, AlgorithmIdentifier(oid: OID.rsassaPSS, parameters: try ASN1Any(derEncoded: params)))
    }
}

/// The ISO 3166 two-letter code for a certificate's countryName, from the ICAO three-letter
/// code (a few common ones; development certificates only).
func isoCountry(_ icao: String) -> String {
    ["CHN": "CN", "HKG": "HK", "MAC": "MO", "TWN": "TW", "UTO": "UT", "D": "DE", "GBR": "GB", "USA": "US", "FRA": "FR",
     "JPN": "JP", "KOR": "KR", "SGP": "SG"][icao] ?? String(icao.prefix(2))
}
