public import Crypto
public import Foundation

/// The wallet's P-256 key: the key the network certificate is issued for.
///
/// It is generated on the device and never sent anywhere; only its public half travels, inside
/// the certification request. Phone apps that keep keys in a secure element can still use the
/// rest of this library by converting at the edges; the CLI keeps it in the wallet file.
public struct WalletKey: Sendable {
    /// The private key.
    public let privateKey: P256.Signing.PrivateKey

    /// Generates a fresh random key.
    public init() {
        self.privateKey = P256.Signing.PrivateKey()
    }

    /// Wraps an existing key.
    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Loads a key saved with ``pemRepresentation`` (PKCS#8 `PRIVATE KEY`; SEC 1
    /// `EC PRIVATE KEY` is accepted too).
    /// - Throws: ``WalletError/invalidKey`` when the text is not a P-256 private key.
    public init(pemRepresentation: String) throws {
        do {
            self.privateKey = try P256.Signing.PrivateKey(pemRepresentation: pemRepresentation)
        } catch {
            throw WalletError.invalidKey("the wallet key is not a P-256 private key in PEM form")
        }
    }

    /// The public half, which the certificate binds to the network number.
    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }

    /// The PEM form (PKCS#8) to persist in the wallet file.
    public var pemRepresentation: String { privateKey.pemRepresentation }

    /// Signs bytes with ECDSA P-256 / SHA-256.
    /// - Parameter message: the bytes to sign (they are hashed with SHA-256 here).
    /// - Returns: the signature; use `derRepresentation` for X.509/PKCS#10 and
    ///   `rawRepresentation` (`r ‖ s`) for JOSE.
    public func sign(_ message: some DataProtocol) throws -> P256.Signing.ECDSASignature {
        try privateKey.signature(for: message)
    }
}
