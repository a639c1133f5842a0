import CyberIDCore
import CyberIDBase64URL
public import Crypto
public import Foundation

/// One ES256 (ECDSA P-256 with SHA-256) key that signs ID tokens and audit checkpoints.
public struct SigningKey: Sendable {
    /// The JWK `kid`: the RFC 7638 thumbprint of the public key, so it is stable and unique.
    public let kid: String
    /// The private key.
    public let privateKey: P256.Signing.PrivateKey

    /// Wraps a private key, computing its `kid`.
    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.kid = JWK(publicKey: privateKey.publicKey, kid: "").thumbprint
    }

    /// The public half, as a JWK.
    public var jwk: JWK { JWK(publicKey: privateKey.publicKey, kid: kid) }

    /// Signs a JWS signing input.
    /// - Parameter message: the bytes to sign (`BASE64URL(header).BASE64URL(payload)`).
    /// - Returns: the 64-byte JOSE signature `r ‖ s`.
    public func sign(_ message: some DataProtocol) throws -> [UInt8] {
        Array(try privateKey.signature(for: message).rawRepresentation)
    }
}

/// A public key in JWK form (RFC 7517), as published in the JWKS.
public struct JWK: Codable, Sendable, Equatable {
    public var kty = "EC"
    public var crv = "P-256"
    public var x: String
    public var y: String
    public var kid: String
    public var use = "sig"
    public var alg = "ES256"

    /// Builds the JWK of a P-256 public key.
    public init(publicKey: P256.Signing.PublicKey, kid: String) {
        // X9.63 uncompressed form: 0x04 ‖ X (32) ‖ Y (32).
        let point = Array(publicKey.x963Representation)
        x = Base64URL.encode(point[1..<33])
        y = Base64URL.encode(point[33..<65])
        self.kid = kid
    }

    /// The public key this JWK describes.
    /// - Throws: when the coordinates are not a P-256 point.
    public func publicKey() throws -> P256.Signing.PublicKey {
        guard kty == "EC", crv == "P-256", let x = Base64URL.decode(x), let y = Base64URL.decode(y),
            x.count == 32, y.count == 32
        else { throw KeyError.decryptionFailed("not a P-256 JWK") }
        return try P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
    }

    /// The RFC 7638 JWK thumbprint: base64url(SHA-256 of the required members in lexical order).
    public var thumbprint: String {
        let canonical = #"{"crv":"\#(crv)","kty":"\#(kty)","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(SHA256.hash(data: Array(canonical.utf8)))
    }
}

/// A JSON Web Key Set (RFC 7517 §5).
public struct JWKS: Codable, Sendable, Equatable {
    /// The published keys, the active one first.
    public var keys: [JWK]
}
