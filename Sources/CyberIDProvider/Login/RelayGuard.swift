import Crypto
import CyberIDBase64URL
import CyberIDKeys
import CyberIDVault
import Foundation

/// What makes a wallet login relay-proof (docs/relying-parties.md §4a): the animated QR code's
/// authenticator, the page's match number and the wallet's three choices, and the same-device
/// response code.
///
/// Nothing here is stored: each transaction's QR secret and match number are derived from the
/// service's key and the transaction id, so any server process can answer the page's status,
/// draw its QR code and check a wallet's scan. The QR secret never leaves the server (as
/// BankID's `qrStartSecret`): the page is shown the current QR content only, each step anew.
struct RelayGuard: Sendable {
    /// A QR code older than this is refused by the wallet API.
    static let qrLifetime: TimeInterval = 30
    /// A QR step ahead of the server's clock by more than this is refused.
    static let qrSkew: TimeInterval = 5

    private let key: SymmetricKey

    init(masterKey: MasterKey) {
        key = masterKey.derive("login relay-guard v1")
    }

    /// The transaction's QR secret: HMAC(service key, "qr" ‖ transaction).
    private func secret(_ transaction: [UInt8], _ label: String) -> SymmetricKey {
        SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(label.utf8) + transaction, using: key)))
    }

    /// The QR code's authenticator for a time step: base64url of the first 16 bytes of
    /// HMAC-SHA256(QR secret, ASCII(step)).
    func qrAuthenticator(transaction: [UInt8], step: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(String(step).utf8), using: secret(transaction, "qr"))
        return Base64URL.encode(Array(Array(mac).prefix(16)))
    }

    /// Whether `authenticator` is this transaction's for `step` (constant time).
    func isValid(authenticator: String, transaction: [UInt8], step: Int) -> Bool {
        constantTimeEqual(Array(qrAuthenticator(transaction: transaction, step: step).utf8), Array(authenticator.utf8))
    }

    /// The two-digit number the page shows (10–99) and the three the wallet offers: the page's
    /// and two others, all distinct, in an order that does not reveal which is right.
    func matchNumbers(transaction: [UInt8]) -> (number: Int, choices: [Int]) {
        let bytes = Array(HMAC<SHA256>.authenticationCode(for: transaction, using: secret(transaction, "match")))
        // 90 values from two bytes; the bias (65536 mod 90) is below 0.1 % and harmless here.
        let number = 10 + Int(UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 90
        // Two distinct non-zero offsets make two distinct decoys.
        let first = 1 + Int(bytes[2]) % 89
        var second = 1 + Int(bytes[3]) % 88
        if second >= first { second += 1 }
        let numbers = [number] + [first, second].map { (number - 10 + $0) % 90 + 10 }
        let rotation = Int(bytes[4]) % 3
        return (number, Array(numbers[rotation...] + numbers[..<rotation]))
    }

    /// The 8-byte active-authentication challenge a re-verifying chip signs: bound to the
    /// transaction, so a signature made for one login does not serve another.
    func activeAuthenticationChallenge(transaction: [UInt8]) -> [UInt8] {
        Array(Array(HMAC<SHA256>.authenticationCode(for: transaction, using: secret(transaction, "aa"))).prefix(8))
    }

    /// A fresh same-device response code and the hash the decision keeps.
    static func responseCode() -> (code: String, hash: String) {
        let code = SecureRandom.token(bytes: 16)
        return (code, hash(code))
    }

    static func hash(_ code: String) -> String { Base64URL.encode(Array(SHA256.hash(data: Array(code.utf8)))) }
}
