import ArgumentParser
import CyberIDEnrollment
import CyberIDKeys
import CyberIDLifecycle
import CyberIDServer
import CyberIDStore
import CyberIDServices
import Foundation
import Logging
import ServiceLifecycle

/// `cyberid admin`: operator commands against the configured store.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer the service's store and keys.",
        subcommands: [
            Migrate.self, Keys.self, Trust.self, CA.self, ClientCommand.self, PersonCommand.self, CertificateCommand.self,
            AuditCommand.self, PolicyCommand.self, MasterKeyCommand.self, BackupCommand.self, RestoreCommand.self,
            OperatorCommand.self, SharedPersonalNumbers.self,
        ])

    /// `cyberid admin migrate`.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending database migrations and report the schema version.")

        func run() async throws {
            let settings = try await loadSettings()
            try await withMigratedDatabase(settings) { database, masterKey, logger in
                let migrator = Migrator()
                let applied = try await migrator.migrate(database, logger: logger)
                let version = try await migrator.currentVersion(database)
                print(applied.isEmpty ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
                print("schema version \(version) on \(settings.database.redacted)")
                // Data the SQL migrations cannot write: it needs the master key (and its root).
                let outcome = try await backfillIndexes(database, masterKey: masterKey, logger: logger)
                if outcome.indexed > 0 { print("person indexes (version 2) set for \(outcome.indexed) persons") }
                if !outcome.stillShared.isEmpty {
                    print(
                        "\(outcome.stillShared.count) persons share a personal number with another live person:"
                            + " cyberid admin shared-personal-numbers lists them")
                }
                if outcome.unreadable > 0 { print("\(outcome.unreadable) persons' records did not open: left without indexes") }
            }
        }
    }

    /// `cyberid admin keys`.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List or rotate the ES256 signing keys.",
            subcommands: [List.self, Rotate.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List signing keys, newest first.")

            func run() async throws {
                try await withPreparedRuntime { runtime in
                    printKeys(runtime.admin.signingKeySummaries())
                }
            }
        }

        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a new signing key active.",
                discussion: """
                    The previous key stops signing at once but stays in the JWKS for a day, so tokens \
                    it signed still verify. Running servers pick the new key up within 30 seconds.
                    """)
            @OptionGroup var operatorOption: OperatorOption

            func validate() throws { try operatorOption.require() }

            func run() async throws {
                try await withPreparedRuntime { runtime in
                    let kid = try await operatorOption.admin(runtime).rotateSigningKey()
                    print("new active signing key: \(kid)")
                    printKeys(runtime.admin.signingKeySummaries())
                }
            }
        }
    }
}

private func printKeys(_ keys: [SigningKeySet.Summary]) {
    let formatter = ISO8601DateFormatter()
    print("KID                                          STATUS     CREATED               PUBLISHED UNTIL")
    for key in keys {
        let status = key.active ? "active" : (key.publishUntil.map { $0 > Date() } ?? false) ? "retired" : "expired"
        let until = key.active ? "-" : key.publishUntil.map(formatter.string(from:)) ?? "-"
        print("\(key.kid.padding(toLength: 44, withPad: " ", startingAt: 0)) \(status.padding(toLength: 10, withPad: " ", startingAt: 0)) \(formatter.string(from: key.createdAt))  \(until)")
    }
}

/// The person-index backfill from the CLI (`admin migrate`, `admin shared-personal-numbers`): the
/// master key's derivation root for the indexes, the service's signing keys for the audit
/// checkpoint of its finds.
private func backfillIndexes(_ database: any SQLDatabase, masterKey: MasterKey, logger: Logger) async throws
    -> PersonIndexBackfill.Outcome
{
    let store = SQLStore(database: database)
    let resolved = try await MasterKeyRoots.resolve(masterKey, store: store)
    let keys = SigningKeySet(store: store, masterKey: masterKey)
    try await keys.refresh()
    return try await backfillPersonIndexes(
        store: store, masterKey: resolved, audit: AuditLog(store: store, keys: keys), logger: logger)
}

extension Admin {
    /// `cyberid admin shared-personal-numbers`: the pairs of live numbers whose documents carry
    /// one personal number (enrolled before schema v27), for an operator to check and resolve.
    struct SharedPersonalNumbers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shared-personal-numbers",
            abstract: "List pairs of live network numbers whose documents carry the same personal number.",
            discussion: """
                Runs the index backfill (idempotent) and prints each pair found, one a line. A shared \
                personal number is a strong sign of one person enrolled twice, not a proof: check with the \
                civil register before cancelling one (cyberid admin person cancel NUMBER --reason …); the \
                other then gets the national index at the next run. Exit 0 with no output: none; exit 1 when the \
                store's schema is not this binary's (run admin migrate) or a sealed record did not open.
                """)

        func run() async throws {
            let settings = try await loadSettings()
            try await withMigratedDatabase(settings) { database, masterKey, logger in
                // A listing does not migrate: run from a newer binary during a rolling upgrade it
                // would change the schema under older nodes.
                let migrator = Migrator()
                let (current, latest) = (try await migrator.currentVersion(database), migrator.latestVersion)
                guard current == latest else {
                    printError(
                        current < latest
                            ? "cyberid: the store is at schema \(current), this binary's is \(latest): run cyberid admin migrate first"
                            : "cyberid: the store is at schema \(current), newer than this binary's \(latest): use the newer binary")
                    throw Exit.failure
                }
                let store = SQLStore(database: database)
                let outcome = try await backfillIndexes(database, masterKey: masterKey, logger: logger)
                for shared in outcome.stillShared {
                    let first = try await store.activeNetworkNumber(personID: shared.personID) ?? "-"
                    let second = try await store.activeNetworkNumber(personID: shared.holderID) ?? "-"
                    print("\(first) \(second)")
                }
                if outcome.unreadable > 0 {
                    printError("cyberid: \(outcome.unreadable) persons' sealed records did not open: the list may be incomplete")
                    throw Exit.failure
                }
            }
        }
    }
}
