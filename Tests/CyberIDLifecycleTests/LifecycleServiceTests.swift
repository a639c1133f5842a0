import CyberIDKeys
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDVault
import CyberIDTestSupport
import CyberIDCore
import CyberIDStore
import Foundation
import Testing

@testable import CyberIDLifecycle

@Suite struct LifecycleServiceTests {
    @Test func transitionsAreRecordedWithActorReasonAndHistory() async throws {
        try await Harness.with { h in
            let (issued, _, person) = try await h.enrollPerson()
            let service = LifecycleService(store: h.store)
            #expect(try await service.personID(networkNumber: issued.networkNumber) == person)
            try await service.apply(.suspend, personID: person, actor: .person, reason: "lost phone")
            #expect(try await service.state(personID: person) == .suspended)
            // An administrator's later actions, and the forbidden ones.
            await #expect(throws: LifecycleError.transitionNotAllowed) {
                try await service.apply(.suspend, personID: person, actor: .administrator, reason: "again")
            }
            try await service.apply(.resume, personID: person, actor: .person, reason: "found it")
            try await service.apply(.suspend, personID: person, actor: .administrator, reason: "fraud check")
            await #expect(throws: LifecycleError.actorNotAllowed) {
                try await service.apply(.resume, personID: person, actor: .person, reason: "mine")
            }
            try await service.apply(.resume, personID: person, actor: .administrator, reason: "cleared")
            let events = try await h.store.lifecycleEvents(personID: person)
            #expect(events.map(\.event) == ["suspend", "resume", "suspend", "resume"])
            #expect(events.map(\.actor) == ["person", "person", "administrator", "administrator"])
            #expect(events[2].reason == "fraud check" && events[2].from == .active && events[2].to == .suspended)
            let history = try await h.store.history(personID: person, limit: 10)
            #expect(history.map(\.event) == ["resume", "suspend", "resume", "suspend", "enrollment"])
            #expect(history[1].detail.contains("fraud check"))
        }
    }

    @Test func cancellingShredsRetiresRevokesAndIsFinal() async throws {
        try await Harness.with { h in
            let (issued, _, person) = try await h.enrollPerson()
            let service = LifecycleService(store: h.store)
            #expect(try await service.personID(networkNumber: issued.networkNumber) == person)
            try await service.apply(.cancel, personID: person, actor: .person, reason: "leaving")
            let record = try #require(try await h.store.person(id: person))
            #expect(record.state == .cancelled && record.recordWrappedKey == nil && !record.recordCiphertext.isEmpty)
            #expect(try IdentityVault(masterKey: h.masterKey).open(record) == nil)
            #expect(try await h.store.networkCertificates(personID: person).allSatisfy { $0.status == .revoked })
            await #expect(throws: StoreError.notFound) { try await service.personID(networkNumber: issued.networkNumber) }
            for event in LifecycleEvent.allCases {
                await #expect(throws: LifecycleError.cancelled) {
                    try await service.apply(event, personID: person, actor: .administrator, reason: "undo")
                }
            }
        }
    }
}
