import ArgumentParser
import CyberIDCore
import CyberIDServer
import CyberIDVault
import CyberIDServices
import CyberIDStore
import Foundation

/// `cyberid admin person`: an administrator's lifecycle actions, each with a reason.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Show a network number's state, or suspend, resume, restrict, lift or cancel it (with --reason).",
        discussion: """
            EVENT is show, suspend, resume, restrict, lift or cancel. Every change needs --reason, is recorded with \\
            the administrator as actor, and appears in the person's history. Cancel destroys the identity record's \\
            data key, retires the number for good and revokes its certificates. No personal data is printed.
            """)
    @Argument(help: "show, record, suspend, resume, restrict, lift or cancel.") var event: String
    @Argument(help: "The network number.") var networkNumber: String
    @Option(help: "Why (required for every change).") var reason: String?
    @Option(help: "The legal basis for reading the identity record (required for record).") var legalBasis: String?
    @OptionGroup var operatorOption: OperatorOption

    func validate() throws {
        guard event == "show" || event == "record" || LifecycleEvent(rawValue: event) != nil else {
            throw ValidationError("EVENT must be show, record, suspend, resume, restrict, lift or cancel")
        }
        if event == "record" {
            if (legalBasis ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--legal-basis is required to read an identity record")
            }
        } else if event != "show", (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--reason is required for \(event)")
        }
        if event != "show" { try operatorOption.require() }
    }

    func run() async throws {
        try await withPreparedRuntime { runtime in
            let admin = event == "show" ? runtime.admin : try operatorOption.admin(runtime)
            if event == "record" {
                let record = try await admin.readRecord(networkNumber: networkNumber, legalBasis: legalBasis ?? "")
                printJSON(Self.describe(record, networkNumber: networkNumber))
            } else if let lifecycleEvent = LifecycleEvent(rawValue: event) {
                let transition = try await admin.apply(lifecycleEvent, networkNumber: networkNumber, reason: reason ?? "")
                printJSON(["network_number": networkNumber, "from": transition.from.rawValue, "state": transition.to.rawValue])
            } else {
                printJSON(Self.describe(try await admin.summary(networkNumber: networkNumber), networkNumber: networkNumber))
            }
        }
    }

    /// A number's state, certificates and lifecycle events (no personal data).
    static func describe(_ summary: PersonSummary, networkNumber: String) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        return [
            "network_number": networkNumber, "state": summary.state.rawValue, "number_status": summary.numberStatus,
            "assurance_level": summary.level.rawValue,
            "certificates": summary.certificates.map {
                ["serial": $0.serial, "status": $0.status.rawValue, "not_after": formatter.string(from: $0.notAfter)]
            },
            "events": summary.events.map {
                [
                    "event": $0.event, "from": $0.from.rawValue, "to": $0.to.rawValue, "actor": $0.actor,
                    "reason": $0.reason, "at": formatter.string(from: $0.occurredAt),
                ]
            },
        ]
    }

    /// The identity record as JSON (read under a legal basis, audited and shown in the person's
    /// history by the admin service).
    static func describe(_ record: IdentityRecord, networkNumber: String) -> [String: Any] {
        var object: [String: Any] = [
            "network_number": networkNumber, "surname": record.surname, "given_names": record.givenNames,
            "birth_date": record.birthDate.description, "nationality": record.nationality, "sex": record.sex,
            "document_number": record.documentNumber, "document_expiry": record.documentExpiry.description,
        ]
        if let number = record.personalNumber { object["personal_number"] = number }
        if let phone = record.phone { object["phone"] = phone }
        return object
    }
}
