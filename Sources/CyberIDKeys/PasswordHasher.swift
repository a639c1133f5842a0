public import Crypto
import CyberIDBase64URL
import _CryptoExtras

/// Hashes and checks network-identity passwords (issue 17; the choice is argued in
/// docs/security.md §passwords): scrypt, memory-hard, with a random salt per password, over an
/// HMAC of the password under a *pepper* derived from the master key's root.
///
/// The pepper lives outside the database, so a stolen database alone allows no guessing at
/// all; with the master key as well, each guess of a password still costs one scrypt
/// evaluation (``rounds`` × 1 KiB × `r` of memory). The stored form names its parameters —
/// `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url) — so they can be raised later and old
/// hashes still verify; a hash takes a new cost when the password is next changed or reset
/// (``needsRehash(_:)`` says which hashes are behind).
public struct PasswordHasher: Sendable {
    private let pepper: SymmetricKey
    /// log2 of scrypt's N (CPU/memory cost).
    public let logRounds: Int
    /// scrypt's block size `r`.
    public let blockSize: Int

    /// The default cost: N = 2^14, r = 8, p = 1 — 16 MiB and some 35–70 ms of one core per
    /// check here (docs/benchmarks.md). OWASP's scrypt minimum is N = 2^17 for passwords that
    /// are the only factor; these come after the wallet's key, are locked after five wrong
    /// tries, and are peppered with a key that is not in the database, so the hash's cost only
    /// matters once the database *and* the master key are taken (docs/security.md).
    public static let defaultLogRounds = 14

    /// A hasher whose pepper is derived from the master key (stable across master-key rotation:
    /// it comes from the derivation root).
    public init(masterKey: MasterKey, logRounds: Int = defaultLogRounds, blockSize: Int = 8) {
        self.init(pepper: masterKey.derive("password-pepper v1"), logRounds: logRounds, blockSize: blockSize)
    }

    /// A hasher with an explicit pepper (tests).
    public init(pepper: SymmetricKey, logRounds: Int = defaultLogRounds, blockSize: Int = 8) {
        precondition((10...20).contains(logRounds) && (1...16).contains(blockSize), "scrypt parameters out of range")
        (self.pepper, self.logRounds, self.blockSize) = (pepper, logRounds, blockSize)
    }

    /// The pepper, for tests that build a second hasher with other parameters.
    package var pepperForTests: SymmetricKey { pepper }

    /// The stored form of `password` with a fresh 16-byte salt.
    public func hash(_ password: String) throws(KeyError) -> String {
        let salt = Array(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        let digest = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: 1)
        return ["scrypt", "\(logRounds)", "\(blockSize)", "1", Base64URL.encode(salt), Base64URL.encode(digest)]
            .joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from (constant-time comparison); `false`
    /// for a malformed stored form.
    public func verify(_ password: String, against stored: String) -> Bool {
        guard let parts = Parts(stored),
            let digest = try? derive(
                password, salt: parts.salt, logRounds: parts.logRounds, blockSize: parts.blockSize,
                parallelism: parts.parallelism)
        else { return false }
        return constantTimeEqual(digest, parts.digest)
    }

    /// Whether `stored` was made with other parameters than this hasher's.
    public func needsRehash(_ stored: String) -> Bool {
        guard let parts = Parts(stored) else { return true }
        return parts.logRounds != logRounds || parts.blockSize != blockSize || parts.parallelism != 1
    }

    private func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int)
        throws(KeyError) -> [UInt8]
    {
        let peppered = Array(HMAC<SHA256>.authenticationCode(for: Array(password.utf8), using: pepper))
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: peppered, salt: salt, outputByteCount: 32, rounds: 1 << logRounds, blockSize: blockSize,
                parallelism: parallelism)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .passwordHash("scrypt failed: \(error)")
        }
    }

    /// The fields of a stored form.
    private struct Parts {
        var logRounds: Int
        var blockSize: Int
        var parallelism: Int
        var salt: [UInt8]
        var digest: [UInt8]

        init?(_ stored: String) {
            let fields = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, fields[0] == "scrypt", let log = Int(fields[1]), (10...20).contains(log),
                let r = Int(fields[2]), (1...16).contains(r), let p = Int(fields[3]), (1...4).contains(p),
                let salt = Base64URL.decode(fields[4]), salt.count >= 16, let digest = Base64URL.decode(fields[5]),
                digest.count == 32
            else { return nil }
            (logRounds, blockSize, parallelism, self.salt, self.digest) = (log, r, p, salt, digest)
        }
    }
}
