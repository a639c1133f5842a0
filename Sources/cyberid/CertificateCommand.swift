import ArgumentParser
import CyberIDServer
import CyberIDServices
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
            try await withPreparedRuntime { runtime in
                let formatter = ISO8601DateFormatter()
                printJSON(try await runtime.admin.certificates(networkNumber: networkNumber).map {
                    ["serial": $0.serial, "status": $0.status.rawValue, "not_after": formatter.string(from: $0.notAfter)]
                })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a network certificate: logins with it stop at once and it is on /pki/issuing.crl.")
        @Argument(help: "The certificate serial (hex, as listed).") var serial: String
        @Option(help: "Why (recorded in the holder's history).") var reason: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason is required") }
            try operatorOption.require()
        }

        func run() async throws {
            try await withPreparedRuntime { runtime in
                try await operatorOption.admin(runtime).revokeCertificate(serial: serial, reason: reason)
                printJSON(["serial": serial.lowercased(), "status": "revoked"])
            }
        }
    }
}
