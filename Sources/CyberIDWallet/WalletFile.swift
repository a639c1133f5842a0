public import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#endif

/// Everything a wallet persists after enrollment: the key, the network certificate, and what
/// the service said about them.
///
/// The file holds the private key, so ``save(to:)`` writes it readable by its owner only
/// (mode 0600) and atomically, so that a crash never leaves half a wallet behind.
public struct WalletFile: Codable, Sendable, Equatable {
    /// The base URL of the CyberID service the wallet enrolled with.
    public var server: String
    /// The wallet key, PKCS#8 PEM.
    public var privateKeyPEM: String
    /// The network certificate, PEM.
    public var certificatePEM: String
    /// The issuing CA and root certificates, PEM, as the service returned them.
    public var chainPEM: String
    /// The holder's network number, e.g. `ABCD-EFGH-JKMN-PQRS-T`.
    public var networkNumber: String
    /// The assurance level of the enrollment (`substantial` or `high`).
    public var assuranceLevel: String
    /// When the network certificate expires (its `notAfter`), so apps can warn before it does.
    public var certificateNotAfter: Date
    /// The offline credentials (SD-JWT VCs) the wallet holds, each with its own holder key.
    public var credentials: [StoredCredential]?
    /// The new key of a renewal asked for and not yet answered (PKCS#8 PEM): saved before the
    /// request, so an answer lost on the way is asked for again with the same key
    /// (``preparingRenewal()``).
    public var pendingRenewalKeyPEM: String?

    private enum CodingKeys: String, CodingKey {
        case server
        case privateKeyPEM = "private_key_pem"
        case certificatePEM = "certificate_pem"
        case chainPEM = "chain_pem"
        case networkNumber = "network_number"
        case assuranceLevel = "assurance_level"
        case certificateNotAfter = "certificate_not_after"
        case credentials
        case pendingRenewalKeyPEM = "pending_renewal_key_pem"
    }

    /// Creates a wallet file from all its parts.
    public init(
        server: String, privateKeyPEM: String, certificatePEM: String, chainPEM: String, networkNumber: String,
        assuranceLevel: String, certificateNotAfter: Date
    ) {
        (
            self.server, self.privateKeyPEM, self.certificatePEM, self.chainPEM, self.networkNumber,
            self.assuranceLevel, self.certificateNotAfter
        ) = (
            server, privateKeyPEM, certificatePEM, chainPEM, networkNumber, assuranceLevel, certificateNotAfter
        )
    }

    /// Creates a wallet file, reading ``certificateNotAfter`` from the certificate.
    /// - Throws: ``WalletError/invalidCertificate`` when `certificatePEM` does not parse.
    public init(
        server: String, privateKeyPEM: String, certificatePEM: String, chainPEM: String, networkNumber: String,
        assuranceLevel: String
    ) throws {
        let certificate = try NetworkCertificate(pemEncoded: certificatePEM)
        self.init(
            server: server, privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM, chainPEM: chainPEM,
            networkNumber: networkNumber, assuranceLevel: assuranceLevel,
            certificateNotAfter: certificate.notValidAfter)
    }

    /// The wallet with the key for a renewal set aside: the pending one if a renewal was asked
    /// for and not answered, a new one otherwise. Save the file before asking
    /// (`LoginClient.renew(wallet:key:)`): if the answer is lost, the next renewal sends the same
    /// key and the service answers again with the certificate it issued.
    /// - Throws: ``WalletError/invalidKey`` when the pending key in the file is damaged.
    public func preparingRenewal() throws -> (file: WalletFile, key: WalletKey) {
        if let pendingRenewalKeyPEM {
            return (self, try WalletKey(pemRepresentation: pendingRenewalKeyPEM))
        }
        let key = WalletKey()
        var file = self
        file.pendingRenewalKeyPEM = key.pemRepresentation
        return (file, key)
    }

    /// Writes the wallet as JSON to `path`, replacing any previous file atomically.
    ///
    /// The bytes go to a temporary file in the same directory, created exclusively with mode
    /// 0600 and synced, which is then renamed over `path` (and the directory synced): readers see the old wallet or the
    /// new one, never a mix, and the key is never readable by other users, not even briefly.
    /// - Throws: ``WalletError/walletFile``.
    public func save(to path: String) throws {
        let data: Data
        do {
            data = try json(pretty: true)
        } catch {
            throw WalletError.walletFile("cannot encode the wallet: \(error)")
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw WalletError.walletFile("cannot create \(temporary)") }
        // The umask can only remove bits; make the mode exactly 0600 whatever it is.
        var ok = fchmod(fd, 0o600) == 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard ok, let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    return
                }
                offset += written
            }
        }
        if ok, fsync(fd) != 0 { ok = false }
        if close(fd) != 0 { ok = false }
        guard ok else {
            unlink(temporary)
            throw WalletError.walletFile("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WalletError.walletFile("cannot rename \(temporary) to \(path)")
        }
        // The rename itself survives a power loss only once the directory is synced (a renewal's
        // pending key must be on disk before the request goes out).
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else {
            // A directory one may write but not read (mode 0300) cannot be opened to sync: the
            // file is in place all the same.
            if errno == EACCES || errno == EPERM { return }
            throw WalletError.walletFile("\(path) is saved, but its directory cannot be opened to sync it")
        }
        defer { close(directory) }
        // Some file systems cannot sync a directory (EINVAL, ENOTSUP): the rename is all they offer.
        guard fsync(directory) == 0 || errno == EINVAL || errno == ENOTSUP else {
            throw WalletError.walletFile("cannot sync the directory of \(path)")
        }
    }

    /// Reads a wallet written by ``save(to:)``.
    /// - Throws: ``WalletError/walletFile`` when the file is missing or not a wallet.
    public static func load(from path: String) throws -> WalletFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WalletError.walletFile("cannot read \(path)")
        }
        do {
            return try WalletFile(json: data)
        } catch {
            throw WalletError.walletFile("\(path) is not a wallet file: \(error)")
        }
    }

    /// The wallet as JSON, the one encoding every wallet file uses (dates ISO 8601, keys sorted);
    /// `pretty` for a file a person may read, compact for one wallet a line.
    public func json(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// A wallet from its JSON, as ``json(pretty:)`` writes it.
    public init(json: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(WalletFile.self, from: json)
    }
}
