import CyberIDBase64URL
import CyberIDKeys
import CyberIDVault
import Crypto
import Foundation

/// Seals small JSON values into opaque, tamper-proof, confidential strings (login tickets,
/// authorization codes, access tokens, pushed requests), so that the state of a login can
/// travel with it and any server process can continue it — the database then only holds what
/// must be single-use.
///
/// Format: base64url(`0x03` ‖ salt[16] ‖ ciphertext ‖ tag[16]), AES-256-GCM. Each message gets
/// its own key, HKDF-Expand(purpose key, purpose ‖ salt, 32 bytes) with a random 128-bit salt
/// (RFC 5869 §2.3; the Extract step is skipped because the purpose key is already a uniformly
/// random key from the master key's HKDF, §3.3), used exactly once, so the GCM nonce can be fixed
/// (zero): two tokens share a key and nonce only if their random salts collide (a birthday bound
/// near 2^64 tokens, instead of GCM's nonce bound per key); the purpose is also the AAD, so a
/// token sealed for one use never opens as another.
///
/// Version `0x02` (the same, with each message key HKDF-Extract(salt, purpose key) then Expand)
/// is still opened, so that what was sealed before an upgrade — or by a node not yet upgraded —
/// keeps working; it cost twice the HMACs per message (the sixth step, benchmarks.md).
struct Sealer: Sendable {
    /// The form new tokens take unless told otherwise.
    static let currentForm: UInt8 = 3

    private let key: SymmetricKey
    private let purpose: [UInt8]
    /// The form this sealer seals in (both are opened).
    private let form: UInt8

    /// - Parameters:
    ///   - masterKey: the service's master key.
    ///   - purpose: a fixed label such as `"login-ticket v1"`.
    ///   - form: the form of the tokens it seals, 3 or 2 (a 2 only while older nodes run).
    init(masterKey: MasterKey, purpose: String, form: UInt8 = Sealer.currentForm) {
        precondition(form == 2 || form == 3, "sealing forms are 2 and 3")
        self.form = form
        key = masterKey.derive("sealer \(purpose)")
        self.purpose = Array(purpose.utf8)
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    func seal(_ value: some Encodable) throws -> String {
        try seal(bytes: Array(try Self.encoder.encode(value)))
    }

    func seal(bytes: [UInt8]) throws -> String {
        let salt = SecureRandom.bytes(16)
        let box = try AES.GCM.seal(bytes, using: messageKey(salt, form: form), nonce: Self.nonce, authenticating: purpose)
        var token = [UInt8]()
        token.reserveCapacity(1 + 16 + bytes.count + 16)
        token.append(form)
        token += salt
        token += box.ciphertext
        token += box.tag
        return Base64URL.encode(token)
    }

    /// Opens a sealed string, or `nil` for anything this sealer did not make.
    func open<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        guard let plain = openBytes(text) else { return nil }
        return try? Self.decoder.decode(T.self, from: Data(plain))
    }

    func openBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count < 8192, let bytes = Base64URL.decode(text), bytes.count >= 1 + 16 + 16,
            bytes[0] == 3 || bytes[0] == 2
        else { return nil }
        let salt = Array(bytes[1..<17])
        guard let box = try? AES.GCM.SealedBox(nonce: Self.nonce, ciphertext: bytes[17..<(bytes.count - 16)], tag: bytes[(bytes.count - 16)...]),
            let plain = try? AES.GCM.open(box, using: messageKey(salt, form: bytes[0]), authenticating: purpose)
        else { return nil }
        return Array(plain)
    }

    private static let nonce = try! AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))

    /// A message's key: HKDF-Expand(purpose key, purpose ‖ salt, 32) for version 3 — for 32 bytes
    /// that is its first block T(1) = HMAC(purpose key, info ‖ 0x01), computed as that one HMAC
    /// (swift-crypto's `HKDF.expand` gives the same key, tested, at 1.6 × the cost) — and the
    /// full HKDF with the salt for version 2 (the only two forms: the initialiser and `openBytes`
    /// let no other through).
    private func messageKey(_ salt: [UInt8], form: UInt8) -> SymmetricKey {
        switch form {
        case 2:
            return HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: purpose, outputByteCount: 32)
        case 3:
            var info = purpose
            info.reserveCapacity(purpose.count + salt.count + 1)
            info += salt
            info.append(1)
            return SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: info, using: key))
        default:
            preconditionFailure("sealing forms are 2 and 3")
        }
    }
}
