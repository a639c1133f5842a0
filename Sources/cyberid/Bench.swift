import ArgumentParser
import CyberIDDevTools
import Foundation

/// `cyberid bench`: load generators against a running server (loopback only).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load generators against a running CyberID server, and in-process benchmarks (sealing).",
        subcommands: [Enroll.self, Login.self, Credentials.self, Sealing.self])

    /// `cyberid bench enroll`.
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run complete HTTP enrollments (document, phone OTP via the outbox, CSR) and report the rate.",
            discussion: """
                The server must trust the development CSCA kept in --document-dir (cyberid dev document --out DIR \
                --trust) and write SMS to the outbox file it is given (the default when no gateway is configured). \
                Documents for distinct persons are made before the clock starts.
                """)

        @Option(help: "Server base URL.") var server = "http://127.0.0.1:8080"
        @Option(help: "Directory holding the trusted development CSCA.") var documentDir: String
        @Option(help: "The server's SMS outbox file.") var outbox = "./data/sms-outbox.jsonl"
        @Option(help: "Concurrent clients.") var clients = 8
        @Option(help: "Enrollments in total.") var count = 200

        func validate() throws {
            guard clients > 0, count > 0 else { throw ValidationError("--clients and --count must be positive") }
            guard let url = URL(string: server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
                throw ValidationError("bench runs against a loopback server only")
            }
        }

        func run() async throws {
            print("making \(count) documents…")
            let documents = try EnrollmentDriver.documents(count: count, prefix: "B", directory: documentDir)
            let codes = OutboxReader(path: outbox)
            let client = LoadClient(base: server)
            let report = try await LoadRun.run(clients: clients, count: count) { index in
                try await EnrollmentDriver.enroll(
                    documents[index], phone: "+86139\(String(format: "%08d", index))", client: client, codes: codes)
            }
            print(
                String(
                    format: "completed %d enrollments in %.2f s: %.1f enrollments/s with %d clients", report.count,
                    report.seconds, report.rate, clients))
            printLatencies(report)
            try printFailures(report)
        }
    }
}

/// Prints the run's latency percentiles.
func printLatencies(_ report: LoadReport) {
    func ms(_ percentile: Double) -> String { String(format: "%.1f ms", report.milliseconds(atPercentile: percentile)) }
    print("latency p50 \(ms(50))  p90 \(ms(90))  p99 \(ms(99))  max \(ms(100))")
}

/// Prints the most frequent failures; any failure fails the command.
func printFailures(_ report: LoadReport) throws {
    for (reason, number) in report.failures.sorted(by: { $0.value > $1.value }).prefix(10) {
        print("failed \(number)×: \(reason)")
    }
    if !report.failures.isEmpty { throw ExitCode(1) }
}
