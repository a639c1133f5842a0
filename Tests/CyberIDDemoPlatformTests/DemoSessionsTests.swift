import Foundation
import Mustache
import Testing

@testable import CyberIDDemoPlatform
@testable import CyberIDRelyingParty

@Suite struct DemoSessionsTests {
    static func pending(_ state: String, at time: Date) -> DemoSessions.Pending {
        DemoSessions.Pending(
            request: RelyingParty.AuthorizationRequest(
                url: "http://127.0.0.1:8080/authorize?state=\(state)", state: state, nonce: "n", codeVerifier: "v",
                maxAge: nil, requiredLevel: nil),
            scope: .age, startedAt: time)
    }

    @Test func aSessionEndsAfterThirtyIdleMinutesAndAVisitKeepsItAlive() {
        let sessions = DemoSessions()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let token = sessions.start(now: start)
        #expect(sessions.isLive(token, now: start.addingTimeInterval(29 * 60)))
        #expect(sessions.isLive(token, now: start.addingTimeInterval(58 * 60)))
        #expect(!sessions.isLive(token, now: start.addingTimeInterval(88 * 60 + 1)))
        #expect(sessions.count == 0)
        #expect(!sessions.isLive(nil) && !sessions.isLive("unknown"))
    }

    @Test func atCapacityTheLeastRecentlySeenSessionGoes() {
        let sessions = DemoSessions(capacity: 2)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first = sessions.start(now: start)
        let second = sessions.start(now: start.addingTimeInterval(1))
        #expect(sessions.isLive(first, now: start.addingTimeInterval(2)))
        let third = sessions.start(now: start.addingTimeInterval(3))
        #expect(sessions.count == 2)
        #expect(!sessions.isLive(second, now: start.addingTimeInterval(4)))
        #expect(sessions.isLive(first, now: start.addingTimeInterval(4)))
        #expect(sessions.isLive(third, now: start.addingTimeInterval(4)))
    }

    @Test func aPendingLoginIsTakenOnceByItsStateOnlyFromItsSession() {
        let sessions = DemoSessions()
        let now = Date()
        let token = sessions.start(now: now)
        let other = sessions.start(now: now)
        #expect(sessions.addPending(Self.pending("s1", at: now), to: token, now: now))
        #expect(sessions.addPending(Self.pending("s2", at: now), to: token, now: now))
        #expect(sessions.takePending(state: "s1", from: other, now: now) == nil)
        #expect(sessions.takePending(state: "s1", from: token, now: now)?.request.nonce == "n")
        #expect(sessions.takePending(state: "s1", from: token, now: now) == nil)
        #expect(sessions.takePending(state: "s2", from: token, now: now.addingTimeInterval(601)) == nil)
        #expect(!sessions.addPending(Self.pending("s3", at: now), to: "gone", now: now))
    }

    @Test func tokensAreCookieSafeAndDistinct() {
        let tokens = (0..<50).map { _ in DemoSessions.newToken() }
        #expect(Set(tokens).count == 50)
        #expect(tokens.allSatisfy { $0.count == 43 && !$0.contains(where: { "+/=;, ".contains($0) }) })
    }
}

@Suite struct DemoStringsTests {
    @Test func bothLanguagesHaveTheSameKeysAndPlaceholders() {
        #expect(Set(DemoStrings.english.keys) == Set(DemoStrings.chinese.keys))
        for key in DemoStrings.english.keys {
            #expect(
                Self.placeholders(DemoStrings.english[key] ?? "") == Self.placeholders(DemoStrings.chinese[key] ?? ""),
                "\(key)")
        }
    }

    @Test func everyKeyTheTemplatesAndTheReportUseExists() throws {
        let templates = [DemoTemplates.layout] + DemoPages.Template.allCases.map(DemoTemplates.source(of:))
        var keys = Set<String>()
        for template in templates {
            _ = try MustacheTemplate(string: template)
            for part in template.components(separatedBy: "{{t.").dropFirst() {
                keys.insert(String(part.prefix { $0 != "}" }))
            }
        }
        keys.formUnion(ClaimsReport.order.map { "demo_claim_\($0)" } + ["demo_claim_other"])
        keys.formUnion(ClaimsReport.PersonalField.allCases.map(\.labelKey) + ClaimsReport.Fact.allCases.map(\.labelKey))
        keys.formUnion(["demo_figure", "demo_figure_sentence", "demo_field_none", "demo_list_separator"])
        for key in keys.sorted() {
            #expect(DemoStrings.english[key] != nil && DemoStrings.chinese[key] != nil, "\(key)")
        }
    }

    static func placeholders(_ text: String) -> Set<String> {
        Set(text.components(separatedBy: "%{").dropFirst().map { String($0.prefix { $0 != "}" }) })
    }
}
