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
/// answering a challenge bound to that request's single-use jti.
@Suite struct CancelProofTests {
    @Test func aCancelNeedsTheHoldersChipAnsweringThisRequest() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let bare = await #expect(throws: (any Error).self) {
                _ = try await h.holder.apply(.cancel, personID: person, reason: "stolen phone, thief cancels")
            }
            #expect((bare as? any ServiceError)?.code == "document-required")
            // A chip answer made for another request's jti.
            let other = LoginService.cancelChallenge(jti: "another-request")
            let mine = LoginService.cancelChallenge(jti: "this-request")
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
}
