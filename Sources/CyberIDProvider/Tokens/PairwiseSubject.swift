import CyberIDBase64URL
import CyberIDKeys
import Crypto

/// Pairwise subject identifiers (OIDC Core §8.1): `base64url(HMAC-SHA256(k, sector ‖ 0x00 ‖
/// network number))`. Stable for one sector, unlinkable across sectors without the key, and
/// revealing nothing about the number.
struct PairwiseSubject: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) { key = masterKey.derive("pairwise-subject v1") }

    func subject(sector: String, networkNumber: String) -> String {
        var message = Array(sector.utf8)
        message.append(0)
        message += Array(networkNumber.utf8)
        return Base64URL.encode(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }
}
