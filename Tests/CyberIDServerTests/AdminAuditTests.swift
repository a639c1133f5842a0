import CyberIDProvider
import CyberIDServices
import CyberIDStore
import Foundation
import Testing

@testable import CyberIDServer

/// Review finding 11: every administrative change is audited with the operator's name, in the
/// same transaction as the change.
@Suite struct AdminAuditTests {
    @Test func theAuditNamesTheOperatorAndAChangeNeverGoesWithoutItsEntry() async throws {
        try await withTestApp { _, runtime async throws in
            let admin = runtime.admin.acting(as: "Li Wei (ops)")
            let (client, _) = try await admin.registerClient(
                ClientRegistration(name: "Shop", redirectURIs: ["https://shop.example/cb"]))
            let entry = try #require(try await runtime.store.auditEntries().last)
            #expect(entry.actor == "Li Wei (ops)" && entry.action == "client.register" && entry.target == client.id)
            try await admin.setReverificationInterval(clientID: nil, seconds: 3_600, reason: "policy 7")
            #expect(try await runtime.store.auditEntries().last?.action == "policy.reverify-interval")

            // The audit table cannot take an entry: the changes do not happen either.
            _ = try await runtime.database.write { try await $0.execute("ALTER TABLE audit_log RENAME TO audit_log_away", []) }
            let clientsBefore = try await admin.allClients().count
            await #expect(throws: (any Error).self) {
                _ = try await admin.registerClient(ClientRegistration(name: "Ghost", redirectURIs: ["https://ghost.example/cb"]))
            }
            await #expect(throws: (any Error).self) {
                try await admin.setReverificationInterval(clientID: nil, seconds: nil, reason: "clear it")
            }
            await #expect(throws: (any Error).self) { try await admin.setClientDisabled(id: client.id, true) }
            _ = try await runtime.database.write { try await $0.execute("ALTER TABLE audit_log_away RENAME TO audit_log", []) }
            #expect(try await runtime.store.clients().count == clientsBefore)
            #expect(try await runtime.store.reverificationIntervals().first?.seconds == 3_600)
            #expect(try await runtime.store.client(id: client.id)?.disabled == false)
            #expect(try await runtime.store.auditEntries().count == 2)
            #expect("\(try await runtime.admin.verifyAudit())" == "intact(entries: 2, checkpoints: 2)")
        }
    }
}
