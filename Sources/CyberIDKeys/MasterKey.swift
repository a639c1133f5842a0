import CyberIDBase64URL
public import CyberIDCore
public import Crypto
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The root secret every other stored secret is sealed under.
///
/// It comes from `CYBERID_MASTER_KEY` (32 bytes, base64) or from a key file that the service
/// creates with mode 0600 on first start. Purpose-specific keys are derived with HKDF-SHA256, so
/// that the signing-key seal, the envelope key-encryption key and the blind index never share a
/// key even though they share one root.
///
/// Two kinds of purpose key (docs/keys.md, "Master-key rotation"):
/// - **wrapping keys** (``wrapping(_:)``: the envelope KEK, the signing-key and CA-key seals)
///   come from *this* key, and from the previous key while a rotation runs, so rotating the
///   master key re-wraps what they sealed;
/// - **derived secrets** (``derive(_:)``: blind indexes, pairwise subjects, sealed login state)
///   come from the **derivation root**, which must never change (a platform's `sub`, the
///   one-person-one-number index). The root was the first master key itself; once a database
///   has a master-key row (`master_keys`) the root is kept there, sealed under each master key,
///   and ``MasterKeyRoots`` resolves it at start.
public struct MasterKey: Sendable {
    /// Where the key came from, for the start-up message (never the key itself).
    public enum Source: Sendable, Equatable {
        case environment
        case existingFile(String)
        case createdFile(String)
    }

    private let key: SymmetricKey
    /// The derivation root: this key's bytes until ``resolved(root:)`` sets the stored one.
    private let root: SymmetricKey
    /// The key being rotated away from, still accepted for opening (never for sealing).
    public let previous: Previous?

    /// The previous master key during a rotation: it opens what it wrapped, nothing more.
    public struct Previous: Sendable {
        fileprivate let key: SymmetricKey
        /// Its identifier (see ``MasterKey/keyID``).
        public let keyID: String
    }

    /// Wraps raw key bytes.
    /// - Throws: ``KeyError/invalidMasterKey`` unless `bytes` is 32 bytes long.
    public init(bytes: some ContiguousBytes) throws(KeyError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == 256 else { throw .invalidMasterKey("the master key must be 32 bytes") }
        self.init(key: key, root: key, previous: nil)
    }

    private init(key: SymmetricKey, root: SymmetricKey, previous: Previous?) {
        (self.key, self.root, self.previous) = (key, root, previous)
    }

    /// This key with `previous` accepted for opening (a rotation in progress).
    public func accepting(previous other: MasterKey) -> MasterKey {
        MasterKey(key: key, root: root, previous: Previous(key: other.key, keyID: other.keyID))
    }

    /// This key with the derivation root read from the store (``MasterKeyRoots``).
    package func resolved(root: SymmetricKey) -> MasterKey { MasterKey(key: key, root: root, previous: previous) }

    /// The previous key as a master key of its own (to open the root it sealed).
    package var previousKey: MasterKey? {
        previous.map { MasterKey(key: $0.key, root: $0.key, previous: nil) }
    }

    /// A public identifier of this key (no secret: an HKDF output truncated to 16 bytes,
    /// base64url), naming it in `master_keys`, in logs and in the rotation's report.
    public var keyID: String { Self.identifier(of: key) }

    private static func identifier(of key: SymmetricKey) -> String {
        Base64URL.encode(
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key, salt: Array("cyberid master key".utf8), info: Array("key id v1".utf8),
                outputByteCount: 16
            ).withUnsafeBytes { Array($0) })
    }

    /// The raw bytes of the derivation root, to seal into `master_keys`.
    package var rootBytes: [UInt8] { root.withUnsafeBytes { Array($0) } }

    /// Parses the base64 form used in `CYBERID_MASTER_KEY` and in the key file.
    /// - Throws: ``KeyError/invalidMasterKey``.
    public init(base64: String) throws(KeyError) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .invalidMasterKey("the master key must be base64")
        }
        try self.init(bytes: data)
    }

    /// A fresh random key.
    public static func random() -> MasterKey {
        // A 256-bit SymmetricKey always satisfies the length check.
        try! MasterKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The base64 form, for writing the key file.
    package var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Derives the secret for one purpose from the derivation root (stable across rotations).
    /// - Parameter purpose: a fixed label such as `"pairwise-subject v1"`; never user input.
    package func derive(_ purpose: String) -> SymmetricKey { Self.hkdf(root, purpose) }

    /// The wrapping keys for one purpose: this key's to seal, and the previous key's too to open.
    /// - Parameter purpose: a fixed label such as `"signing-keys v1"`; never user input.
    public func wrapping(_ purpose: String) -> WrappingKeys {
        WrappingKeys(sealing: Self.hkdf(key, purpose), previous: previous.map { Self.hkdf($0.key, purpose) })
    }

    private static func hkdf(_ key: SymmetricKey, _ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: Array("cyberid master key".utf8), info: Array(purpose.utf8), outputByteCount: 32)
    }

    /// Loads the master key: from `environmentValue` when set, else from `data/master.key`,
    /// creating that file (mode 0600, exclusively) on first start; and the previous key of a
    /// rotation, when one is configured (`previousValue` or `data/master.key.previous`).
    /// - Parameters:
    ///   - environmentValue: the value of `CYBERID_MASTER_KEY`, if set.
    ///   - previousValue: the value of `CYBERID_PREVIOUS_MASTER_KEY`, if set.
    ///   - dataDirectory: the data directory holding `master.key`.
    /// - Returns: the key and where it came from.
    /// - Throws: ``KeyError`` for a malformed key, an unreadable file, or a file other users
    ///   may read.
    public static func load(
        environmentValue: String?, previousValue: String? = nil, dataDirectory: String
    ) throws(KeyError) -> (MasterKey, Source) {
        let previousPath = URL(fileURLWithPath: dataDirectory).appendingPathComponent("master.key.previous").path
        let previous: MasterKey? =
            if let previousValue, !previousValue.isEmpty { try MasterKey(base64: previousValue) }
            else if FileManager.default.fileExists(atPath: previousPath) { try read(path: previousPath) }
            else { nil }
        let currentPath = URL(fileURLWithPath: dataDirectory).appendingPathComponent("master.key").path
        // During a rotation a missing current key is a mistake, never a first start: creating
        // one would seal new records under a key no other node has.
        if previous != nil, environmentValue?.isEmpty ?? true, !FileManager.default.fileExists(atPath: currentPath) {
            throw .invalidMasterKey(
                "a previous master key is configured but the current one is missing (CYBERID_MASTER_KEY or \(currentPath))")
        }
        let (key, source) = try loadCurrent(environmentValue: environmentValue, dataDirectory: dataDirectory)
        guard let previous else { return (key, source) }
        guard previous.keyID != key.keyID else {
            throw .invalidMasterKey("the previous master key is the current one")
        }
        return (key.accepting(previous: previous), source)
    }

    private static func loadCurrent(environmentValue: String?, dataDirectory: String) throws(KeyError) -> (MasterKey, Source) {
        if let environmentValue, !environmentValue.isEmpty {
            return (try MasterKey(base64: environmentValue), .environment)
        }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("master.key").path
        if FileManager.default.fileExists(atPath: path) {
            return (try read(path: path), .existingFile(path))
        }
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw .keyFile("cannot create the data directory \(dataDirectory)")
        }
        do {
            return (try create(path: path), .createdFile(path))
        } catch where error.code == KeyError.keyFileExists.code {
            // Another process won the race to create it: use theirs.
            return (try read(path: path), .existingFile(path))
        }
    }

    /// Writes a fresh random key to a new file (mode 0600, created exclusively, fsynced).
    /// - Returns: the key.
    /// - Throws: ``KeyError/keyFileExists(_:)`` when the file exists, else ``KeyError/keyFile(_:)``.
    public static func create(path: String) throws(KeyError) -> MasterKey {
        let key = MasterKey.random()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw errno == EEXIST ? .keyFileExists("\(path) exists") : .keyFile("cannot create \(path)") }
        let bytes = Array((key.base64 + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else { throw .keyFile("cannot write \(path)") }
        return key
    }

    private static func read(path: String) throws(KeyError) -> MasterKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .keyFile("cannot read \(path)") }
        guard info.st_mode & 0o077 == 0 else {
            throw .insecureKeyFile("\(path) may be read by other users; run: chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .keyFile("cannot read \(path)")
        }
        return try MasterKey(base64: text)
    }
}
