import ArgumentParser
import CyberIDEnrollment
import CyberIDServer
import CyberIDStore
import Foundation

extension Dev {
    /// `cyberid dev fill --persons N` (issue 16): filler persons for measuring a store's size.
    struct Fill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add filler persons shaped like seeded ones, made by the database itself (scale runs only).",
            discussion: """
                Each filler person has a seeded person's rows (person, network number, certificate, enrollment \
                history line) under fresh random keys, with copies of one seeded person's sealed record and \
                certificate: the tables and indexes grow as ten million enrollments would make them, in minutes \
                instead of hours. They are not identities: no record unseals, no number parses. Seeds one real \
                person first, the one copied. Never on a production store.
                """)

        @Option(help: "How many filler persons to add.") var persons: Int
        @Option(help: "Filler persons per transaction.") var batch = 50_000
        @Option(help: "Print progress every this many persons.") var report = 1_000_000

        func validate() throws {
            guard persons > 0, persons <= 1_000_000_000 else { throw ValidationError("--persons must be 1 to 1000000000") }
            guard batch > 0, batch <= 1_000_000 else { throw ValidationError("--batch must be 1 to 1000000") }
            guard report > 0 else { throw ValidationError("--report must be positive") }
        }

        func run() async throws {
            let (persons, batch, report) = (persons, batch, report)
            try await withPreparedRuntime { runtime in
                let store = runtime.store
                // The template is a person seeded now (the newest of the store's persons), never
                // whoever else the store holds.
                _ = try await runtime.enrollment.seed(count: 1, transactions: store) { _ in }
                guard let template = try await store.fillTemplate() else {
                    throw StoreError.unavailable("the seeded person to copy was not found")
                }
                let start = Date()
                var done = 0
                var printed = 0
                while done < persons {
                    done += try await store.fill(min(batch, persons - done), like: template, now: Date())
                    guard done / report > printed || done == persons else { continue }
                    printed = done / report
                    let elapsed = Date().timeIntervalSince(start)
                    print(String(format: "%d/%d filler persons, %.0f/s", done, persons, Double(done) / max(elapsed, 0.001)))
                }
                let elapsed = Date().timeIntervalSince(start)
                print(
                    String(
                        format: "filled %d persons in %.1f s: %.0f persons/s (%@)", done, elapsed,
                        Double(done) / max(elapsed, 0.001), store.database.dialect.rawValue))
            }
        }
    }
}
