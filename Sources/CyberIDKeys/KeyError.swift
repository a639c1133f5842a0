public import CyberIDCore

/// The domain of ``KeyError``.
public enum KeyDomain: ErrorDomain {}

/// An error raised by key management; the reason never contains key material.
public typealias KeyError = DomainError<KeyDomain>

extension DomainError where Domain == KeyDomain {
    /// The master key is not 32 bytes of base64.
    public static func invalidMasterKey(_ reason: String) -> Self {
        Self(code: "invalid-master-key", kind: .failure, reason: reason)
    }
    /// The master key file can be read by other users.
    public static func insecureKeyFile(_ reason: String) -> Self { Self(code: "insecure-key-file", kind: .failure, reason: reason) }
    /// The master key file could not be created or read.
    public static func keyFile(_ reason: String) -> Self { Self(code: "key-file", kind: .failure, reason: reason) }
    /// A new key file was not written because the file exists.
    public static func keyFileExists(_ reason: String) -> Self { Self(code: "key-file-exists", kind: .failure, reason: reason) }
    /// Sealed data did not authenticate: wrong master key, tampering, or shredded.
    public static func decryptionFailed(_ reason: String) -> Self {
        Self(code: "decryption-failed", kind: .failure, reason: reason)
    }
    /// No signing key is loaded.
    public static func noSigningKey(_ reason: String) -> Self { Self(code: "no-signing-key", kind: .failure, reason: reason) }
    /// The password hash could not be computed.
    public static func passwordHash(_ reason: String) -> Self { Self(code: "password-hash", kind: .failure, reason: reason) }

    /// Matches any `invalid-master-key` error.
    public static var invalidMasterKey: Self { invalidMasterKey("") }
    /// Matches any `insecure-key-file` error.
    public static var insecureKeyFile: Self { insecureKeyFile("") }
    /// Matches any `key-file` error.
    public static var keyFile: Self { keyFile("") }
    /// Matches any `key-file-exists` error.
    public static var keyFileExists: Self { keyFileExists("") }
    /// Matches any `decryption-failed` error.
    public static var decryptionFailed: Self { decryptionFailed("") }
    /// Matches any `no-signing-key` error.
    public static var noSigningKey: Self { noSigningKey("") }
}
