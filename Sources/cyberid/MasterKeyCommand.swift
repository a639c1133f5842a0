import ArgumentParser
import CyberIDCore
import CyberIDKeys
import CyberIDServer
import CyberIDServices
import CyberIDStore
import Foundation

/// `cyberid admin master-key`: make a new master key, re-wrap everything under it, retire the old.
struct MasterKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master-key", abstract: "Rotate the master key (docs/operations.md, \"Master-key rotation\").",
        discussion: """
            1. `master-key new --out FILE` writes a fresh key. 2. Give every server the new key as \
            CYBERID_MASTER_KEY (master.key) and the old one as CYBERID_PREVIOUS_MASTER_KEY \
            (master.key.previous): they seal with the new key and open with both. 3. `master-key rotate` \
            re-wraps every data key and sealed key under the new key (run it again if interrupted). \
            4. `master-key retire`, then remove the previous key from every server and destroy it.
            """,
        subcommands: [New.self, Rotate.self, Retire.self, Status.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a fresh random master key to a new file (mode 0600); prints its key id.")
        @Option(help: "The file to create (it must not exist).") var out: String

        func run() async throws {
            do {
                let key = try MasterKey.create(path: out)
                print("new master key \(key.keyID) written to \(out) (mode 0600)")
            } catch {  // a KeyError (typed throws)
                printError("cyberid: \(error.reason)")
                throw Exit.failure
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every secret under the current master key; safe to run again after an interruption.")
        @OptionGroup var operatorOption: OperatorOption
        @Option(help: "Rows per page.") var batchSize = 500

        func validate() throws {
            try operatorOption.require()
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        }

        func run() async throws {
            let batchSize = batchSize
            try await withPreparedRuntime { runtime in
                let key = runtime.masterKey
                print("re-wrapping under master key \(key.keyID), from \(key.previous?.keyID ?? "(none)")")
                let report = try await operatorOption.admin(runtime).rotateMasterKey(key, batchSize: batchSize) { kind, seen in
                    printError("  \(kind.rawValue): \(seen) seen")
                }
                for kind in WrappedSecretKind.allCases {
                    print("\(kind.rawValue): \(report.rewrapped[kind] ?? 0) re-wrapped, \(report.alreadyCurrent[kind] ?? 0) already current")
                }
                let remaining = try await MasterKeyRotation(store: runtime.store, masterKey: key).remaining()
                guard remaining == 0 else {
                    printError("cyberid: \(remaining) secrets still under the previous key (servers wrote meanwhile); run again")
                    throw Exit.failure
                }
                print("rotation complete: nothing is wrapped under the previous key; next: cyberid admin master-key retire")
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check nothing is left under the previous key and forget it; then destroy it.")
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let key = runtime.masterKey
                let removed = try await operatorOption.admin(runtime).retirePreviousMasterKey(key)
                print("master key \(key.keyID) is the only one; \(removed) other keys retired (refused if configured again)")
                print("now remove CYBERID_PREVIOUS_MASTER_KEY / master.key.previous from every server and destroy the old key")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the configured keys' ids and how many secrets are still under the previous key.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let key = runtime.masterKey
                print("current master key: \(key.keyID)")
                print("previous master key: \(key.previous?.keyID ?? "(none)")")
                let remaining = try await MasterKeyRotation(store: runtime.store, masterKey: key).remaining()
                print("secrets under the previous key: \(remaining)")
            }
        }
    }
}
