import CyberIDBase64URL
import CyberIDKeys
import Crypto

/// Random identifiers and secrets: `bytes` random bytes, base64url.
func randomToken(bytes: Int = 16) -> String {
    var generator = SystemRandomNumberGenerator()
    return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
}

/// SHA-256, for secrets stored by hash and PKCE.
func sha256(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }

/// Compares two byte strings in time independent of where they differ.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
