import CyberIDAdapters
import CyberIDCore
import CyberIDVault
import CyberIDEnrollment
import CyberIDStore
import CyberIDWallet
import CyberIDRelyingParty
import Foundation
import Synchronization
import Testing

@testable import CyberIDProvider

/// A face matcher that knows one face: "live face" matches, anything else does not; it
/// remembers the portraits it was given.
final class RecordingFaceMatcher: FaceMatcher {
    static let face = Array("live face".utf8)
    let portraits = Mutex<[[UInt8]]>([])
    var threshold: Double { 0.8 }
    func score(live: [UInt8], portrait: [UInt8]) async throws -> Double {
        portraits.withLock { $0.append(portrait) }
        return live == Self.face ? 0.95 : 0.1
    }
}

@Suite struct ReverificationPolicyTests {
    /// Moves the person's last verification `seconds` into the past.
    static func age(_ h: ProviderHarness, _ wallet: Wallet, by seconds: TimeInterval) async throws {
        let person = try #require(try await h.holder(wallet))
        _ = try await h.store.database.write { connection in
            try await connection.execute(
                "UPDATE persons SET verified_at = $1 WHERE id = $2",
                [.integer(Int64((Date().timeIntervalSince1970 - seconds) * 1000)), .text(person)])
        }
    }

    @Test func anIntervalSinceTheLastVerificationDemandsAReverificationThatResetsIt() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (shop, shopSecret) = try await h.client(sector: "shop.example")
            let (bank, bankSecret) = try await h.client(sector: "bank.example")
            try await h.store.setReverificationInterval(scope: "*", seconds: 3_600, at: Date())
            // Just enrolled: within the interval.
            _ = try await h.login(client: shop, secret: shopSecret, wallet: wallet)
            try await Self.age(h, wallet, by: 7_200)
            for client in [shop, bank] {
                let login = try await h.start(ProviderHarness.request(client: client.id))
                await #expect(throws: ProviderError.reverificationRequired("")) { try await h.approve(login, with: wallet) }
            }
            // The bank's own, longer interval overrides the global one for the bank only.
            try await h.store.setReverificationInterval(scope: bank.id, seconds: 86_400, at: Date())
            _ = try await h.login(client: bank, secret: bankSecret, wallet: wallet)
            let refused = try await h.start(ProviderHarness.request(client: shop.id))
            await #expect(throws: ProviderError.reverificationRequired("")) { try await h.approve(refused, with: wallet) }
            // A re-verification at the shop renews the person's verification time for every platform.
            let login = try await h.start(ProviderHarness.request(client: shop.id))
            #expect(try await h.approve(login, with: wallet, reverify: true).status == "approved")
            _ = try await h.login(client: shop, secret: shopSecret, wallet: wallet)
            let person = try #require(try await h.holder(wallet))
            let history = try await h.store.history(personID: person, limit: 20)
            #expect(history.contains { $0.event == "reverification" && $0.outcome == "failure" })
            // Cleared: no interval applies any more.
            try await h.store.setReverificationInterval(scope: "*", seconds: nil, at: Date())
            try await h.store.setReverificationInterval(scope: bank.id, seconds: nil, at: Date())
            #expect(try await h.store.reverificationIntervals().isEmpty)
            try await Self.age(h, wallet, by: 10 * 86_400)
            _ = try await h.login(client: shop, secret: shopSecret, wallet: wallet)
        }
    }

    @Test func aPlatformIntervalShorterThanTheGlobalOneAppliesToThatPlatform() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (shop, shopSecret) = try await h.client(sector: "shop.example")
            let (bank, _) = try await h.client(sector: "bank.example")
            try await h.store.setReverificationInterval(scope: "*", seconds: 30 * 86_400, at: Date())
            try await h.store.setReverificationInterval(scope: bank.id, seconds: 600, at: Date())
            try await Self.age(h, wallet, by: 3_600)
            _ = try await h.login(client: shop, secret: shopSecret, wallet: wallet)
            let login = try await h.start(ProviderHarness.request(client: bank.id))
            await #expect(throws: ProviderError.reverificationRequired("")) { try await h.approve(login, with: wallet) }
            #expect(try await h.store.reverificationIntervals().map(\.scope).sorted() == ["*", bank.id].sorted())
        }
    }

    @Test func withAFaceMatcherAReverificationNeedsTheHoldersFace() async throws {
        let matcher = RecordingFaceMatcher()
        try await ProviderHarness.with(faceMatcher: matcher) { h in
            let wallet = try await h.wallet()
            #expect(wallet.file.assuranceLevel == "high")
            let (client, secret) = try await h.client(sector: "shop.example")
            let (_, first) = try await h.login(client: client, secret: secret, wallet: wallet)
            let basic = "Basic " + Data("\(client.id):\(secret!)".utf8).base64EncodedString()
            try await h.provider.tokens.flagForReverification(
                ClientCredentials(authorization: basic, form: FormParameters(["sub": first.sub, "reason": "unusual"])))
            let login = try await h.start(ProviderHarness.request(client: client.id))
            await #expect(throws: ProviderError.faceCheckRequired()) { try await h.approve(login, with: wallet, reverify: true) }
            // An image other than the one the approval signed is refused before any matching.
            await #expect(throws: ProviderError.invalidWalletSignature("")) {
                try await h.approve(
                    login, with: wallet, reverify: true, faceImage: RecordingFaceMatcher.face, signedFace: Array("x".utf8))
            }
            await #expect(throws: ProviderError.faceMismatch()) {
                try await h.approve(login, with: wallet, reverify: true, faceImage: Array("another face".utf8))
            }
            // A mismatch ends that login (one try per transaction); the restriction stays.
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken) == .denied)
            await #expect(throws: ProviderError.loginAlreadyDecided()) {
                try await h.approve(login, with: wallet, reverify: true, faceImage: RecordingFaceMatcher.face)
            }
            let next = try await h.start(ProviderHarness.request(client: client.id))
            await #expect(throws: ProviderError.reverificationRequired("")) { try await h.approve(next, with: wallet) }
            #expect(
                try await h.approve(next, with: wallet, reverify: true, faceImage: RecordingFaceMatcher.face).status == "approved")
            // The matcher always compared against the portrait kept from the chip at enrollment.
            let portraits = matcher.portraits.withLock { $0 }
            #expect(portraits.count == 3 && !portraits[0].isEmpty && Set(portraits).count == 1)
            // Lifted: the next login needs neither acknowledgement nor face.
            _ = try await h.login(client: client, secret: secret, wallet: wallet)
        }
    }

    @Test func withoutAReferencePortraitTheFaceCheckAsksForADeviceReplacement() async throws {
        // Enrolled before the service had a matcher: no portrait was kept.
        let matcher = RecordingFaceMatcher()
        try await ProviderHarness.with(faceMatcher: matcher, enrollWithFaceCheck: false) { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client(sector: "shop.example")
            try await h.store.setReverificationInterval(scope: client.id, seconds: 60, at: Date())
            try await Self.age(h, wallet, by: 120)
            let login = try await h.start(ProviderHarness.request(client: client.id))
            await #expect(throws: ProviderError.faceReferenceMissing()) {
                try await h.approve(login, with: wallet, reverify: true, faceImage: RecordingFaceMatcher.face)
            }
            #expect(matcher.portraits.withLock { $0.isEmpty })
        }
    }

    /// Issue 12, finding 3: the chip's answer is bound to this login, and the approval to the chip.
    @Test func aChipAnswerForAnotherLoginOrAnUnsignedDocumentIsRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client(sector: "shop.example")
            try await h.store.setReverificationInterval(scope: client.id, seconds: 60, at: Date())
            try await Self.age(h, wallet, by: 120)
            let earlier = try await h.start(ProviderHarness.request(client: client.id))
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let (link, view) = try await RelayProofTests.scan(h, login, at: Date())
            let (_, earlierView) = try await RelayProofTests.scan(h, earlier, at: Date())
            // The chip's answer to the earlier login's challenge, replayed here.
            let replayed = try #require(try h.present(.own, of: wallet, challenge: earlierView.aaChallenge))
            let approval = try wallet.decision(
                on: ProviderHarness.requestView(view), approve: true, consent: [], reverify: true,
                match: login.matchNumber, document: replayed.wallet)
            let refused = await #expect(throws: (any Error).self) {
                try await h.provider.login.decide(ticket: link.ticket, approval: approval, document: replayed.service)
            }
            #expect((refused as? any ServiceError)?.code == "active-authentication-failed")
            // A document other than the one the approval signed.
            let fresh = try #require(try h.present(.own, of: wallet, challenge: view.aaChallenge))
            await #expect(throws: ProviderError.invalidWalletSignature("")) {
                try await h.provider.login.decide(ticket: link.ticket, approval: approval, document: fresh.service)
            }
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken) == .pending)
            #expect(try await h.approve(login, with: wallet, reverify: true).status == "approved")
        }
    }
}
