/// Why a presentation was refused, or the verifier could not decide.
public struct VerifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `malformed`, `signature`, `disclosure`, `key-binding`, `expired`, `revoked`, `suspended`,
    /// `status-unavailable`, `issuer-unavailable`, `not-disclosed`, `wrong-credential`.
    public let code: String
    /// What is wrong (no claim values).
    public let reason: String

    public init(code: String, reason: String) { (self.code, self.reason) = (code, reason) }

    public var description: String { "\(code): \(reason)" }
}
