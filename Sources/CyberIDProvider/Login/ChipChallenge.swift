import Crypto
import CyberIDCore
public import CyberIDStore
import CyberIDVault
public import Foundation

/// A challenge the service issues for a wallet request proved with the document's chip (a
/// cancel, a holder's own resume, a first password set late). Sealed: the person it is for, 16
/// random bytes, its expiry.
struct ChipChallengeState: Codable {
    var person: String
    var nonce: String
    var expiresAt: Double

    enum CodingKeys: String, CodingKey { case person = "p", nonce = "n", expiresAt = "e" }
}

/// What a chip-proved wallet request is for: its challenge's domain.
public enum ChipProofPurpose: String, Sendable {
    /// `POST /wallet/v1/lifecycle`: a cancel, or the holder's own resume.
    case lifecycle = "cyberid cancel v2"
    /// `POST /wallet/v1/password`: a first password set more than a day after enrollment.
    case password = "cyberid password v2"
}

extension LoginService {
    /// How long an issued chip challenge can be used.
    public static let chipChallengeLifetime: TimeInterval = 120

    /// `POST /wallet/v1/chip-challenge`: a fresh challenge for the holder's next chip-proved
    /// request. Until 2026-12-06 the chip answered a challenge derived from the request's `jti`
    /// alone, which the wallet chooses: someone holding the passport for a while could have its
    /// chip answer `jti`s of their choice and use them later with the unlocked phone (a review's
    /// finding). A challenge from the service exists only once the request is being made.
    public func chipChallenge(for holder: LoginHolder, now: Date = Date()) throws -> (challenge: String, expiresAt: Date) {
        let expiresAt = now.addingTimeInterval(Self.chipChallengeLifetime)
        let state = ChipChallengeState(
            person: holder.personID, nonce: SecureRandom.token(bytes: 16), expiresAt: expiresAt.timeIntervalSince1970)
        return (try sealers.chipChallenge.seal(state), expiresAt)
    }

    /// The 8 bytes the chip signs for a request of `purpose`: the first bytes of
    /// SHA-256(purpose ‖ 0x00 ‖ challenge ‖ 0x00 ‖ jti), where `challenge` is one this service
    /// issued to this person, still fresh, and `jti` the request's own (single-use) `jti`.
    /// - Throws: ``ProviderError`` `chip-challenge-required`, `invalid-chip-challenge`.
    public func chipChallengeBytes(
        _ challenge: String?, purpose: ChipProofPurpose, jti: String, personID: String, now: Date = Date()
    ) throws(ProviderError) -> [UInt8] {
        guard let challenge, !challenge.isEmpty else { throw .chipChallengeRequired() }
        guard let state = sealers.chipChallenge.open(challenge, as: ChipChallengeState.self), state.person == personID,
            now.timeIntervalSince1970 < state.expiresAt
        else { throw .invalidChipChallenge() }
        return Self.chipProofChallenge(purpose, challenge: challenge, jti: jti)
    }

    /// SHA-256(purpose ‖ 0x00 ‖ challenge ‖ 0x00 ‖ jti), its first 8 bytes (what a wallet
    /// computes too).
    public static func chipProofChallenge(_ purpose: ChipProofPurpose, challenge: String, jti: String) -> [UInt8] {
        var message = Array(purpose.rawValue.utf8)
        message.append(0)
        message += Array(challenge.utf8)
        message.append(0)
        message += Array(jti.utf8)
        return Array(SHA256.hash(data: message).prefix(8))
    }
}
