import CyberIDCore
import CyberIDDevTools
import CyberIDIssuance
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CyberIDServer

/// The console's administration use cases (issue 15): the trust store with its end dates, a
/// platform changed under the registration's rules, the statistics, and their pages.
@Suite struct ConsoleAdministrationTests {
    static let year: TimeInterval = 365 * 86_400

    func pem(_ csca: DevDocumentFactory.CSCA) throws -> [UInt8] {
        Array(try csca.certificate.serializeAsPEM().pemString.utf8)
    }

    @Test func theTrustStoreShowsCountriesAndEndDatesAndMarksWhatEndsSoon() async throws {
        try await withTestApp { _, runtime async throws in
            let now = Date()
            let admin = runtime.admin.acting(as: "Registrar Li")
            // 15-year CSCAs: one made 15 years less 30 days ago ends within the 90-day warning.
            let ending = try DevDocumentFactory.CSCA.make(country: "FRA", at: now - 15 * Self.year + 30 * 86_400)
            let fresh = try DevDocumentFactory.CSCA.make(country: "CHN", at: now)
            let added = try await admin.trustCSCAs(try pem(ending) + Array("\n".utf8) + (try pem(fresh)))
            #expect(added.map(\.added) == [true, true])
            #expect(try await admin.trustCSCAs(try pem(fresh)).map(\.added) == [false])
            let crl = try runtime.authority.crl(revoked: [], now: now, lifetime: 3_600)
            #expect(try await admin.loadCRL(crl).added)
            let view = try await admin.trustStoreView(now: now)
            #expect(view.map(\.kind) == [.crl, .csca, .csca])  // the soonest end first
            #expect(view[0].expiringSoon && !view[0].expired)  // next update in an hour
            #expect(view[1].country == "FR" && view[1].expiringSoon && !view[1].expired)
            #expect(view[2].country == "CN" && !view[2].expiringSoon && !view[2].expired)
            // Two hours on, the CRL is overdue.
            let later = try await admin.trustStoreView(now: now + 7_200)
            #expect(later[0].kind == .crl && later[0].expired && !later[0].expiringSoon)
            await #expect(throws: AdminError(code: "invalid-certificate", kind: .invalid, reason: "")) {
                try await admin.trustCSCAs(Array("-----BEGIN CERTIFICATE-----\nnot a certificate".utf8))
            }
            await #expect(throws: AdminError(code: "invalid-crl", kind: .invalid, reason: "")) {
                try await admin.loadCRL(try pem(fresh))
            }
            let actions = try await runtime.store.auditEntries().suffix(3).map { "\($0.actor) \($0.action)" }
            #expect(actions == ["Registrar Li trust.add-csca", "Registrar Li trust.add-csca", "Registrar Li trust.add-crl"])
        }
    }

    @Test func aPlatformIsChangedUnderTheRegistrationsRulesAndAudited() async throws {
        try await withTestApp { _, runtime async throws in
            let admin = runtime.admin.acting(as: "Platforms Zhao")
            let (client, secret) = try await admin.registerClient(
                ClientRegistration(
                    name: "Bank", redirectURIs: ["https://bank.example/cb"], legalBasis: "Anti-money-laundering law"))
            #expect(secret != nil && client.metadata.scopes.contains(.realname))
            let changed = try await admin.changeClient(
                id: client.id, ClientChange(name: " Bank Two ", legalBasis: "", eventsURI: "https://bank.example/events"))
            // Without a legal basis the real-name scopes go; the sector and redirect URIs stay.
            #expect(changed.name == "Bank Two" && changed.metadata.legalBasis == nil)
            #expect(!changed.metadata.scopes.contains(where: \.needsLegalBasis) && changed.metadata.scopes.contains(.age))
            #expect(changed.metadata.eventsURI == "https://bank.example/events")
            let stored = try await admin.client(id: client.id)
            #expect(stored.name == "Bank Two" && stored.metadata.sector == "bank.example" && stored.secretHash == client.secretHash)
            for bad in [
                ClientChange(name: "Bank", legalBasis: nil, eventsURI: "http://bank.example/events"),
                ClientChange(name: " ", legalBasis: nil, eventsURI: nil),
                ClientChange(name: FirstPartyClient.portal.name, legalBasis: nil, eventsURI: nil),
            ] {
                await #expect(throws: ProviderError.self) { try await admin.changeClient(id: client.id, bad) }
            }
            await #expect(throws: ProviderError.self) {
                try await runtime.provider.clients.change(id: FirstPartyClient.console.id, ClientChange(name: "X", legalBasis: nil, eventsURI: nil))
            }
            await #expect(throws: AdminError.unknownClient("c_none")) {
                try await admin.changeClient(id: "c_none", ClientChange(name: "X", legalBasis: nil, eventsURI: nil))
            }
            let last = try #require(try await runtime.store.auditEntries().last)
            #expect(last.action == "client.change" && last.actor == "Platforms Zhao" && last.target == client.id)
        }
    }

    @Test func statisticsCountPerDayAndPlatformInTheOperatorsZone() async throws {
        try await withTestApp { _, runtime async throws in
            let now = Date()
            let zone = TimeZone(identifier: "Asia/Shanghai")!
            _ = try await OperatorTests.person(runtime, "p1", at: now - 1)
            _ = try await OperatorTests.person(runtime, "p2", at: now - 2 * 86_400)
            let (shop, _) = try await runtime.admin.registerClient(
                ClientRegistration(name: "Shop", redirectURIs: ["https://shop.example/cb"]))
            for (person, outcome, ago) in [("p1", "success", 5.0), ("p1", "success", 4), ("p2", "denied", 3), ("p2", "success", 86_400)] {
                _ = try await runtime.store.append(
                    HistoryEntry(personID: person, clientID: shop.id, event: "login", outcome: outcome, occurredAt: now - ago))
            }
            let statistics = try await runtime.admin.statistics(days: 7, zone: zone, now: now)
            #expect(statistics.days.count == 7 && statistics.logins.count == 7 && statistics.enrollments.count == 7)
            #expect(statistics.logins.last == 2 && statistics.logins[5] == 1 && statistics.logins.reduce(0, +) == 3)
            #expect(statistics.activePersons.last == 1 && statistics.refusals.last == 1)
            #expect(statistics.enrollments.last == 1 && statistics.enrollments[4] == 1)
            #expect(statistics.platforms == [NamedCount(name: "Shop", count: 3)])
            #expect(statistics.refusalReasons == [NamedCount(name: "declined", count: 1)])
            // Each day starts at midnight in the zone asked for.
            let calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = zone; return c }()
            #expect(statistics.days.allSatisfy { calendar.dateComponents([.hour, .minute], from: $0) == DateComponents(hour: 0, minute: 0) })
            #expect(calendar.isDate(statistics.days.last!, inSameDayAs: now))
        }
    }
}
