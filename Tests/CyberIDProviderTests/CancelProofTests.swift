import CyberIDBase64URL
import CyberIDCore
import CyberIDServices
import CyberIDStore
import CyberIDWallet
import Foundation
import Testing

@testable import CyberIDProvider

/// Review finding 6: one wallet signature (a stolen, unlocked phone) must not give up a number
/// for good. A cancel needs a fresh proof: the chip of the holder's document on record,
/// answering the service's fresh challenge bound to that request's single-use jti.
@Suite struct CancelProofTests {
    /// The chip's 8 bytes for a lifecycle request of `wallet`'s holder made with `jti`, over a
    /// challenge the service just issued.
    static func challenge(_ h: ProviderHarness, _ wallet: Wallet, jti: String) async throws -> [UInt8] {
        let holder = try await h.provider.login.authenticateWalletRequest(
            try wallet.authorization(method: "POST", path: "/wallet/v1/chip-challenge"), method: "POST",
            path: "/wallet/v1/chip-challenge", lifecycle: true
        ).holder
        let issued = try h.provider.login.chipChallenge(for: holder)
        return try h.provider.login.chipChallengeBytes(issued.challenge, purpose: .lifecycle, jti: jti, personID: holder.personID)
    }

    /// A second review's finding: the chip answered a challenge derived from the jti alone, which
    /// the wallet chooses — a chip borrowed once could answer jtis for later. The service's
    /// challenge is required, is the holder's own, and expires.
    @Test func theChipAnswersTheServicesFreshChallenge() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let other = try await h.wallet(number: "E99999999")
            let login = h.provider.login
            let holder = try await login.authenticateWallet(
                try wallet.authorization(method: "POST", path: "/wallet/v1/chip-challenge"), method: "POST",
                path: "/wallet/v1/chip-challenge")
            let otherPerson = try #require(try await h.holder(other))
            await #expect(throws: ProviderError.chipChallengeRequired()) {
                try login.chipChallengeBytes(nil, purpose: .lifecycle, jti: "j", personID: holder.personID)
            }
            await #expect(throws: ProviderError.invalidChipChallenge()) {
                try login.chipChallengeBytes("made-up", purpose: .lifecycle, jti: "j", personID: holder.personID)
            }
            let issued = try login.chipChallenge(for: holder)
            await #expect(throws: ProviderError.invalidChipChallenge()) {
                try login.chipChallengeBytes(issued.challenge, purpose: .lifecycle, jti: "j", personID: otherPerson)
            }
            await #expect(throws: ProviderError.invalidChipChallenge()) {
                try login.chipChallengeBytes(
                    issued.challenge, purpose: .lifecycle, jti: "j", personID: holder.personID,
                    now: Date().addingTimeInterval(LoginService.chipChallengeLifetime + 1))
            }
            // Bound to the purpose and the jti: another request's bytes differ.
            let mine = try login.chipChallengeBytes(issued.challenge, purpose: .lifecycle, jti: "j", personID: holder.personID)
            #expect(mine != (try login.chipChallengeBytes(issued.challenge, purpose: .password, jti: "j", personID: holder.personID)))
            #expect(mine != (try login.chipChallengeBytes(issued.challenge, purpose: .lifecycle, jti: "k", personID: holder.personID)))
            // Two challenges are never the same.
            #expect(try login.chipChallenge(for: holder).challenge != issued.challenge)
        }
    }

    @Test func aCancelNeedsTheHoldersChipAnsweringThisRequest() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let bare = await #expect(throws: (any Error).self) {
                _ = try await h.holder.apply(.cancel, personID: person, reason: "stolen phone, thief cancels")
            }
            #expect((bare as? any ServiceError)?.code == "document-required")
            // A chip answer made for another request's jti.
            let other = try await Self.challenge(h, wallet, jti: "another-request")
            let mine = try await Self.challenge(h, wallet, jti: "this-request")
            let replayed = try #require(try h.present(.own, of: wallet, challenge: Base64URL.encode(other)))
            let refused = await #expect(throws: (any Error).self) {
                _ = try await h.holder.apply(
                    .cancel, personID: person, reason: "r", document: replayed.service, challenge: mine)
            }
            #expect((refused as? any ServiceError)?.code == "active-authentication-failed")
            // Someone else's document.
            let stranger = try h.document(number: "X99887766")
            _ = try await h.enroll(document: stranger)
            let foreign = try #require(try h.present(.other(stranger), of: wallet, challenge: Base64URL.encode(mine)))
            let mismatch = await #expect(throws: (any Error).self) {
                _ = try await h.holder.apply(.cancel, personID: person, reason: "r", document: foreign.service, challenge: mine)
            }
            #expect((mismatch as? any ServiceError)?.code == "document-mismatch")
            #expect(try await h.store.person(id: person)?.state == .active)
            // The holder's own chip, answering this request: cancelled.
            let proof = try #require(try h.present(.own, of: wallet, challenge: Base64URL.encode(mine)))
            let cancelled = try await h.holder.apply(
                .cancel, personID: person, reason: "leaving", document: proof.service, challenge: mine)
            #expect(cancelled.to == .cancelled)
        }
    }

    /// A review's finding: the portal's "I lost my phone" suspends without the phone, and the
    /// phone's wallet could resume at once with one signature. A holder's resume needs the chip,
    /// like a cancel; and while suspended the wallet can do nothing but resume or cancel.
    @Test func theLostPhoneCannotResumeItsSuspension() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            _ = try await h.holder.apply(.suspend, personID: person, reason: "suspended by the person in the portal")
            let bare = await #expect(throws: (any Error).self) {
                _ = try await h.holder.apply(.resume, personID: person, reason: "the thief resumes")
            }
            #expect((bare as? any ServiceError)?.code == "document-required")
            #expect(try await h.store.person(id: person)?.state == .suspended)
            // The wallet's other requests are refused while suspended; its lifecycle request is not.
            let other = await #expect(throws: ProviderError.self) {
                _ = try await h.provider.login.authenticateWallet(
                    try wallet.authorization(method: "GET", path: "/wallet/v1/history"), method: "GET", path: "/wallet/v1/history")
            }
            #expect(other?.code == "person-not-active")
            let lifecycle = try await h.provider.login.authenticateWalletRequest(
                try wallet.authorization(method: "POST", path: "/wallet/v1/lifecycle"), method: "POST",
                path: "/wallet/v1/lifecycle", lifecycle: true)
            #expect(lifecycle.holder.personState == .suspended)
            // The holder's chip, answering this request: resumed, and the wallet works again.
            let challenge = try await Self.challenge(h, wallet, jti: "resume-request")
            let proof = try #require(try h.present(.own, of: wallet, challenge: Base64URL.encode(challenge)))
            let resumed = try await h.holder.apply(
                .resume, personID: person, reason: "found it", document: proof.service, challenge: challenge)
            #expect(resumed.to == .active)
            _ = try await h.provider.login.authenticateWallet(
                try wallet.authorization(method: "GET", path: "/wallet/v1/history"), method: "GET", path: "/wallet/v1/history")
        }
    }
}
