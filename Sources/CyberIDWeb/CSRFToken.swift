import Crypto
import CyberIDBase64URL

/// The anti-forgery token of a session's forms (issue 14): base64url(SHA-256("cyberid csrf v1"
/// ‖ session token)). Another site cannot read it (it is in the page, not a cookie), it reveals
/// nothing of the session's cookie, and it needs no key — it survives master-key rotation and
/// is the same on every node. Every POST form carries it in a hidden `csrf` field; the
/// `SameSite=Lax` cookie and the `Origin` check are the other two layers.
public enum CSRFToken {
    /// The token of the session whose cookie holds `sessionToken`.
    public static func token(forSession sessionToken: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array("cyberid csrf v1".utf8) + Array(sessionToken.utf8)))
    }

    /// Whether a submitted token is this session's (constant-time comparison).
    public static func isValid(_ submitted: String?, forSession sessionToken: String) -> Bool {
        guard let submitted else { return false }
        let expected = Array(token(forSession: sessionToken).utf8)
        let given = Array(submitted.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
