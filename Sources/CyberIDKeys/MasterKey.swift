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
/// creates with mode 0600 on first start. Purpose-specific keys are derived from it with
/// HKDF-SHA256, so that the signing-key seal, the envelope key-encryption key and the blind
/// index never share a key even though they share one root.
public struct MasterKey: Sendable {
    /// Where the key came from, for the start-up message (never the key itself).
    public enum Source: Sendable, Equatable {
        case environment
        case existingFile(String)
        case createdFile(String)
    }

    private let key: SymmetricKey

    /// Wraps raw key bytes.
    /// - Throws: ``KeyError/invalidMasterKey`` unless `bytes` is 32 bytes long.
    public init(bytes: some ContiguousBytes) throws(KeyError) {
        let key = SymmetricKey(data: bytes)
        guard key.bitCount == 256 else { throw .invalidMasterKey("the master key must be 32 bytes") }
        self.key = key
    }

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

    /// Derives the key for one purpose.
    /// - Parameter purpose: a fixed label such as `"signing-keys v1"`; never user input.
    package func derive(_ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: Array("cyberid master key".utf8), info: Array(purpose.utf8), outputByteCount: 32)
    }

    /// Loads the master key: from `environmentValue` when set, else from `data/master.key`,
    /// creating that file (mode 0600, exclusively) on first start.
    /// - Parameters:
    ///   - environmentValue: the value of `CYBERID_MASTER_KEY`, if set.
    ///   - dataDirectory: the data directory holding `master.key`.
    /// - Returns: the key and where it came from.
    /// - Throws: ``KeyError`` for a malformed key, an unreadable file, or a file other users
    ///   may read.
    public static func load(environmentValue: String?, dataDirectory: String) throws(KeyError) -> (MasterKey, Source) {
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
        let key = MasterKey.random()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            // Another process won the race to create it: use theirs.
            if errno == EEXIST { return (try read(path: path), .existingFile(path)) }
            throw .keyFile("cannot create \(path)")
        }
        let bytes = Array((key.base64 + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else { throw .keyFile("cannot write \(path)") }
        return (key, .createdFile(path))
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
