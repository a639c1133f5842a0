import CyberIDCore
public import Foundation
import SwiftASN1
import X509

extension CertificateAuthority {
    /// The issuing CA's certificate revocation list (RFC 5280 §5), DER, signed with the issuing
    /// key (ECDSA with SHA-256). swift-certificates has no CRL type, so it is encoded here.
    /// - Parameters:
    ///   - revoked: serial numbers (lower-case hex) and revocation times.
    ///   - now: `thisUpdate`; the CRL number is derived from it (seconds), so it only grows.
    ///   - lifetime: until `nextUpdate`.
    public func crl(revoked: [(serial: String, revokedAt: Date)], now: Date = Date(), lifetime: TimeInterval = 3600)
        throws -> [UInt8]
    {
        let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
        func algorithm(_ coder: inout DER.Serializer) throws {
            try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(ecdsaWithSHA256) }
        }
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { list in
            try list.serialize(1)  // v2
            try algorithm(&list)
            try list.serialize(issuing.subject)
            try list.serialize(try Self.utcTime(now))
            try list.serialize(try Self.utcTime(now.addingTimeInterval(lifetime)))
            if !revoked.isEmpty {
                try list.appendConstructedNode(identifier: .sequence) { entries in
                    for entry in revoked {
                        guard let serial = Hex.decode(entry.serial) else { continue }
                        try entries.appendConstructedNode(identifier: .sequence) { item in
                            try item.serialize(ArraySlice(serial))
                            try item.serialize(try Self.utcTime(entry.revokedAt))
                        }
                    }
                }
            }
            try list.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { tagged in
                try tagged.appendConstructedNode(identifier: .sequence) { extensions in
                    // cRLNumber (2.5.29.20).
                    var number = DER.Serializer()
                    try number.serialize(Int(now.timeIntervalSince1970))
                    try extensions.appendConstructedNode(identifier: .sequence) { ext in
                        try ext.serialize([2, 5, 29, 20] as ASN1ObjectIdentifier)
                        try ext.serialize(ASN1OctetString(contentBytes: number.serializedBytes[...]))
                    }
                    // authorityKeyIdentifier (2.5.29.35): [0] keyIdentifier.
                    if let keyID = try issuing.extensions.subjectKeyIdentifier?.keyIdentifier {
                        var aki = DER.Serializer()
                        try aki.appendConstructedNode(identifier: .sequence) {
                            $0.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                                $0.append(contentsOf: keyID)
                            }
                        }
                        try extensions.appendConstructedNode(identifier: .sequence) { ext in
                            try ext.serialize([2, 5, 29, 35] as ASN1ObjectIdentifier)
                            try ext.serialize(ASN1OctetString(contentBytes: aki.serializedBytes[...]))
                        }
                    }
                }
            }
        }
        let tbsBytes = tbs.serializedBytes
        let signature = try issuingKey.sign(bytes: tbsBytes, signatureAlgorithm: .ecdsaWithSHA256)
        var out = DER.Serializer()
        try out.appendConstructedNode(identifier: .sequence) { list in
            list.serializeRawBytes(tbsBytes)
            try algorithm(&list)
            try list.serialize(ASN1BitString(bytes: signature.rawRepresentation[...]))
        }
        return out.serializedBytes
    }

    static func utcTime(_ date: Date) throws -> UTCTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return try UTCTime(
            year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hours: parts.hour ?? 0,
            minutes: parts.minute ?? 0, seconds: parts.second ?? 0)
    }
}
