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

@Suite struct GuardianshipTests {
    @Test func theGuardianLinkEndsAtEighteen() async throws {
        try await Harness.with { h in
            let (guardian, _) = try await h.enroll(try h.document(birth: "1980-02-02", number: "G1234567"))
            // The ward was born 1990-01-01: 17 until 2007-12-31, 18 from 2008-01-01.
            let (ward, _) = try await h.enroll(try h.document(birth: "1990-01-01", number: "W1234567"))
            let lifecycle = LifecycleService(store: h.store)
            let guardianID = try await lifecycle.personID(networkNumber: guardian.networkNumber)
            let wardID = try await lifecycle.personID(networkNumber: ward.networkNumber)
            _ = try await h.store.database.write { connection in
                try await connection.execute("UPDATE persons SET guardian_id = $1 WHERE id = $2", [.text(guardianID), .text(wardID)])
            }
            // Today the ward is an adult: the link has ended by itself.
            let onTheDay = Guardianship(persons: h.store, vault: IdentityVault(masterKey: h.masterKey), today: { try! CalendarDate(iso8601: "2026-11-25") })
            await #expect(throws: LifecycleServiceError.guardianshipEnded()) {
                try await onTheDay.ward(networkNumber: ward.networkNumber, guardianID: guardianID)
            }
            // On the last day before 18, the same link held.
            let earlier = Guardianship(persons: h.store, vault: IdentityVault(masterKey: h.masterKey), today: { try! CalendarDate(iso8601: "2007-12-31") })
            #expect(try await earlier.ward(networkNumber: ward.networkNumber, guardianID: guardianID) == wardID)
            // Someone else is never the guardian.
            await #expect(throws: LifecycleServiceError.notGuardian()) {
                try await earlier.ward(networkNumber: ward.networkNumber, guardianID: "someone")
            }
        }
    }
}
