/// An error raised by key management.
public struct KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidMasterKey = "invalid_master_key"
            case insecureKeyFile = "insecure_key_file"
            case keyFile = "key_file"
            case decryptionFailed = "decryption_failed"
            case noSigningKey = "no_signing_key"
        }

        fileprivate let base: Base

        /// The wire form of the code.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation; never contains key material.
    public let reason: String

    private init(_ base: Code.Base, _ reason: String) {
        self.code = Code(base: base)
        self.reason = reason
    }

    /// The master key is not 32 bytes of base64.
    public static func invalidMasterKey(_ reason: String) -> KeyError { KeyError(.invalidMasterKey, reason) }
    /// The master key file can be read by other users.
    public static func insecureKeyFile(_ reason: String) -> KeyError { KeyError(.insecureKeyFile, reason) }
    /// The master key file could not be created or read.
    public static func keyFile(_ reason: String) -> KeyError { KeyError(.keyFile, reason) }
    /// Sealed data did not authenticate: wrong master key, tampering, or shredded.
    public static func decryptionFailed(_ reason: String) -> KeyError { KeyError(.decryptionFailed, reason) }
    /// No signing key is loaded.
    public static func noSigningKey(_ reason: String) -> KeyError { KeyError(.noSigningKey, reason) }

    /// Matches any `invalid_master_key` error.
    public static let invalidMasterKey = KeyError(.invalidMasterKey, "")
    /// Matches any `insecure_key_file` error.
    public static let insecureKeyFile = KeyError(.insecureKeyFile, "")
    /// Matches any `key_file` error.
    public static let keyFile = KeyError(.keyFile, "")
    /// Matches any `decryption_failed` error.
    public static let decryptionFailed = KeyError(.decryptionFailed, "")
    /// Matches any `no_signing_key` error.
    public static let noSigningKey = KeyError(.noSigningKey, "")

    public static func == (lhs: KeyError, rhs: KeyError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }
}
