import ArgumentParser
import CyberIDDevTools
import CyberIDEnrollment
import CyberIDServer
import CyberIDStore
import CyberIDWallet
import Foundation
import Synchronization

extension Dev {
    /// `cyberid dev seed --persons N` (issue 16): synthetic enrolled persons for scale runs.
    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bulk-load synthetic enrolled persons (sealed records, indexes, numbers, certificates).",
            discussion: """
                Made by enrollment's own steps (everything but the chip check), in transactions of --batch persons, \
                into the configured store (CYBERID_DATABASE_URL or the data directory's SQLite). Prints a progress \
                line per --report persons and the rate. For measurements only: never on a production store. \
                The enrollment sessions the persons are completed through are deleted with their batch (a live \
                store keeps a completed session a day; a seeded person's enrollment is long past).

                With --wallets-out, the wallets of --wallets persons chosen at random among those added are appended to \
                that file (mode 0600), one wallet file's JSON per line: their private keys and certificates, \
                for `cyberid bench login --wallet-file`, which then logs in as persons spread over the whole store.
                """)

        @Option(help: "How many persons to add.") var persons: Int
        @Option(help: "Persons per transaction.") var batch = 500
        @Option(help: "Batches prepared and written at once.") var workers = 2
        @Option(help: "Print progress every this many persons.") var report = 10_000
        @Option(help: "Append the wallets (keys and certificates) of --wallets random persons to this file (JSON lines).")
        var walletsOut: String?
        @Option(help: "How many persons' wallets --wallets-out keeps.") var wallets = 1000

        func validate() throws {
            guard persons > 0, persons <= 100_000_000 else { throw ValidationError("--persons must be 1 to 100000000") }
            guard batch > 0, batch <= 10_000 else { throw ValidationError("--batch must be 1 to 10000") }
            guard workers > 0, workers <= 16 else { throw ValidationError("--workers must be 1 to 16") }
            guard report > 0 else { throw ValidationError("--report must be positive") }
            guard wallets > 0, wallets <= 10_000_000 else { throw ValidationError("--wallets must be 1 to 10000000") }
        }

        func run() async throws {
            let (persons, batch, workers, report) = (persons, batch, workers, report)
            let settings = try await loadSettings()
            let out: WalletLines?
            do {
                out = try walletsOut.map { try WalletLines(appendingTo: $0) }
            } catch {
                printError("cyberid: cannot write the wallets to \(walletsOut ?? ""): \(error.localizedDescription)")
                throw Exit.failure
            }
            try await runOrExit {
                try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                    let start = Date()
                    let printed = Counter()
                    let seeded = try await runtime.enrollment.seed(
                        count: persons, batch: batch, workers: workers, keepingWallets: out == nil ? 0 : wallets,
                        transactions: runtime.store,
                        progress: { done in
                            guard printed.advance(to: done / report) || done == persons else { return }
                            let elapsed = Date().timeIntervalSince(start)
                            let bar = String(repeating: "#", count: 30 * done / persons).padding(
                                toLength: 30, withPad: ".", startingAt: 0)
                            print(String(format: "[%@] %d/%d persons, %.0f/s", bar, done, persons, Double(done) / max(elapsed, 0.001)))
                        },
                        kept: { wallets in
                            out?.append(
                                wallets.map {
                                    WalletFile(
                                        server: settings.issuer, privateKeyPEM: $0.privateKeyPEM,
                                        certificatePEM: $0.certificatePEM, chainPEM: $0.chainPEM,
                                        networkNumber: $0.networkNumber, assuranceLevel: $0.assuranceLevel,
                                        certificateNotAfter: $0.notAfter)
                                })
                        })
                    let elapsed = Date().timeIntervalSince(start)
                    print(
                        String(
                            format: "seeded %d persons in %.1f s: %.0f persons/s (%@)", seeded, elapsed,
                            Double(seeded) / max(elapsed, 0.001), runtime.store.database.dialect.rawValue))
                    if let out, let walletsOut {
                        let (written, failure) = out.close()
                        if let failure {
                            printError("cyberid: cannot write the wallets to \(walletsOut): \(failure)")
                            throw Exit.failure
                        }
                        print("kept \(written) wallets in \(walletsOut)")
                    }
                }
            }
        }
    }
}

/// The last progress step printed (progress arrives from several tasks).
final class Counter: Sendable {
    private let step = Mutex(0)

    /// Whether `value` is past the last step (and records it).
    func advance(to value: Int) -> Bool {
        step.withLock { last in
            guard value > last else { return false }
            last = value
            return true
        }
    }
}
