import Crypto
import Foundation
import Testing

@testable import CyberIDKeys

@Suite struct KeyedHMACTests {
    /// The same codes as swift-crypto's one-shot HMAC, for keys shorter than, equal to and longer
    /// than SHA-256's block (a long key is hashed first) and messages across block boundaries.
    @Test func codesAreSwiftCryptosHMAC() {
        for keyLength in [16, 32, 64, 65, 100] {
            let key = SymmetricKey(size: SymmetricKeySize(bitCount: keyLength * 8))
            let keyed = KeyedHMAC(key: key)
            for length in [0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 200, 1000] {
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ keyLength) }
                #expect(keyed.code(for: message) == Array(HMAC<SHA256>.authenticationCode(for: message, using: key)))
            }
        }
    }

    /// One keyed value used from many tasks at once: every code is right (each use copies the
    /// keyed state; none feeds the shared one).
    @Test func concurrentUsesDoNotInterfere() async {
        let key = SymmetricKey(size: .bits256)
        let keyed = KeyedHMAC(key: key)
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<500 {
                        let message = Array("\(task)-\(round)".utf8)
                        if keyed.code(for: message) != Array(HMAC<SHA256>.authenticationCode(for: message, using: key)) {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
