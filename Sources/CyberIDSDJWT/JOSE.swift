public import Crypto
import CyberIDBase64URL
import Foundation

/// A P-256 public key in JWK form (RFC 7517): holder keys in `cnf`, proof keys, issuer keys.
public struct ECPublicJWK: Sendable, Equatable {
    public var x: String
    public var y: String
    public var kid: String?

    /// The JWK of a P-256 public key.
    public init(publicKey: P256.Signing.PublicKey, kid: String? = nil) {
        // X9.63 uncompressed form: 0x04 ‖ X (32) ‖ Y (32).
        let point = Array(publicKey.x963Representation)
        x = Base64URL.encode(point[1..<33])
        y = Base64URL.encode(point[33..<65])
        self.kid = kid
    }

    /// Reads a JWK object; only `kty` EC, `crv` P-256 are accepted, and never a private `d`.
    /// - Throws: ``SDJWTError`` `unsupported` or `malformed`.
    public init(json: JSON) throws(SDJWTError) {
        guard let object = json.object else { throw .malformed("a JWK must be an object") }
        guard object["kty"]?.string == "EC", object["crv"]?.string == "P-256" else {
            throw .unsupported("only EC P-256 keys are accepted")
        }
        guard object["d"] == nil else { throw .malformed("a public JWK must not carry the private key") }
        guard let x = object["x"]?.string, let y = object["y"]?.string else { throw .malformed("a JWK needs x and y") }
        (self.x, self.y, self.kid) = (x, y, object["kid"]?.string)
        _ = try publicKey()
    }

    /// The JSON object (`kty`, `crv`, `x`, `y`, and `kid` when set).
    public var json: JSON {
        var object: [String: JSON] = ["kty": .string("EC"), "crv": .string("P-256"), "x": .string(x), "y": .string(y)]
        if let kid { object["kid"] = .string(kid) }
        return .object(object)
    }

    /// The key.
    /// - Throws: ``SDJWTError`` `malformed` when the coordinates are not a P-256 point.
    public func publicKey() throws(SDJWTError) -> P256.Signing.PublicKey {
        guard let x = Base64URL.decode(x), let y = Base64URL.decode(y), x.count == 32, y.count == 32,
            let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
        else { throw .malformed("the JWK is not a P-256 point") }
        return key
    }

    /// The RFC 7638 thumbprint.
    public var thumbprint: String {
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(SHA256.hash(data: Array(canonical.utf8)))
    }
}

/// A compact JWS (RFC 7515) with JSON header and payload objects, ES256 only (or, for an
/// unsigned request object, `none`).
public struct CompactJWS: Sendable, Equatable {
    /// The protected header.
    public let header: [String: JSON]
    /// The payload claims.
    public let payload: [String: JSON]
    /// `base64url(header) "." base64url(payload)`, the signed bytes.
    public let signingInput: String
    /// The signature (`r ‖ s`, 64 bytes for ES256; empty for `none`).
    public let signature: [UInt8]
    /// The compact serialization.
    public var compact: String { signingInput + "." + Base64URL.encode(signature) }

    /// Parses a compact JWS of at most `maxBytes` (64 KiB unless said: a status list token may
    /// be larger).
    /// - Throws: ``SDJWTError`` `malformed`.
    public init(compact: some StringProtocol, maxBytes: Int = 65_536) throws(SDJWTError) {
        guard compact.utf8.count <= maxBytes else { throw .malformed("the JWS is too large") }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
            let payloadBytes = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2]))
        else { throw .malformed("not a compact JWS") }
        guard let header = try JSON(parsing: headerBytes).object, let payload = try JSON(parsing: payloadBytes).object else {
            throw .malformed("the JWS header and payload must be JSON objects")
        }
        (self.header, self.payload, self.signature) = (header, payload, signature)
        self.signingInput = parts[0] + "." + parts[1]
    }

    /// Signs `payload` with ES256; `alg` is set in the header.
    public static func sign(
        header: [String: JSON], payload: [String: JSON], key: P256.Signing.PrivateKey
    ) throws -> CompactJWS {
        try sign(header: header, payload: payload) { Array(try key.signature(for: Array($0.utf8)).rawRepresentation) }
    }

    /// Signs with any ES256 signer (an HSM, a secure element): `sign` gets the signing input
    /// and returns `r ‖ s`.
    public static func sign(
        header: [String: JSON], payload: [String: JSON], sign: (String) throws -> [UInt8]
    ) throws -> CompactJWS {
        var header = header
        header["alg"] = .string("ES256")
        let input = Base64URL.encode(JSON.object(header).encoded) + "." + Base64URL.encode(JSON.object(payload).encoded)
        return try CompactJWS(compact: input + "." + Base64URL.encode(try sign(input)), maxBytes: .max)
    }

    /// An unsigned JWS (`alg: none`, RFC 7519 §6), e.g. an OpenID4VP request object whose
    /// client identifier prefix forbids signing.
    public static func unsigned(header: [String: JSON], payload: [String: JSON]) throws(SDJWTError) -> CompactJWS {
        var header = header
        header["alg"] = .string("none")
        return try CompactJWS(
            compact: Base64URL.encode(JSON.object(header).encoded) + "." + Base64URL.encode(JSON.object(payload).encoded) + ".",
            maxBytes: .max)
    }

    /// Checks an ES256 signature with `key`.
    /// - Throws: ``SDJWTError`` `signature` for another algorithm or a bad signature.
    public func verify(with key: P256.Signing.PublicKey) throws(SDJWTError) {
        guard header["alg"]?.string == "ES256" else { throw .signature("only ES256 signatures are accepted") }
        guard header["crit"] == nil else { throw .signature("no critical header extension is understood") }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(signature, for: Array(signingInput.utf8))
        else { throw .signature("the signature does not verify") }
    }
}
