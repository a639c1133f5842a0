import ArgumentParser
import CyberIDEnrollment
import CyberIDKeys
import CyberIDServer
import CyberIDStore
import Foundation

/// `cyberid admin certificate`: list a number's network certificates, revoke one.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "List a network number's certificates, or revoke one (with --reason).",
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a network number's certificates as JSON.")
        @Argument(help: "The network number.") var networkNumber: String

        func run() async throws {
            let settings = try await loadSettings()
            try await runOrExit {
                try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                    let person = try await runtime.lifecycle.personID(networkNumber: networkNumber)
                    let formatter = ISO8601DateFormatter()
                    printJSON(try await runtime.store.networkCertificates(personID: person).map {
                        ["serial": $0.serial, "status": $0.status.rawValue, "not_after": formatter.string(from: $0.notAfter)]
                    })
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a network certificate: logins with it stop at once and it is on /pki/issuing.crl.")
        @Argument(help: "The certificate serial (hex, as listed).") var serial: String
        @Option(help: "Why (recorded in the holder's history).") var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason is required") }
        }

        func run() async throws {
            let settings = try await loadSettings()
            try await runOrExit {
                try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                    let serial = serial.lowercased()
                    guard let certificate = try await runtime.store.networkCertificate(serial: serial) else {
                        printError("cyberid: no certificate \(serial)")
                        throw Exit.failure
                    }
                    let detail = (try? JSONSerialization.data(
                        withJSONObject: ["serial": serial, "actor": "administrator", "reason": reason], options: [.sortedKeys]))
                        .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    let now = Date()
                    guard try await runtime.store.revokeCertificate(
                        serial: serial, at: now,
                        history: HistoryEntry(
                            personID: certificate.personID, clientID: nil, event: "certificate-revoked", outcome: "success",
                            detail: detail, occurredAt: now))
                    else {
                        printError("cyberid: certificate \(serial) is already revoked")
                        throw Exit.failure
                    }
                    try await runtime.audit.record(
                        actor: "administrator", action: "certificate.revoke", target: serial, reason: reason)
                    try await runtime.audit.checkpoint()
                    printJSON(["serial": serial, "status": "revoked"])
                }
            }
        }
    }
}
