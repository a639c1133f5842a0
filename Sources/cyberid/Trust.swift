import ArgumentParser
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDServer
import CyberIDStore
import CyberIDIssuance
import CyberIDServices
import Foundation
import X509

/// `cyberid admin trust`: the CSCAs (and their CRLs) whose documents are accepted.
struct Trust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage trusted CSCAs and CRLs (nothing is trusted by default).",
        subcommands: [AddCSCA.self, AddCRL.self, List.self, Remove.self])

    struct AddCSCA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-csca", abstract: "Trust the CSCA certificate(s) in a PEM or DER file.")
        @Argument(help: "The certificate file.") var file: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            _ = try readCertificates(file)  // a usage error (exit 64) before the store is opened
            let bytes = Array(FileManager.default.contents(atPath: file) ?? Data())
            try await withPreparedRuntime { runtime in
                for trusted in try await operatorOption.admin(runtime).trustCSCAs(bytes) {
                    print("\(trusted.added ? "trusted" : "already trusted"): \(trusted.fingerprint.prefix(16)) \(trusted.label)")
                }
            }
        }
    }

    struct AddCRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-crl", abstract: "Load a CRL (PEM or DER); it applies to DSCs of the CSCA that signed it.")
        @Argument(help: "The CRL file.") var file: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard (try? CertificateRevocationList(bytes: Array(data))) != nil else {
                throw ValidationError("\(file) is not a PEM or DER CRL")
            }
            try await withPreparedRuntime { runtime in
                let loaded = try await operatorOption.admin(runtime).loadCRL(Array(data))
                print("\(loaded.added ? "loaded" : "already loaded"): CRL of \(loaded.label)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List trusted CSCAs and loaded CRLs.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let anchors = try await runtime.admin.trustAnchors()
                if anchors.isEmpty { print("nothing is trusted; add a CSCA with: cyberid admin trust add-csca FILE") }
                for anchor in anchors {
                    print("\(anchor.fingerprint.prefix(16))  \(anchor.kind.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(anchor.label)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop trusting a CSCA or drop a CRL, by fingerprint prefix.")
        @Argument(help: "At least 8 hex digits of the fingerprint shown by list.") var fingerprint: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let removed = try await operatorOption.admin(runtime).removeTrustAnchor(fingerprintPrefix: fingerprint)
                print("removed \(removed.kind.rawValue) \(removed.label)")
            }
        }
    }
}

/// Reads certificates from a PEM or DER file, or fails as a usage error.
func readCertificates(_ file: String) throws -> [Certificate] {
    guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
    guard let certificates = try? TrustStore.certificates(from: Array(data)) else {
        throw ValidationError("\(file) is not a PEM or DER certificate")
    }
    return certificates
}

