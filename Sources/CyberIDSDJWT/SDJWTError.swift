/// Why an SD-JWT, a key-binding JWT, a JWS or a JWK was refused.
public struct SDJWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code: `malformed`, `signature`, `disclosure`, `key-binding`, `unsupported`.
    public let code: String
    /// What exactly is wrong (never a secret: no key, no claim value).
    public let reason: String

    public init(code: String, reason: String) { (self.code, self.reason) = (code, reason) }

    public var description: String { "\(code): \(reason)" }

    static func malformed(_ reason: String) -> Self { Self(code: "malformed", reason: reason) }
    static func signature(_ reason: String) -> Self { Self(code: "signature", reason: reason) }
    static func disclosure(_ reason: String) -> Self { Self(code: "disclosure", reason: reason) }
    static func keyBinding(_ reason: String) -> Self { Self(code: "key-binding", reason: reason) }
    static func unsupported(_ reason: String) -> Self { Self(code: "unsupported", reason: reason) }
}
