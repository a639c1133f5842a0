import BigInt
import Crypto
import Foundation

/// Active authentication (Doc 9303-11 §6.1): the chip signs the verifier's random challenge with
/// the private key whose public half is in DG15. Copying a chip's data groups is easy; copying
/// its private key is not, so a clone fails here.
enum ActiveAuthentication {
    /// Verifies the chip's answer.
    /// - Parameters:
    ///   - signature: what the chip returned.
    ///   - challenge: the 8-byte challenge the service sent.
    ///   - key: the DG15 public key.
    /// - Returns: whether the answer proves possession of the DG15 key for this challenge.
    static func isValid(signature: [UInt8], challenge: [UInt8], key: PublicKey) -> Bool {
        switch key {
        case .p256(let key):
            // ECDSA with a plain (r ‖ s) signature (BSI TR-03111), over SHA-256 of the challenge.
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA256.hash(data: challenge))
        case .p384(let key):
            guard let signature = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA384.hash(data: challenge))
        case .p521(let key):
            guard let signature = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: SHA512.hash(data: challenge))
        case .rsa(let modulus, let exponent, _):
            return ISO9796Scheme1.verify(signature: signature, challenge: challenge, modulus: modulus, exponent: exponent)
        }
    }
}

/// ISO/IEC 9796-2 digital signature scheme 1 with SHA-1 and partial message recovery, the RSA
/// active-authentication signature of Doc 9303-11 §6.1.2.
///
/// The chip builds `F = 0x6A ‖ M1 ‖ SHA-1(M1 ‖ M2) ‖ 0xBC`, where `M2` is the challenge and `M1`
/// a nonce of its own filling the modulus, and returns `s = F^d mod n`. The verifier recovers
/// `F = s^e mod n` (or `n − F` when `F` does not end in 0xBC, as the standard allows), checks
/// the header and trailer, and recomputes the hash with the challenge. No swift-crypto API
/// exposes the raw RSA public operation, so this uses attaswift/BigInt for `s^e mod n`. (The
/// private one, for dev chips, is BoringSSL's: `DevDocumentFactory.signChallenge`.)
package enum ISO9796Scheme1 {
    static func verify(signature: [UInt8], challenge: [UInt8], modulus: [UInt8], exponent: [UInt8]) -> Bool {
        let n = BigUInt(Data(modulus))
        let s = BigUInt(Data(signature))
        guard n > 0, s > 0, s < n else { return false }
        let k = modulus.count
        var f = s.power(BigUInt(Data(exponent)), modulus: n)
        if f % 256 != 0xBC { f = n - f }
        var representative = Array(f.serialize())
        guard representative.count <= k else { return false }
        representative = [UInt8](repeating: 0, count: k - representative.count) + representative
        // The representative has the bit length of n (leading zero bytes removed).
        while representative.first == 0 { representative.removeFirst() }
        let hashLength = 20
        guard representative.count > hashLength + 2, representative.first == 0x6A, representative.last == 0xBC else {
            return false
        }
        let m1 = representative[1..<(representative.count - hashLength - 1)]
        let digest = representative[(representative.count - hashLength - 1)..<(representative.count - 1)]
        return Array(Insecure.SHA1.hash(data: Array(m1) + challenge)) == Array(digest)
    }

    /// The message representative a chip signs for `challenge`, `k` bytes long (the modulus's
    /// length): `0x6A ‖ M1 ‖ SHA-1(M1 ‖ challenge) ‖ 0xBC` with a random `M1`. Below any modulus
    /// of `k` bytes whose top bit is set (a key whose bit length is a multiple of 8, as every key
    /// the factory makes), so a raw private operation signs it; for another, BoringSSL refuses
    /// it as out of range.
    /// For `cyberid dev` documents and tests only.
    package static func representative(challenge: [UInt8], modulusBytes k: Int) -> [UInt8] {
        let m1 = (0..<(k - 20 - 2)).map { _ in UInt8.random(in: 0...255) }
        return [0x6A] + m1 + Array(Insecure.SHA1.hash(data: m1 + challenge)) + [0xBC]
    }
}
