import ArgumentParser
import CyberIDCore
import CyberIDEnrollment
import CyberIDKeys
import CyberIDServer
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
    }

    func run() async throws {
        let settings = try await loadSettings()
        try await runOrExit {
            try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                let personID: String
                do {
                    personID = try await runtime.lifecycle.personID(networkNumber: networkNumber)
                } catch let error as StoreError where error == .notFound {
                    printError("cyberid: no active network number \(networkNumber)")
                    throw Exit.failure
                }
                if event == "record" {
                    try await readRecord(runtime, personID: personID)
                    return
                }
                guard let lifecycleEvent = LifecycleEvent(rawValue: event) else {
                    printJSON(["network_number": networkNumber, "state": try await runtime.lifecycle.state(personID: personID).rawValue])
                    return
                }
                do {
                    let transition = try await runtime.lifecycle.apply(
                        lifecycleEvent, personID: personID, actor: .administrator, reason: reason ?? "")
                    try await runtime.audit.record(
                        actor: "administrator", action: "person.\(lifecycleEvent.rawValue)", target: personID, reason: reason ?? "")
                    try await runtime.audit.checkpoint()
                    printJSON(["network_number": networkNumber, "from": transition.from.rawValue, "state": transition.to.rawValue])
                } catch let error as LifecycleError {
                    printError("cyberid: \(error.reason)")
                    throw Exit.failure
                }
            }
        }
    }

    /// Reads and prints the identity record, under a legal basis that is audited and shown in
    /// the person's history.
    func readRecord(_ runtime: Runtime, personID: String) async throws {
        let basis = (legalBasis ?? "").trimmingCharacters(in: .whitespaces)
        guard let person = try await runtime.store.person(id: personID),
            let record = try IdentityRecordReader(masterKey: runtime.masterKey).open(person)
        else {
            printError("cyberid: the identity record is no longer available")
            throw Exit.failure
        }
        try await runtime.audit.record(actor: "administrator", action: "record.read", target: personID, reason: basis)
        try await runtime.audit.checkpoint()
        let detail = (try? JSONSerialization.data(withJSONObject: ["legal_basis": basis], options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try await runtime.store.append(
            HistoryEntry(personID: personID, clientID: nil, event: "record-accessed", outcome: "success", detail: detail, occurredAt: Date()))
        var object: [String: Any] = [
            "network_number": networkNumber, "surname": record.surname, "given_names": record.givenNames,
            "birth_date": record.birthDate.description, "nationality": record.nationality, "sex": record.sex,
            "document_number": record.documentNumber, "document_expiry": record.documentExpiry.description,
        ]
        if let number = record.personalNumber { object["personal_number"] = number }
        if let phone = record.phone { object["phone"] = phone }
        printJSON(object)
    }
}
