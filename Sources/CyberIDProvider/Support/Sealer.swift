import CyberIDBase64URL
import CyberIDKeys
import CyberIDVault
import Crypto
import Foundation

/// Seals small values into opaque, tamper-proof, confidential strings (login tickets,
/// authorization codes, access tokens, pushed requests), so that the state of a login can
/// travel with it and any server process can continue it — the database then only holds what
/// must be single-use.
///
/// Format: base64url(form ‖ salt[16] ‖ ciphertext ‖ tag[16]), AES-256-GCM. Each message gets
/// its own key, HKDF-Expand(purpose key, purpose ‖ salt, 32 bytes) with a random 128-bit salt
/// (RFC 5869 §2.3; the Extract step is skipped because the purpose key is already a uniformly
/// random key from the master key's HKDF, §3.3), used exactly once, so the GCM nonce can be fixed
/// (zero): two tokens share a key and nonce only if their random salts collide (a birthday bound
/// near 2^64 tokens, instead of GCM's nonce bound per key); the purpose is also the AAD (with
/// form 4, the purpose and the form byte), so a token sealed for one use never opens as another.
///
/// The form byte says how the key was derived and what the plaintext is:
/// - `0x04`: the key as above; the plaintext is the value's binary layout (``BinarySealable``,
///   `CyberIDBytes`) — the login's request, the code, the access token and the QR scan proof,
///   which cost a JSON encoding or decoding at every step of a login (benchmarks.md, "The eighth
///   step");
/// - `0x03`: the key as above; the plaintext is JSON (values without a binary layout, and every
///   value while `CYBERID_SEALING_FORM=3`), or the caller's own bytes (``seal(bytes:)``: the
///   ticket, which is binary already);
/// - `0x02` (still opened, sealed only with `CYBERID_SEALING_FORM=2`): JSON, each message key
///   HKDF-Extract(salt, purpose key) then Expand — twice the HMACs per message (the sixth step,
///   benchmarks.md).
///
/// Every form is opened, so that what was sealed before an upgrade — or by a node not yet
/// upgraded — keeps working; nodes of an older release open only the forms they knew
/// (operations.md, "Rolling upgrades").
struct Sealer: Sendable {
    /// The form new tokens take unless told otherwise.
    static let currentForm: UInt8 = 4

    private let key: SymmetricKey
    private let purpose: [UInt8]
    /// Form 4's AAD, `purpose ‖ 0x04`, made once rather than for every token.
    private let purposeAndFormFour: [UInt8]
    /// The form this sealer seals in (all are opened): 4 seals values without a binary layout,
    /// and raw bytes, as 3.
    private let form: UInt8

    /// - Parameters:
    ///   - masterKey: the service's master key.
    ///   - purpose: a fixed label such as `"login-ticket v1"`.
    ///   - form: the form of the tokens it seals, 4, 3 or 2 (3 or 2 only while older nodes run).
    init(masterKey: MasterKey, purpose: String, form: UInt8 = Sealer.currentForm) {
        precondition((2...4).contains(form), "sealing forms are 2, 3 and 4")
        self.form = form
        key = masterKey.derive("sealer \(purpose)")
        self.purpose = Array(purpose.utf8)
        purposeAndFormFour = self.purpose + [4]
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    /// Seals a value as JSON (forms 2 and 3).
    func seal(_ value: some Encodable) throws -> String {
        try seal(Array(try Self.encoder.encode(value)), form: min(form, 3))
    }

    /// Seals a value in its binary layout (form 4), or as JSON while this sealer seals an older
    /// form.
    func seal(_ value: some BinarySealable) throws -> String {
        guard form == 4 else { return try seal(Array(try Self.encoder.encode(value)), form: form) }
        return try seal(value.layoutBytes, form: 4)
    }

    /// Seals the caller's own bytes (forms 2 and 3; ``openBytes(_:)`` opens them).
    func seal(bytes: [UInt8]) throws -> String {
        try seal(bytes, form: min(form, 3))
    }

    private func seal(_ bytes: [UInt8], form: UInt8) throws -> String {
        let salt = SecureRandom.bytes(16)
        let box = try AES.GCM.seal(
            bytes, using: messageKey(salt, form: form), nonce: Self.nonce, authenticating: authenticatedData(form))
        var token = [UInt8]()
        token.reserveCapacity(1 + 16 + bytes.count + 16)
        token.append(form)
        token += salt
        token += box.ciphertext
        token += box.tag
        return Base64URL.encode(token)
    }

    /// Opens a sealed JSON value, or `nil` for anything this sealer did not make as JSON.
    func open<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        guard let (form, plain) = openAny(text), form != 4 else { return nil }
        return try? Self.decoder.decode(T.self, from: Data(plain))
    }

    /// Opens a sealed value of either layout — binary (form 4) or JSON (2 and 3) — or `nil` for
    /// anything this sealer did not make. A binary layout must be read whole.
    func open<T: BinarySealable>(_ text: String, as type: T.Type) -> T? {
        guard let (form, plain) = openAny(text) else { return nil }
        guard form == 4 else { return try? Self.decoder.decode(T.self, from: Data(plain)) }
        return T(layoutBytes: plain)
    }

    /// Opens what ``seal(bytes:)`` sealed (forms 2 and 3), or `nil`.
    func openBytes(_ text: String) -> [UInt8]? {
        guard let (form, plain) = openAny(text), form != 4 else { return nil }
        return plain
    }

    private func openAny(_ text: String) -> (UInt8, [UInt8])? {
        guard text.utf8.count < 8192, let bytes = Base64URL.decode(text), bytes.count >= 1 + 16 + 16,
            (2...4).contains(bytes[0])
        else { return nil }
        let salt = Array(bytes[1..<17])
        guard let box = try? AES.GCM.SealedBox(nonce: Self.nonce, ciphertext: bytes[17..<(bytes.count - 16)], tag: bytes[(bytes.count - 16)...]),
            let plain = try? AES.GCM.open(
                box, using: messageKey(salt, form: bytes[0]), authenticating: authenticatedData(bytes[0]))
        else { return nil }
        return (bytes[0], Array(plain))
    }

    /// The AAD: the purpose, and for form 4 its form byte too (`purpose ‖ 0x04`), so that a
    /// form-3 token whose first byte is changed to 4 (the same message key) fails its tag instead
    /// of being read as a binary layout, and a form-4 token changed to 3 likewise.
    private func authenticatedData(_ form: UInt8) -> [UInt8] {
        form == 4 ? purposeAndFormFour : purpose
    }

    private static let nonce = try! AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))

    /// A message's key: HKDF-Expand(purpose key, purpose ‖ salt, 32) for forms 3 and 4 — for 32 bytes
    /// that is its first block T(1) = HMAC(purpose key, info ‖ 0x01), computed as that one HMAC
    /// (swift-crypto's `HKDF.expand` gives the same key, tested, at 1.6 × the cost) — and the
    /// full HKDF with the salt for form 2 (the only forms: the initialiser and `openAny` let no
    /// other through).
    private func messageKey(_ salt: [UInt8], form: UInt8) -> SymmetricKey {
        switch form {
        case 2:
            return HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: purpose, outputByteCount: 32)
        case 3, 4:
            var info = purpose
            info.reserveCapacity(purpose.count + salt.count + 1)
            info += salt
            info.append(1)
            return SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: info, using: key))
        default:
            preconditionFailure("sealing forms are 2, 3 and 4")
        }
    }
}
