import ArgumentParser
import CyberIDRelyingParty
import Foundation

/// `cyberid verify-code`: a verifier's check of a person's in-person code.
struct VerifyCodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-code",
        abstract: "Verify a person's in-person code as a registered platform; prints what it tells (JSON).",
        discussion: """
            CODE is the typed form (XXXXX-XXXXX) or the QR code's content (CYBERID:…). A code works once, for \
            a minute by default. Exit 0 when verified, 1 when refused (unknown-code, code-expired, code-used, \
            person-not-active, or the client's credentials), 2 for a usage error. See docs/in-person.md.
            """)
    @Argument(help: "The code.") var code: String
    @Option(help: "The platform's client_id.") var clientID: String
    @Option(help: "The platform's client secret (client_secret_basic); default: CYBERID_CLIENT_SECRET. Write --client-secret=VALUE if it begins with '-'.")
    var clientSecret: String?
    @Option(help: "Server base URL (default: CYBERID_ISSUER or http://127.0.0.1:8080).") var server: String?

    func run() async throws {
        guard let clientSecret = clientSecret ?? ProcessInfo.processInfo.environment["CYBERID_CLIENT_SECRET"],
            !clientSecret.isEmpty
        else {
            printError("cyberid: give --client-secret or set CYBERID_CLIENT_SECRET")
            throw Exit.configuration
        }
        var issuer = server ?? ProcessInfo.processInfo.environment["CYBERID_ISSUER"] ?? "http://127.0.0.1:8080"
        while issuer.hasSuffix("/") { issuer.removeLast() }
        do {
            let party = try await RelyingParty.discover(
                issuer: issuer, clientID: clientID, credentials: .secret(clientSecret), redirectURI: "")
            let result = try await party.verifyCode(code)
            var object: [String: Any] = ["sub": result.sub, "verified": result.verified, "acr": result.acr]
            if let amr = result.amr { object["amr"] = amr }
            if let value = result.ageOver14 { object["age_over_14"] = value }
            if let value = result.ageOver18 { object["age_over_18"] = value }
            if let value = result.name { object["name"] = value }
            if let value = result.birthdate { object["birthdate"] = value }
            printJSON(object)
        } catch let error as RelyingPartyError {
            printError("cyberid: \(error.description)")
            throw Exit.failure
        } catch {
            printError("cyberid: cannot reach \(issuer): \(error)")
            throw Exit.failure
        }
    }
}
