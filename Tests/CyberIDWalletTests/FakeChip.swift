import Crypto
import CyberIDWallet

/// A chip with fixed files whose active authentication signs with a known P-256 key.
struct FakeChip: ChipReader {
    let activeAuthenticationKey: P256.Signing.PrivateKey
    var files = ChipFiles(dg1: [0x61, 0x01, 0xFB], dg2: nil, dg15: [0x6F, 0x01, 0xFF], sod: [0x77, 0x00])

    func readFiles() async throws -> ChipFiles { files }

    func internalAuthenticate(challenge: [UInt8]) async throws -> [UInt8] {
        try Array(activeAuthenticationKey.signature(for: challenge).rawRepresentation)
    }
}
