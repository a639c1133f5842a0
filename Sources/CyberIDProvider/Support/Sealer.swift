import CyberIDKeys
import Crypto
import Foundation

/// Seals small JSON values into opaque, tamper-proof, confidential strings (login tickets,
/// authorization codes, access tokens, pushed requests), so that the state of a login can
/// travel with it and any server process can continue it — the database then only holds what
/// must be single-use.
///
/// Format: base64url(`0x01` ‖ salt[16] ‖ AES-256-GCM combined box(nonce ‖ ciphertext ‖ tag)).
/// Each message gets its own key, HKDF(purpose key, salt), so the random 96-bit GCM nonces
/// never approach their collision bound however many tokens a key seals; the purpose is also
/// the AAD, so a token sealed for one use never opens as another.
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
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let box = try AES.GCM.seal(try JSONEncoder().encode(value), using: messageKey(salt), authenticating: purpose)
        guard let combined = box.combined else { throw ProviderError.invalidRequest("sealing failed") }
        return Base64URL.encode([1] + salt + Array(combined))
    }

    /// Opens a sealed string, or `nil` for anything this sealer did not make.
    func open<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        guard text.utf8.count < 8192, let bytes = Base64URL.decode(text), bytes.count > 1 + 16 + 12 + 16, bytes[0] == 1
        else { return nil }
        let salt = Array(bytes[1..<17])
        guard let box = try? AES.GCM.SealedBox(combined: Data(bytes[17...])),
            let plain = try? AES.GCM.open(box, using: messageKey(salt), authenticating: purpose)
        else { return nil }
        return try? JSONDecoder().decode(T.self, from: plain)
    }

    private func messageKey(_ salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: purpose, outputByteCount: 32)
    }
}
