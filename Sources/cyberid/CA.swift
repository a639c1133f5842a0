import ArgumentParser
import CyberIDEnrollment
import CyberIDKeys
import CyberIDLifecycle
import CyberIDServer
import CyberIDStore
import CyberIDIssuance
import CyberIDCore
import Foundation
import Logging
import ServiceLifecycle
import X509

/// `cyberid admin ca import`: production CAs instead of generated ones.
struct CA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Manage the CyberID certificate authorities.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a root certificate and an issuing CA (certificate + P-256 key) before the first start.",
            discussion: """
                Run this on an empty store, before `cyberid serve` generates development CAs. The root's private \
                key stays offline; the issuing CA's key is sealed under the master key.
                """)
        @Option(help: "Root CA certificate (PEM).") var root: String
        @Option(help: "Issuing CA certificate (PEM).") var issuing: String
        @Option(help: "Issuing CA private key (PEM, P-256).") var issuingKey: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            let rootCertificate = try readCertificates(root)[0]
            let issuingCertificate = try readCertificates(issuing)[0]
            guard let keyData = FileManager.default.contents(atPath: issuingKey) else {
                throw ValidationError("cannot read \(issuingKey)")
            }
            let settings = try await loadSettings()
            try await withMigratedDatabase(settings) { database, masterKey, logger in
                try await Migrator().migrate(database, logger: logger)
                // An IssuanceError (a pair that does not fit, CAs already there) is one line, exit 1.
                // The import and its audit entry are one transaction (review finding 11).
                let store = SQLStore(database: database)
                let audit = AuditLog(store: store, keys: SigningKeySet(store: store, masterKey: masterKey))
                let actor = operatorOption.resolved ?? ""
                try await store.inTransaction {
                    try await CertificateAuthority.importAuthorities(
                        root: rootCertificate, issuing: issuingCertificate,
                        issuingKeyPEM: String(decoding: keyData, as: UTF8.self), store: store, masterKey: masterKey)
                    try await audit.record(
                        actor: actor, action: "ca.import", target: issuingCertificate.serialNumber.description,
                        reason: "root \(rootCertificate.subject)")
                }
                print("imported root \(rootCertificate.subject) and issuing CA \(issuingCertificate.subject)")
            }
        }
    }
}
