import CyberIDStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes what has outlived its purpose, every minute: expired enrollment sessions (with their
/// sealed pending identity data) and expired login transactions. Several server processes may
/// run it at once; the deletes are idempotent.
struct MaintenanceService: Service, CustomStringConvertible {
    let store: SQLStore
    let logger: Logger
    var interval: Duration = .seconds(60)

    var description: String { "MaintenanceService" }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                let now = Date()
                let sessions = try await store.purgeExpiredEnrollmentSessions(before: now)
                let transactions = try await store.purgeExpired(before: now)
                if sessions + transactions > 0 {
                    logger.debug("purged expired rows", metadata: ["enrollment_sessions": "\(sessions)", "login_transactions": "\(transactions)"])
                }
            } catch {
                logger.warning("maintenance failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}
