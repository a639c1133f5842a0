import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

@Suite struct BackendCoverageTests {
    /// Makes a missing PostgreSQL server visible: this test is reported as skipped with the
    /// reason, and fails outright when CI demands PostgreSQL (`CYBERID_REQUIRE_POSTGRES=1`).
    @Test(.enabled(if: Backend.postgresURL != nil, "PostgreSQL store tests skipped: CYBERID_TEST_POSTGRES_URL is not set"))
    func postgresBackendIsUnderTest() async throws {
        try await withTestDatabase(.postgres) { database async throws in
            #expect(database.dialect == .postgres)
            try await database.ping()
        }
    }

    @Test func postgresIsPresentWhenRequired() {
        if ProcessInfo.processInfo.environment["CYBERID_REQUIRE_POSTGRES"] == "1" {
            #expect(Backend.postgresURL != nil, "CYBERID_REQUIRE_POSTGRES=1 but CYBERID_TEST_POSTGRES_URL is not set")
        }
    }
}
