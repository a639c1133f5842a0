import CyberIDCore
import CyberIDRelyingParty
import CyberIDServices
import CyberIDStore
import CyberIDWallet
import Foundation
import Testing

@testable import CyberIDProvider

/// In-person verification codes (网证 code, issue 17).
@Suite struct InPersonCodeTests {
    /// A verifier's request, authenticated as at the token endpoint.
    static func verify(_ h: ProviderHarness, _ client: Client, _ secret: String?, _ code: String, now: Date = Date())
        async throws -> InPersonVerification
    {
        let basic = "Basic " + Data("\(client.id):\(secret ?? "")".utf8).base64EncodedString()
        return try await h.provider.tokens.verifyInPersonCode(
            ClientCredentials(authorization: basic, form: FormParameters(["code": code])), now: now)
    }

    static func holder(_ h: ProviderHarness, _ wallet: Wallet) async throws -> LoginHolder {
        try await h.provider.login.authenticateWallet(
            try wallet.authorization(method: "POST", path: "/wallet/v1/codes"), method: "POST", path: "/wallet/v1/codes")
    }

    @Test func aCodeIsVerifiedOnceWithTheVerifiersOwnPairwiseSub() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (hotel, hotelSecret) = try await h.client(sector: "hotel.example")
            let (station, stationSecret) = try await h.client(sector: "station.example")
            let holder = try await Self.holder(h, wallet)
            let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            #expect(code.code.count == 11 && code.qr == "CYBERID:" + code.code.replacingOccurrences(of: "-", with: ""))
            let verified = try await Self.verify(h, hotel, hotelSecret, code.code)
            #expect(verified.verified && verified.acr == "http://eidas.europa.eu/LoA/substantial" && verified.amr == ["hwk"])
            #expect(verified.ageOver18 == nil && verified.name == nil)
            // The hotel's sub for this person is the one its logins get.
            let (_, token) = try await h.login(client: hotel, secret: hotelSecret, wallet: wallet)
            #expect(verified.sub == token.sub)
            await #expect(throws: ProviderError.codeUsed()) { try await Self.verify(h, station, stationSecret, code.code) }
            await #expect(throws: ProviderError.codeUsed()) { try await Self.verify(h, hotel, hotelSecret, code.qr) }
            // Another verifier knows the person by another sub.
            let second = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            let atStation = try await Self.verify(h, station, stationSecret, second.qr.lowercased())
            #expect(atStation.sub != verified.sub)
            // Each verification is in the person's history, with its verifier.
            let history = try await h.store.history(personID: holder.personID, limit: 20)
                .filter { $0.event == "in-person-verification" && $0.outcome == "success" }
            #expect(Set(history.compactMap(\.clientID)) == [hotel.id, station.id])
        }
    }

    /// A review's finding: the login ticket carries 255 bytes of the sector; a longer one gave
    /// logins another `sub` than in-person codes, and two platforms whose long sectors share
    /// their first 255 bytes the same `sub` for everyone.
    @Test func aLongSectorGivesLoginsAndCodesOneSubAndStaysApart() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let stem = String(repeating: "s", count: 280)
            let (first, firstSecret) = try await h.client(sector: stem + ".one.example")
            let (second, secondSecret) = try await h.client(sector: stem + ".two.example")
            let holder = try await Self.holder(h, wallet)
            let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            let verified = try await Self.verify(h, first, firstSecret, code.code)
            let (_, atFirst) = try await h.login(client: first, secret: firstSecret, wallet: wallet)
            let (_, atSecond) = try await h.login(client: second, secret: secondSecret, wallet: wallet)
            #expect(atFirst.sub == verified.sub)
            #expect(atFirst.sub != atSecond.sub)
        }
    }

    /// A review's finding: a platform registered for R02–R04 verified codes made with the wallet's
    /// key alone — a stolen, unlocked phone passed at its counter what its logins refuse.
    @Test func aPlatformWhoseLoginsNeedMoreThanTheKeyVerifiesNoCode() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let holder = try await Self.holder(h, wallet)
            for mode in AuthenticationMode.allCases {
                var registration = ClientRegistration(name: "Counter \(mode.rawValue)", redirectURIs: [ProviderHarness.redirect])
                registration.defaultMode = mode
                let (client, secret) = try await h.provider.clients.register(registration)
                let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
                if mode == .r01 {
                    #expect(try await Self.verify(h, client, secret, code.code).verified)
                } else {
                    await #expect(throws: ProviderError.modeNotMetForCode(""), "\(mode)") {
                        try await Self.verify(h, client, secret, code.code)
                    }
                }
            }
        }
    }

    @Test func expiredUnknownAndSuspendedAreRefusedAndSaySo() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, secret) = try await h.client()
            let holder = try await Self.holder(h, wallet)
            let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            await #expect(throws: ProviderError.codeExpired()) {
                try await Self.verify(h, client, secret, code.code, now: Date().addingTimeInterval(61))
            }
            await #expect(throws: ProviderError.unknownCode()) { try await Self.verify(h, client, secret, "00000-00000") }
            await #expect(throws: ProviderError.unknownCode()) { try await Self.verify(h, client, secret, "not a code") }
            await #expect(throws: ProviderError.invalidClient("")) { try await Self.verify(h, client, "wrong", code.code) }
            let live = try await h.provider.login.makeInPersonCode(holder: holder, disclose: ["age"])
            _ = try await h.holder.apply(.suspend, personID: holder.personID, reason: "lost phone")
            await #expect(throws: ProviderError.personNotActive("")) { try await Self.verify(h, client, secret, live.code) }
            // A suspended holder's wallet makes no code: its requests are refused at once.
            await #expect(throws: ProviderError.personNotActive("")) { try await Self.holder(h, wallet) }
            var suspended = holder
            suspended.personState = .suspended
            await #expect(throws: ProviderError.personNotActive("")) {
                try await h.provider.login.makeInPersonCode(holder: suspended, disclose: [])
            }
            let history = try await h.store.history(personID: holder.personID, limit: 20)
            #expect(history.contains { $0.event == "in-person-verification" && $0.outcome == "failure" })
        }
    }

    @Test func onlyWhatThePersonChoseIsDisclosedAndNamesOnlyWithALegalBasis() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet(birth: "1990-01-01")
            let (shop, shopSecret) = try await h.client(sector: "shop.example")
            let (police, policeSecret) = try await h.client(
                sector: "police.example", scopes: ["openid", "realname"], legalBasis: "Hotel registration act §3")
            let holder = try await Self.holder(h, wallet)
            let make = { (disclose: [String]) in try await h.provider.login.makeInPersonCode(holder: holder, disclose: disclose) }
            let age = try await Self.verify(h, shop, shopSecret, try await make(["age"]).code)
            #expect(age.ageOver18 == true && age.ageOver14 == true && age.name == nil && age.birthdate == nil)
            let nameAtShop = try await Self.verify(h, shop, shopSecret, try await make(["name"]).code)
            #expect(nameAtShop.name == nil && nameAtShop.birthdate == nil && nameAtShop.ageOver18 == nil)
            let nameAtPolice = try await Self.verify(h, police, policeSecret, try await make(["name"]).code)
            #expect(nameAtPolice.name?.isEmpty == false && nameAtPolice.birthdate == "1990-01-01")
            #expect(nameAtPolice.ageOver18 == nil)
            let nothing = try await Self.verify(h, police, policeSecret, try await make([]).code)
            #expect(nothing.name == nil && nothing.ageOver18 == nil)
            await #expect(throws: ProviderError.invalidDisclosure("")) { try await make(["network_number"]) }
        }
    }

    /// A platform that flagged the person for re-verification learns nothing from their code
    /// until they re-verify (as its logins are refused); another platform is not affected.
    @Test func aPlatformsReverificationDemandHoldsInPersonToo() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (hotel, hotelSecret) = try await h.client(sector: "hotel.example")
            let (station, stationSecret) = try await h.client(sector: "station.example")
            let holder = try await Self.holder(h, wallet)
            let (_, token) = try await h.login(client: hotel, secret: hotelSecret, wallet: wallet)
            let basic = "Basic " + Data("\(hotel.id):\(hotelSecret ?? "")".utf8).base64EncodedString()
            try await h.provider.tokens.flagForReverification(
                ClientCredentials(authorization: basic, form: FormParameters(["sub": token.sub, "reason": "unusual activity"])))
            let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: ["age"])
            let refusal = await #expect(throws: ProviderError.reverificationRequired("")) {
                try await Self.verify(h, hotel, hotelSecret, code.code)
            }
            // Worded for the verifier, and the platform's own reason is not echoed.
            #expect(refusal?.reason.contains("unusual activity") == false && refusal?.reason.contains("person") == true)
            let other = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            #expect(try await Self.verify(h, station, stationSecret, other.code).verified)
        }
    }

    /// A revoked certificate's codes stop working (the wallet that made them is no longer valid).
    @Test func aCodeOfARevokedCertificateIsRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, secret) = try await h.client()
            let holder = try await Self.holder(h, wallet)
            let code = try await h.provider.login.makeInPersonCode(holder: holder, disclose: [])
            #expect(try await h.store.revokeCertificate(serial: holder.certificateSerial, at: Date(), history: nil))
            await #expect(throws: ProviderError.personNotActiveForCode("")) { try await Self.verify(h, client, secret, code.code) }
        }
    }

    @Test(arguments: [
        ("ABCDE-FGHJK", "ABCDEFGHJK"), ("abcde fghjk", "ABCDEFGHJK"), ("CYBERID:ABCDEFGHJK", "ABCDEFGHJK"),
        ("cyberid:0o1il-ABCDE", "00111ABCDE"), ("OOOOO-IIIII", "0000011111"),
    ])
    func typedFormsAreReadForgivingly(_ text: String, _ canonical: String) {
        #expect(InPersonCode.canonical(text) == canonical)
    }

    @Test(arguments: ["", "ABCDE-FGHJ", "ABCDE-FGHJKL", "ABCDE-FGHJU", "CYBERID:", "ABCDE_FGHJK"])
    func anythingElseIsNotACode(_ text: String) {
        #expect(InPersonCode.canonical(text) == nil)
    }

    @Test func codesAreRandomAndUseTheAlphabet() {
        let codes = (0..<200).map { _ in InPersonCode(random: (0..<8).map { _ in UInt8.random(in: 0...255) }, disclose: [], expiresAt: Date()) }
        #expect(Set(codes.map(\.code)).count == 200)
        #expect(codes.allSatisfy { InPersonCode.canonical($0.code) != nil && InPersonCode.canonical($0.qr) == InPersonCode.canonical($0.code) })
    }
}
