import CyberIDCore
import Crypto
import Foundation
import SwiftASN1

/// A hash function named by an OID in the SOD.
enum DigestAlgorithm: Sendable, Equatable {
    case sha1, sha256, sha384, sha512

    init(oid: ASN1ObjectIdentifier) throws(DocumentError) {
        switch oid {
        case OID.sha1: self = .sha1
        case OID.sha256: self = .sha256
        case OID.sha384: self = .sha384
        case OID.sha512: self = .sha512
        default: throw .unsupportedAlgorithm("digest algorithm \(oid) is not supported")
        }
    }

    var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha1: OID.sha1
        case .sha256: OID.sha256
        case .sha384: OID.sha384
        case .sha512: OID.sha512
        }
    }

    /// Hashes `data`.
    func hash(_ data: some DataProtocol) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: data))
        case .sha256: Array(SHA256.hash(data: data))
        case .sha384: Array(SHA384.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }
}
