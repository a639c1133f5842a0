import ArgumentParser
import CyberIDCore
import CyberIDDevTools
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDServer
import CyberIDStore
import CyberIDIssuance
import CyberIDServices
import CyberIDVault
import Foundation
import X509

/// `cyberid dev`: development tools — never for production data.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Development tools: make and verify test eMRTDs.",
        subcommands: [Document.self, VerifyDocument.self, DemoPlatformCommand.self, Seed.self, Fill.self])

    /// `cyberid dev document`.
    struct Document: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a complete test eMRTD signed by a development CSCA.",
            discussion: """
                Writes DG1.bin, DG2.bin, DG15.bin, SOD.bin (the chip's files), aa-private-key.pem (the chip's \
                active-authentication key; a real chip never gives it out) and csca.pem (the development CSCA) \
                into --out. Reusing --out keeps its CSCA (csca-private-key.pem), so several documents share one.
                """)

        @Option(help: "Directory to write the document into.") var out: String
        @Option(help: "Surname (primary identifier).") var surname = "ZHANG"
        @Option(help: "Given names.") var givenNames = "SAN"
        @Option(help: "Birth date, YYYY-MM-DD.") var birthDate = "1990-01-01"
        @Option(help: "Nationality and issuing state (ICAO code).") var nationality = "CHN"
        @Option(help: "Sex: M, F or <.") var sex = "M"
        @Option(help: "Document number (up to 9 characters).") var documentNumber = "E12345678"
        @Option(help: "Personal number (up to 14 characters in a passport MRZ).") var personalNumber: String?
        @Flag(help: "An ID card (TD1 MRZ: names cut at 30 characters, the personal number in optional data 1) instead of a passport.")
        var idCard = false
        @Flag(help: "Make the document expired (expiry yesterday).") var expired = false
        @Flag(help: "Use RSA-2048 (PSS-signed SOD, ISO/IEC 9796-2 active authentication) instead of P-256.") var rsa = false
        @Flag(help: "Also trust the development CSCA in the configured store (as admin trust add-csca).") var trust = false

        func run() async throws {
            let today = Date()
            let birth: CalendarDate
            do {
                birth = try CalendarDate(iso8601: birthDate)
            } catch {
                throw ValidationError("--birth-date must be YYYY-MM-DD, got '\(birthDate)'")
            }
            let now = CalendarDate.civilDay(of: today)
            // Expired two civil days ago: expired in every time zone (a verifier on UTC is up to a
            // day behind the service's China Standard Time).
            let expiry =
                expired
                ? CalendarDate.civilDay(of: today.addingTimeInterval(-2 * 86_400))
                : try CalendarDate(year: now.year + 10, month: now.month, day: min(now.day, 28))
            guard documentNumber.count <= 9, (personalNumber?.count ?? 0) <= 14 else {
                throw ValidationError("a passport MRZ holds a document number of up to 9 and a personal number of up to 14 characters")
            }
            let holder = DevDocumentFactory.Holder(
                surname: surname, givenNames: givenNames, birthDate: birth, nationality: nationality, sex: sex,
                documentNumber: documentNumber, personalNumber: personalNumber, expiryDate: expiry, idCard: idCard)
            try await runOrExit {
                let directory = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let csca = try DevDocumentFactory.CSCA.loadOrMake(
                    directory: directory, country: nationality, at: today)
                let document = try DevDocumentFactory.make(holder: holder, csca: csca, rsa: rsa, at: today)
                try Self.write(document.chip.dg1, to: directory, "DG1.bin")
                try Self.write(document.chip.dg2 ?? [], to: directory, "DG2.bin")
                try Self.write(document.chip.dg15 ?? [], to: directory, "DG15.bin")
                try Self.write(document.chip.sod, to: directory, "SOD.bin")
                try Self.write(Array(document.activeAuthenticationKeyPEM.utf8), to: directory, "aa-private-key.pem", private: true)
                try Self.write(Array(document.cscaPEM.utf8), to: directory, "csca.pem")
                print("wrote a test eMRTD to \(directory.path) (expires \(expiry))")
                if trust {
                    let settings = try await loadSettings()
                    let der = try CertificateAuthority.der(csca.certificate)
                    try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                        let added = try await runtime.admin.acting(as: "cyberid dev document --trust").trustCSCAs(der)[0].added
                        print(added ? "trusted the development CSCA in \(settings.database.redacted)" : "the development CSCA was already trusted")
                    }
                }
            }
        }

        static func write(_ bytes: [UInt8], to directory: URL, _ name: String, private: Bool = false) throws {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url, options: .atomic)
            if `private` { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path) }
        }
    }

    /// `cyberid dev verify-document`.
    struct VerifyDocument: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-document",
            abstract: "Run passive (and optionally active) authentication on a document directory.",
            discussion: """
                Prints one JSON object. Exit 0: {"result":"verified",…}; exit 1: {"result":"rejected","error":CODE,…} \
                with CODE one of unparseable-document, invalid-mrz, unsupported-algorithm, untrusted-csca, \
                bad-dsc-signature, dsc-expired, dsc-revoked, revocation-status-unavailable, dg-hash-mismatch, document-expired, \
                active-authentication-failed; exit 2: usage error. The output includes the MRZ: a development tool.
                """)

        @Option(help: "Directory with DG1.bin, SOD.bin and optionally DG2.bin, DG15.bin.") var document: String
        @Option(help: "A trusted CSCA certificate (PEM or DER); repeatable.") var csca: [String] = []
        @Option(help: "A CRL (PEM or DER); repeatable.") var crl: [String] = []
        @Option(help: "Verification date, YYYY-MM-DD (default: today).") var today: String?
        @Option(help: "Active-authentication challenge, hex.") var challenge: String?
        @Option(help: "File with the chip's raw signature over the challenge.") var aaSignature: String?
        @Option(help: "A CSCA's CRL past its nextUpdate: refuse (default) or warn.") var staleCrl: String = "refuse"

        func validate() throws {
            guard StaleRevocationPolicy(rawValue: staleCrl) != nil else {
                throw ValidationError("--stale-crl is refuse or warn")
            }
        }

        func run() async throws {
            let directory = URL(fileURLWithPath: document)
            func read(_ path: String) throws -> [UInt8] {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("cannot read \(path)")
                }
                return Array(data)
            }
            func optional(_ name: String) -> [UInt8]? {
                FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map(Array.init)
            }
            guard !csca.isEmpty else { throw ValidationError("give at least one --csca") }
            let dg1 = try read(directory.appendingPathComponent("DG1.bin").path)
            let sod = try read(directory.appendingPathComponent("SOD.bin").path)
            var verificationDate = Date()
            var day = CalendarDate.civilDay(of: Date())
            if let today {
                guard let parsed = try? CalendarDate(iso8601: today) else { throw ValidationError("--today must be YYYY-MM-DD") }
                day = parsed
                verificationDate = parsed.noonUTC
            }
            var challengeBytes: [UInt8]? = nil
            var signature: [UInt8]? = nil
            if let challenge {
                guard let bytes = Hex.decode(challenge) else { throw ValidationError("--challenge must be hex") }
                guard let aaSignature else { throw ValidationError("--challenge needs --aa-signature") }
                challengeBytes = bytes
                signature = try read(aaSignature)
            }
            var trust = TrustStore()
            for path in csca {
                guard let certificates = try? TrustStore.certificates(from: try read(path)) else {
                    throw ValidationError("\(path) is not a PEM or DER certificate")
                }
                certificates.forEach { trust.add(csca: $0) }
            }
            for path in crl {
                guard let list = try? CertificateRevocationList(bytes: try read(path)) else {
                    throw ValidationError("\(path) is not a PEM or DER CRL")
                }
                trust.add(crl: list)
            }
            let chip = ChipData(dg1: dg1, dg2: optional("DG2.bin"), dg15: optional("DG15.bin"), sod: sod)
            let result: [String: Any]
            var failed = false
            switch Result(catching: { () throws(DocumentError) -> VerifiedDocument in
                try DocumentVerifier(trustStore: trust, staleRevocation: StaleRevocationPolicy(rawValue: staleCrl) ?? .refuse).verify(
                    chip, challenge: challengeBytes, activeAuthenticationSignature: signature, at: verificationDate,
                    today: day)
            }) {
            case .success(let verified):
                result = Self.summary(verified)
            case .failure(let error):
                failed = true
                result = ["result": "rejected", "error": error.code.description, "detail": error.reason]
            }
            let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
            if failed { throw Exit.failure }
        }

        static func summary(_ verified: VerifiedDocument) -> [String: Any] {
            let mrz = verified.mrz
            var summary: [String: Any] = [
                "result": "verified", "passive_authentication": verified.passiveAuthentication,
                "active_authentication": verified.activeAuthentication, "age_band": verified.ageBand.rawValue,
                "data_groups": verified.dataGroups,
                "mrz": [
                    "document_code": mrz.documentCode, "issuing_state": mrz.issuingState, "surname": mrz.surname,
                    "given_names": mrz.givenNames, "document_number": mrz.documentNumber,
                    "nationality": mrz.nationality, "birth_date": mrz.birthDate.description, "sex": mrz.sex,
                    "expiry_date": mrz.expiryDate.description, "personal_number": mrz.personalNumber ?? NSNull(),
                ] as [String: Any],
            ]
            if !verified.warnings.isEmpty { summary["warnings"] = verified.warnings }
            return summary
        }
    }
}

extension CalendarDate {
    /// Noon UTC on this day, as the instant for certificate validity checks.
    var noonUTC: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? Date()
    }
}
