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
/// Format: base64url(`0x02` ‖ salt[16] ‖ ciphertext ‖ tag[16]), AES-256-GCM. Each message gets
/// its own key, HKDF(purpose key, random 128-bit salt), used exactly once, so the GCM nonce can
/// be fixed (zero) and no nonce-collision bound applies however many tokens a key seals; the
/// purpose is also the AAD, so a token sealed for one use never opens as another.
struct Sealer: Sendable {
    private let key: SymmetricKey
    private let purpose: [UInt8]

    /// - Parameters:
    ///   - masterKey: the service's master key.
    ///   - purpose: a fixed label such as `"login-ticket v1"`.
    init(masterKey: MasterKey, purpose: String) {
        key = masterKey.derive("sealer \(purpose)")
        self.purpose = Array(purpose.utf8)
    }

    func seal(_ value: some Encodable) throws -> String {
        try seal(bytes: Array(try JSONEncoder().encode(value)))
    }

    func seal(bytes: [UInt8]) throws -> String {
        let salt = SecureRandom.bytes(16)
        let box = try AES.GCM.seal(bytes, using: messageKey(salt), nonce: Self.nonce, authenticating: purpose)
        return Base64URL.encode([2] + salt + Array(box.ciphertext) + Array(box.tag))
    }

    /// Opens a sealed string, or `nil` for anything this sealer did not make.
    func open<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        guard let plain = openBytes(text) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(plain))
    }

    func openBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count < 8192, let bytes = Base64URL.decode(text), bytes.count >= 1 + 16 + 16, bytes[0] == 2
        else { return nil }
        let salt = Array(bytes[1..<17])
        guard let box = try? AES.GCM.SealedBox(nonce: Self.nonce, ciphertext: bytes[17..<(bytes.count - 16)], tag: bytes[(bytes.count - 16)...]),
            let plain = try? AES.GCM.open(box, using: messageKey(salt), authenticating: purpose)
        else { return nil }
        return Array(plain)
    }

    private static let nonce = try! AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))

    private func messageKey(_ salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: purpose, outputByteCount: 32)
    }
}
