import ArgumentParser
import CyberIDCore
import CyberIDEnrollment
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
    @Argument(help: "show, suspend, resume, restrict, lift or cancel.") var event: String
    @Argument(help: "The network number.") var networkNumber: String
    @Option(help: "Why (required for every change).") var reason: String?

    func validate() throws {
        guard event == "show" || LifecycleEvent(rawValue: event) != nil else {
            throw ValidationError("EVENT must be show, suspend, resume, restrict, lift or cancel")
        }
        if event != "show", (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
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
                guard let lifecycleEvent = LifecycleEvent(rawValue: event) else {
                    printJSON(["network_number": networkNumber, "state": try await runtime.lifecycle.state(personID: personID).rawValue])
                    return
                }
                do {
                    let transition = try await runtime.lifecycle.apply(
                        lifecycleEvent, personID: personID, actor: .administrator, reason: reason ?? "")
                    printJSON(["network_number": networkNumber, "from": transition.from.rawValue, "state": transition.to.rawValue])
                } catch let error as LifecycleError {
                    printError("cyberid: \(error.reason)")
                    throw Exit.failure
                }
            }
        }
    }
}
