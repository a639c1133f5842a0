import CyberIDBase64URL
import CyberIDKeys
import Crypto

/// SHA-256, for secrets stored by hash and PKCE.
func sha256(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }

/// Whether `digest` is the base64url SHA-256 of `bytes` (a face image or a request body bound
/// into a wallet JWS), compared in constant time.
func isSHA256(_ digest: String?, of bytes: [UInt8]) -> Bool {
    guard let digest else { return false }
    return constantTimeEqual(Array(sha256Base64URL(bytes).utf8), Array(digest.utf8))
}

/// Base64url SHA-256 of `bytes`.
func sha256Base64URL(_ bytes: [UInt8]) -> String { Base64URL.encode(Array(SHA256.hash(data: bytes))) }
