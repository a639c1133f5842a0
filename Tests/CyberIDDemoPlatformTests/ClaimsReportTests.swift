import CyberIDWeb
import Foundation
import Testing

@testable import CyberIDDemoPlatform

/// The claims of an `openid age` login, as `IDTokenPayload` shows them.
let ageLogin: [String: String] = [
    "iss": "http://127.0.0.1:8080", "sub": "p_3k9Q", "aud": "c_demo", "exp": "1767229200", "iat": "1767225600",
    "auth_time": "1767225590", "nonce": "n-1", "acr": "http://eidas.europa.eu/LoA/substantial", "amr": "hwk",
    "cyberid_verified": "true", "age_over_14": "true", "age_over_18": "true",
]

/// The claims of an `openid realname` login.
let realNameLogin: [String: String] = [
    "iss": "http://127.0.0.1:8080", "sub": "p_3k9Q", "aud": "c_demo", "exp": "1767229200", "iat": "1767225600",
    "auth_time": "1767225590", "nonce": "n-2", "acr": "http://eidas.europa.eu/LoA/substantial",
    "cyberid_verified": "true", "name": "ZHANG SAN", "birthdate": "1990-01-01",
]

@Suite struct ClaimsReportTests {
    @Test func anAgeLoginGivesOnePersonalFieldOfFour() {
        let report = ClaimsReport(claims: ageLogin)
        #expect(report.receivedFields == [.age])
        #expect(report.received == 1)
        #expect(report.figure == "1 of 4")
        #expect(report.notLearned.contains(.name) && report.notLearned.contains(.birthDate))
        #expect(report.notLearned.contains(.idNumber) && report.notLearned.contains(.phone))
        #expect(report.notLearned.contains(.facePhoto) && report.notLearned.contains(.networkNumber))
    }

    @Test func aRealNameLoginIncludesTheNameAndTheBirthDate() {
        let report = ClaimsReport(claims: realNameLogin)
        #expect(report.receivedFields == [.name, .birthdate])
        #expect(report.figure == "2 of 4")
        let learned = Dictionary(uniqueKeysWithValues: report.learned.map { ($0.claim, $0) })
        #expect(learned["name"]?.value == "ZHANG SAN" && learned["name"]?.isPersonal == true)
        #expect(learned["birthdate"]?.value == "1990-01-01" && learned["birthdate"]?.isPersonal == true)
        #expect(!report.notLearned.contains(.name) && !report.notLearned.contains(.birthDate))
        #expect(report.notLearned.contains(.idNumber))
    }

    @Test func bothScopesCountTheAgeOnceAndTheNumberWhenReleased() {
        var claims = ageLogin.merging(realNameLogin) { first, _ in first }
        #expect(ClaimsReport(claims: claims).figure == "3 of 4")
        claims["network_number"] = "123456789012"
        let report = ClaimsReport(claims: claims)
        #expect(report.receivedFields == [.name, .birthdate, .age, .networkNumber])
        #expect(!report.notLearned.contains(.networkNumber))
    }

    /// The verification itself, the pseudonym and the technical claims are not personal fields.
    @Test func theConfirmationAloneIsNoPersonalField() {
        let report = ClaimsReport(claims: ageLogin.filter { !$0.key.hasPrefix("age_") })
        #expect(report.received == 0)
        #expect(report.figure == "0 of 4")
        #expect(report.learned.allSatisfy { !$0.isPersonal })
    }

    @Test(arguments: [ageLogin, realNameLogin, [:], ["sub": "x", "name": "A", "network_number": "1"]])
    func theNotLearnedListNeverHoldsSomethingLearned(_ claims: [String: String]) {
        let report = ClaimsReport(claims: claims)
        for fact in report.notLearned {
            #expect(fact.claims.allSatisfy { claims[$0] == nil }, "\(fact) is learned")
        }
        let learnedFacts = ClaimsReport.Fact.allCases.filter { !$0.claims.allSatisfy { claims[$0] == nil } }
        #expect(Set(learnedFacts).isDisjoint(with: report.notLearned))
        #expect(report.learned.count == claims.count)
    }

    @Test func claimsAreShownInAFixedOrderThenAlphabetically() {
        let report = ClaimsReport(claims: ageLogin.merging(["zeta": "1", "at_hash": "x"]) { first, _ in first })
        let names = report.learned.map(\.claim)
        #expect(names.prefix(3) == ["sub", "cyberid_verified", "acr"])
        #expect(names.suffix(2) == ["at_hash", "zeta"])
        #expect(report.learned.first { $0.claim == "zeta" }?.explanationKey == "demo_claim_other")
        #expect(report.learned.first { $0.claim == "sub" }?.explanationKey == "demo_claim_sub")
    }
}

@Suite struct IDTokenPayloadTests {
    /// A compact JWS whose payload is `json` (the signature is not checked here: the SDK did).
    static func token(_ json: String) -> String {
        let payload = Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "eyJhbGciOiJFUzI1NiJ9.\(payload).c2ln"
    }

    @Test func claimsKeepTheirKindAndTimesShowTheirDate() throws {
        let json = #"{"sub":"p_1","age_over_18":false,"amr":["hwk","pin"],"iat":1767225600,"aud":"c_1","x":1.5}"#
        let payload = try #require(IDTokenPayload(idToken: Self.token(json)))
        #expect(payload.claims["age_over_18"] == "false")
        #expect(payload.claims["amr"] == "hwk, pin")
        #expect(payload.claims["iat"] == "1767225600 (2026-01-01 00:00:00 UTC)")
        #expect(payload.claims["x"] == "1.5")
        #expect(payload.json.contains("\"age_over_18\" : false"))
        #expect(payload.json.hasPrefix("{\n"))
    }

    @Test func notAJWSIsRefused() {
        #expect(IDTokenPayload(idToken: "abc") == nil)
        #expect(IDTokenPayload(idToken: "a.!!!.c") == nil)
        #expect(IDTokenPayload(idToken: Self.token("[1,2]")) == nil)
    }

    /// The demo's words are filled as the service's catalogue fills its own: in one pass, a
    /// value is shown as it is even when it reads like a placeholder.
    @Test func theDemoFillsPlaceholdersInOnePass() {
        #expect(DemoStrings.text("demo_figure", .en, ["received": "1", "collected": "4"]) == "1 of 4")
        #expect(DemoStrings.text("demo_figure", .en, ["received": "%{collected}", "collected": "4"]) == "%{collected} of 4")
        #expect(DemoStrings.text("demo_figure", .zhCN, ["received": "2"]) == "2 / %{collected}")
    }
}
