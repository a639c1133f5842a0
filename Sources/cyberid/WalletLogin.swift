import ArgumentParser
import CyberIDWallet
import Foundation

extension WalletCommand {
    /// `cyberid wallet approve`: the wallet's side of a login (docs/relying-parties.md §4–5).
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a login asks for and approve it (or --deny it) with the wallet key.",
            discussion: """
                URI is the login page's wallet link or QR code content, cyberid://login?iss=…&t=…. Consent is part \
                of the approval: by default the wallet consents to every claim asked for; --decline CLAIM withholds \
                one (repeatable); --no-consent sends no new consent, so only claims consented before are released.
                """)
        @Argument(help: "The wallet URI (cyberid://login?…).") var uri: String
        @Flag(help: "Decline the login.") var deny = false
        @Option(name: .customLong("decline"), help: "A claim not to release (repeatable).") var declined: [String] = []
        @Flag(help: "Give no new consent: release only claims consented to before.") var noConsent = false
        @Flag(help: "Re-verify: acknowledge the platform's request to verify again (shown when it asks).") var reverify = false
        @Option(help: "A live face image (JPEG) for a re-verification on a service with a face matcher.") var face: String?
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let opened = try openWallet(wallet)
            let faceImage = try face.map { path -> [UInt8] in
                guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                    throw ValidationError("cannot read the face image \(path)")
                }
                return Array(data)
            }
            let link: WalletLoginURI
            do {
                link = try WalletLoginURI(uri)
            } catch {
                throw ValidationError("not a CyberID login link: expected cyberid://login?iss=…&t=…")
            }
            guard link.issuer == opened.issuer else {
                printError("cyberid: this login is from \(link.issuer), but the wallet belongs to \(opened.issuer); refusing")
                throw Exit.failure
            }
            let client = LoginClient(baseURL: opened.issuer)
            do {
                let login = try await client.fetch(link)
                if !json {
                    print("platform:   \(login.clientName) (\(login.clientID))")
                    print("asks for:   verified-person confirmation\(login.claims.isEmpty ? "" : ", " + login.claims.joined(separator: ", "))")
                    if let basis = login.legalBasis { print("legal basis: \(basis)") }
                    if let acr = login.acrValues { print("level:      \(acr)") }
                    print("expires:    \(login.expiresAt)")
                }
                let consent = noConsent ? nil : login.claims.filter { !declined.contains($0) }
                let decision = try opened.decision(
                    on: login, approve: !deny, consent: deny ? nil : consent, decline: declined, reverify: reverify,
                    faceImage: faceImage)
                let result = try await client.decide(link, decision: decision, faceImage: faceImage)
                if json {
                    printJSON(["status": result.status, "released": result.released])
                } else {
                    print("decision:   \(result.status)")
                    if result.status == "approved" {
                        print("released:   \(result.released.isEmpty ? "(confirmation only)" : result.released.joined(separator: ", "))")
                    }
                }
            } catch let error as WalletError {
                printError("cyberid: login refused: \(error.summary)")
                switch error.serverProblem?.code {
                case "reverification-required":
                    printError("cyberid: to re-verify, run the same command with --reverify")
                case "face-check-required":
                    printError("cyberid: this re-verification needs a face check: add --face IMAGE")
                case "face-reference-missing":
                    printError("cyberid: re-prove with your document first: cyberid wallet replace")
                default: break
                }
                throw Exit.failure
            }
        }
    }

    /// `cyberid wallet consents`: list or withdraw remembered consents.
    struct Consents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List remembered consents, or withdraw one.")
        @Option(help: "Withdraw the consent given to this client_id.") var withdraw: String?
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let opened = try openWallet(wallet)
            let client = LoginClient(baseURL: opened.issuer)
            try await walletCommand {
                if let withdraw {
                    try await client.withdrawConsent(clientID: withdraw, wallet: opened)
                    print("withdrew the consent given to \(withdraw)")
                    return
                }
                let consents = try await client.consents(wallet: opened)
                if json {
                    printJSON(consents.map { ["client_id": $0.clientID, "client_name": $0.clientName, "claims": $0.claims, "granted_at": $0.grantedAt] })
                } else if consents.isEmpty {
                    print("no remembered consents")
                } else {
                    for consent in consents {
                        print("\(consent.clientName) (\(consent.clientID)): \(consent.claims.joined(separator: ", ")) since \(consent.grantedAt)")
                    }
                }
            }
        }
    }
}

extension WalletCommand {
    /// `cyberid wallet history`: every platform that verified the holder, and what it got.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the wallet holder's history: every verification (platform, time, claims, level, outcome).")
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "As guardian: this minor's network number.") var ward: String?

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand {
                let lines = try await LoginClient(baseURL: opened.issuer).history(wallet: opened, ward: ward)
                if json {
                    printJSON(lines.map { line -> [String: Any] in
                        var object: [String: Any] = [
                            "event": line.event, "outcome": line.outcome, "occurred_at": line.occurredAt, "detail": line.detail,
                        ]
                        if let id = line.clientID { object["client_id"] = id }
                        if let name = line.clientName { object["client_name"] = name }
                        return object
                    })
                } else if lines.isEmpty {
                    print("no history yet")
                } else {
                    for line in lines {
                        let platform = line.clientName.map { "\($0) (\(line.clientID ?? ""))" } ?? "-"
                        let claims = line.detail["claims_released"].map { $0.isEmpty ? "confirmation only" : $0 } ?? ""
                        print("\(line.occurredAt)  \(line.event) \(line.outcome)  \(platform)  \(claims)  \(line.detail["acr"] ?? "")")
                    }
                }
            }
        }
    }
}

extension WalletCommand {
    /// `cyberid wallet suspend|resume`: the holder stops (or restarts) every login with their number.
    struct Lifecycle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lifecycle",
            abstract: "Suspend, resume or cancel the holder's network number (e.g. a lost phone), with a reason.",
            discussion: """
                A suspended number cannot log in anywhere. The holder can resume only a suspension they made; \
                an administrator's suspension is lifted by an administrator (cyberid admin person resume). \
                cancel gives the number up for good (the identity record is destroyed) and needs --yes.
                """)
        @Argument(help: "suspend, resume or cancel.") var event: String
        @Option(help: "Why (shown in the holder's history).") var reason: String
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Confirm a cancel: it cannot be undone.") var yes = false
        @Option(help: "Act as guardian on this minor's network number (suspend or resume).") var ward: String?

        func validate() throws {
            guard ["suspend", "resume", "cancel"].contains(event) else {
                throw ValidationError("the event is suspend, resume or cancel")
            }
            if event == "cancel" && !yes { throw ValidationError("cancel cannot be undone: add --yes to confirm") }
            if ward != nil && event == "cancel" { throw ValidationError("a guardian suspends or resumes; only the holder cancels") }
        }

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand {
                let state = try await LoginClient(baseURL: opened.issuer).lifecycle(event, reason: reason, wallet: opened, ward: ward)
                print("network number \(ward ?? opened.file.networkNumber) is now \(state)")
            }
        }
    }
}

extension WalletCommand {
    /// `cyberid wallet renew`: a new key and certificate for the same network number.
    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Renew the wallet's certificate with a new key (same number); the old certificate is revoked.",
            discussion: "The certificate never outlives the identity document: an expired document cannot renew.")
        @Option(help: "Wallet file (rewritten atomically with the new key and certificate).") var wallet = "cyberid-wallet.json"

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand("renewal refused") {
                let renewed = try await LoginClient(baseURL: opened.issuer).renew(wallet: opened)
                try renewed.save(to: wallet)
                print("renewed: certificate for \(renewed.networkNumber) valid until \(ISO8601DateFormatter().string(from: renewed.certificateNotAfter))")
            }
        }
    }
}

func openWallet(_ path: String) throws -> CyberIDWallet.Wallet {
    do {
        return try CyberIDWallet.Wallet(file: try WalletFile.load(from: path))
    } catch {
        throw ValidationError("cannot read the wallet file \(path)")
    }
}
