import Crypto
import CyberIDBase64URL
import Foundation

/// One SD-JWT disclosure of an object property (RFC 9901 §4.2.1): `[salt, name, value]`,
/// base64url-encoded. The digest is taken over the encoding as received, never re-encoded.
public struct Disclosure: Sendable, Equatable {
    /// The base64url text, as it appears between `~`.
    public let encoded: String
    public let salt: String
    public let name: String
    public let value: JSON

    /// A new disclosure with a fresh 128-bit salt.
    public init(name: String, value: JSON) {
        self.init(salt: RandomToken.make(), name: name, value: value)
    }

    /// A disclosure with a given salt (tests, fixtures).
    public init(salt: String, name: String, value: JSON) {
        (self.salt, self.name, self.value) = (salt, name, value)
        encoded = Base64URL.encode(JSON.array([.string(salt), .string(name), value]).encoded)
    }

    /// Parses a received disclosure.
    /// - Throws: ``SDJWTError`` `disclosure` unless it is a three-element array whose first two
    ///   elements are strings (array-element disclosures are not used by CyberID credentials).
    public init(encoded: String) throws(SDJWTError) {
        guard let bytes = Base64URL.decode(encoded), case .array(let items) = try JSON(parsing: bytes) else {
            throw .disclosure("a disclosure is not base64url JSON")
        }
        guard items.count == 3, let salt = items[0].string, let name = items[1].string else {
            throw .disclosure("a disclosure must be [salt, claim name, value]")
        }
        (self.encoded, self.salt, self.name, self.value) = (encoded, salt, name, items[2])
    }

    /// The digest that the issuer-signed JWT lists in `_sd`: base64url(SHA-256(encoded)).
    public var digest: String { Base64URL.encode(SHA256.hash(data: Array(encoded.utf8))) }
}

/// Random base64url tokens from the system CSPRNG: salts, nonces, request and state ids — for
/// the modules that ship outside the server (wallet, verifier), which have no `SecureRandom`.
public enum RandomToken {
    /// `bytes` random bytes (128 bits by default), base64url.
    public static func make(bytes: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
