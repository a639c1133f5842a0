public import CyberIDEnrollment
public import CyberIDKeys
public import CyberIDLifecycle
public import CyberIDStore
import Foundation
public import Logging

/// Runs `PersonIndexBackfill` and puts each person it finds sharing a personal number with
/// another live person — one person with two numbers, enrolled before schema v27 — in the audit
/// log once (`person.shared-personal-number`, by internal ids: the chain never holds a citizen's
/// number). The log says how many are still shared at every run, never who; `cyberid admin
/// shared-personal-numbers` lists their numbers for an operator to check and resolve
/// (enrollment.md §2a).
/// Used by the server (in the background) and `cyberid admin migrate`.
/// - Parameter batch: persons a transaction (the server's background run uses 100: a batch holds
///   SQLite's write lock while it writes — 100,000 persons took 15.9 s at 500 a batch here, so a
///   batch of 100 is at most ≈ 16 ms; `admin migrate` 500).
public func backfillPersonIndexes(
    store: SQLStore, masterKey: MasterKey, audit: AuditLog, logger: Logger, batch: Int = 500
) async throws -> PersonIndexBackfill.Outcome {
    let outcome = try await PersonIndexBackfill(store: store, masterKey: masterKey).run(batch: batch) { shared in
        try await audit.record(
            actor: "cyberid", action: "person.shared-personal-number", target: shared.personID,
            reason: "live person \(shared.holderID) has this personal number: one person with two numbers (index backfill)")
    }
    // The finds are signed into a checkpoint now, not at the next administrator's act (a store
    // without signing keys yet — `admin migrate` before the first start — signs them then).
    if !outcome.sharedPersonalNumber.isEmpty {
        do {
            _ = try await audit.checkpoint()
        } catch {
            logger.warning("the finds are not yet signed into an audit checkpoint", metadata: ["error": "\(error)"])
        }
    }
    if !outcome.stillShared.isEmpty {
        logger.warning(
            "persons sharing a personal number with another live person: cyberid admin shared-personal-numbers lists them",
            metadata: ["count": "\(outcome.stillShared.count)", "new": "\(outcome.sharedPersonalNumber.count)"])
    }
    if outcome.unreadable > 0 {
        logger.error("persons whose sealed record does not open: left without their indexes", metadata: ["count": "\(outcome.unreadable)"])
    }
    return outcome
}
