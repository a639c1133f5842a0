public import CyberIDCore
package import SwiftASN1

/// The LDS elementary files CyberID reads, as the wallet reads them off the chip: each a
/// complete TLV including its application tag, because the SOD hashes the whole file.
public struct ChipData: Sendable, Equatable {
    /// EF.DG1 (tag 0x61): the MRZ.
    public var dg1: [UInt8]
    /// EF.DG2 (tag 0x75): the facial image, passed through for face matching.
    public var dg2: [UInt8]?
    /// EF.DG15 (tag 0x6F): the active-authentication public key.
    public var dg15: [UInt8]?
    /// EF.SOD (tag 0x77): the Document Security Object.
    public var sod: [UInt8]

    /// Bundles the files.
    public init(dg1: [UInt8], dg2: [UInt8]? = nil, dg15: [UInt8]? = nil, sod: [UInt8]) {
        self.dg1 = dg1
        self.dg2 = dg2
        self.dg15 = dg15
        self.sod = sod
    }

    /// The present data groups by number.
    var dataGroups: [Int: [UInt8]] {
        var groups = [1: dg1]
        if let dg2 { groups[2] = dg2 }
        if let dg15 { groups[15] = dg15 }
        return groups
    }
}

/// Reads the contents of the data groups.
package enum DataGroupReader {
    package static let dg1Tag = ASN1Identifier(tagWithNumber: 1, tagClass: .application)
    package static let mrzTag = ASN1Identifier(tagWithNumber: 31, tagClass: .application)
    package static let dg2Tag = ASN1Identifier(tagWithNumber: 21, tagClass: .application)
    package static let dg15Tag = ASN1Identifier(tagWithNumber: 15, tagClass: .application)

    /// The MRZ text of DG1 (`61 { 5F1F mrz }`).
    static func mrz(_ dg1: [UInt8]) throws(DocumentError) -> String {
        do {
            let node = try DER.parse(dg1)
            guard node.identifier == dg1Tag, case .constructed(let children) = node.content else {
                throw DocumentError.unparseable("DG1 must start with tag 0x61")
            }
            for child in children where child.identifier == mrzTag {
                guard case .primitive(let bytes) = child.content else { break }
                return String(decoding: bytes, as: UTF8.self)
            }
            throw DocumentError.unparseable("DG1 has no MRZ (tag 0x5F1F)")
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("DG1 is not valid DER")
        }
    }

    /// The SubjectPublicKeyInfo in DG15 (`6F { SPKI }`).
    static func activeAuthenticationKey(_ dg15: [UInt8]) throws(DocumentError) -> PublicKey {
        let spki: ArraySlice<UInt8>
        do {
            let node = try DER.parse(dg15)
            guard node.identifier == dg15Tag, case .constructed(let children) = node.content,
                let first = children.first(where: { _ in true })
            else {
                throw DocumentError.unparseable("DG15 must be tag 0x6F around a SubjectPublicKeyInfo")
            }
            spki = first.encodedBytes
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("DG15 is not valid DER")
        }
        return try PublicKey(spki: spki)
    }

    /// Checks that DG2 is a well-formed TLV with its tag; its content is passed through.
    static func checkFaceImage(_ dg2: [UInt8]) throws(DocumentError) {
        guard let node = try? DER.parse(dg2), node.identifier == dg2Tag else {
            throw .unparseable("DG2 must be a TLV with tag 0x75")
        }
    }
}
