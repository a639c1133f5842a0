import CyberIDCore
import CyberIDLimits
public import CyberIDStore
import CyberIDVault
public import Foundation

extension LoginService {
    /// Makes an in-person verification code for the holder of an authenticated wallet request
    /// (`POST /wallet/v1/codes`; the wallet's signature binds the body and so the choice of
    /// disclosures). Only the code's keyed digest is stored; a person makes at most
    /// ``ProviderConfiguration/inPersonCodesPerHour`` an hour.
    /// - Parameter disclose: `age` and/or `name` (empty: the confirmation only).
    /// - Throws: ``ProviderError`` `invalid-disclosure`, `person-not-active`; `RateLimitExceeded`
    ///   past the hourly limit.
    public func makeInPersonCode(holder: LoginHolder, disclose: [String], now: Date = Date()) async throws -> InPersonCode {
        let unknown = Set(disclose).subtracting(InPersonCode.disclosures)
        guard unknown.isEmpty else {
            throw ProviderError.invalidDisclosure(
                "disclose may list \(InPersonCode.disclosures.joined(separator: ", ")); not \(unknown.sorted().joined(separator: ", "))")
        }
        guard holder.personState == .active else { throw ProviderError.personNotActiveForCode(holder.personState.rawValue) }
        try await limiter?.hit(
            RateLimit(name: "inperson-code", limit: configuration.inPersonCodesPerHour, window: 3_600), holder.personID)
        let choice = InPersonCode.disclosures.filter(disclose.contains)
        let expiresAt = now.addingTimeInterval(configuration.inPersonCodeLifetime)
        for _ in 0..<3 {
            let code = InPersonCode(random: SecureRandom.bytes(8), disclose: choice, expiresAt: expiresAt)
            guard let canonical = InPersonCode.canonical(code.code) else { continue }
            let stored = InPersonCodeRecord(
                codeHash: codeDigest.digest(canonical), personID: holder.personID,
                certificateSerial: holder.certificateSerial, disclose: choice, expiresAt: expiresAt, createdAt: now)
            if try await store.createInPersonCode(stored) { return code }
        }
        throw ProviderError.codeUsed()
    }
}
