import ArgumentParser
import CyberIDWallet
import Foundation

extension WalletCommand {
    /// `cyberid wallet approve`: the wallet's side of a login (docs/relying-parties.md §4–5).
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a login asks for and approve it (or --deny it) with the wallet key.",
            discussion: """
                URI is the login page's QR code content (cyberid://login?iss=…&t=…&qt=…&qa=…, another device: pick \
                the number the page shows with --match NN) or its same-device link (cyberid://login?iss=…&t=…&r=…&v=…: \
                add --same-device; the wallet shows the view the link carries and signs its digest; the last line printed \
                is the URL that returns you to the browser). The wallet \
                shows who asks — the platform, what it will learn, the browser's address and time — and asks before \
                approving; --yes approves without asking (scripts). Consent is part of the approval: by default the \
                wallet consents to every claim asked for; --decline CLAIM withholds one (repeatable); --no-consent \
                sends no new consent, so only claims consented before are released.
                """)
        @Argument(help: "The wallet URI (cyberid://login?…).") var uri: String
        @Flag(help: "Decline the login.") var deny = false
        @Option(name: .customLong("decline"), help: "A claim not to release (repeatable).") var declined: [String] = []
        @Flag(help: "Give no new consent: release only claims consented to before.") var noConsent = false
        @Flag(help: "Re-verify: acknowledge the platform's request to verify again (shown when it asks).") var reverify = false
        @Option(help: "A live face image (JPEG): for modes R03 and R04, and for a re-verification on a service with a face matcher.")
        var face: String?
        @Option(help: "Re-verification: the document directory whose chip re-proves you (as `wallet replace` takes).")
        var document: String?
        @Option(help: "Cross-device (QR code): the number the login page shows.") var match: Int?
        @Flag(help: "Same-device link: approve on the device whose browser started the login; prints the return URL.")
        var sameDevice = false
        @Flag(help: "Approve without asking (scripts).") var yes = false
        @Flag(help: "Modes R02 and R04: read the network-identity password from standard input (one line).")
        var passwordStdin = false
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let opened = try openWallet(wallet)
            let faceImage = try face.map(readFaceImage)
            let chip = try document.map(DirectoryChip.init(directory:))
            let link = try parseLink()
            guard link.issuer == opened.issuer else {
                printError("cyberid: this login is from \(link.issuer), but the wallet belongs to \(opened.issuer); refusing")
                throw Exit.failure
            }
            let client = LoginClient(baseURL: opened.issuer)
            do {
                let login = try await client.view(link)
                if !json { show(login) }
                let pick = try link.isCrossDevice && !deny ? pickNumber() : nil
                if !deny { try confirm() }
                let consent = noConsent ? nil : login.claims.filter { !declined.contains($0) }
                var presented: ReverificationDocument? = nil
                if let chip { presented = try await ReverificationDocument.read(from: chip, for: login) }
                let needs = deny ? [] : login.requires ?? []
                if needs.contains("face"), faceImage == nil {
                    printError("cyberid: this platform's mode needs a face check: add --face IMAGE; nothing was approved")
                    throw Exit.failure
                }
                let password = needs.contains("password")
                    ? try PasswordInput.read(["Network-identity password"], fromStdin: passwordStdin)[0] : nil
                let decision = try opened.decision(
                    on: login, approve: !deny, consent: deny ? nil : consent, decline: declined, reverify: reverify,
                    faceImage: faceImage, match: pick, document: presented)
                report(
                    try await client.decide(
                        link, decision: decision, faceImage: faceImage, document: presented, password: password))
            } catch let error as WalletError {
                printError("cyberid: login refused: \(error.summary)")
                if let hint = Self.hints[error.serverProblem?.code ?? ""] { printError("cyberid: \(hint)") }
                throw Exit.failure
            }
        }

        private static let hints = [
            "reverification-required": "to re-verify, run the same command with --reverify --document DIR",
            "document-required": "a re-verification re-proves you with your document's chip: add --document DIR",
            "document-mismatch": "this is not the document your network number was enrolled with",
            "face-check-required": "this re-verification needs a face check: add --face IMAGE",
            "face-reference-missing": "re-prove with your document first: cyberid wallet replace",
            "wrong-match-number": "the number did not match the login page: the login was ended; start it again",
            "wrong-match-number-rate-limited":
                "too many wrong numbers in the last hour: logins from a QR code are refused for a while (up to 80 minutes by default)"
                + " (a login on this device, --same-device, still works); if you did not start these logins,"
                + " someone is sending you login QR codes",
            "qr-code-expired": "scan the QR code on the login page again (it changes every few seconds)",
            "login-view-mismatch":
                "what the wallet showed is not this login as the service sees it: if you did not open the login page's"
                + " own link, do not trust it; otherwise reload the page and open its link again",
            "wrong-password": "try again with the right password (the login stays open until it expires)",
            "password-locked": "reset the password with your document and phone: cyberid wallet password reset",
            "password-not-set": "set a password first: cyberid wallet password set",
            "mode-unavailable": "this service cannot do the face check the platform asks for; the platform was told",
        ]

        private func readFaceImage(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                throw ValidationError("cannot read the face image \(path)")
            }
            return Array(data)
        }

        /// The link, and the mode the person says they are in.
        private func parseLink() throws -> WalletLoginURI {
            let link: WalletLoginURI
            do {
                link = try WalletLoginURI(uri)
            } catch {
                throw ValidationError("not a CyberID login link: expected cyberid://login?iss=…&t=…")
            }
            // Refusals of what the person said, not usage errors: exit 1 like any refused approval.
            if link.isCrossDevice && sameDevice {
                printError("cyberid: this is a login page's QR code (another device): drop --same-device and pass --match NN")
                throw Exit.failure
            }
            if !link.isCrossDevice && !sameDevice {
                printError(
                    "cyberid: this is a same-device link: approve it with --same-device on the device whose browser started the login")
                throw Exit.failure
            }
            return link
        }

        private func show(_ login: LoginRequestView) {
            print("platform:   \(login.clientName) (\(login.clientID))")
            print("asks for:   verified-person confirmation\(login.claims.isEmpty ? "" : ", " + login.claims.joined(separator: ", "))")
            if let basis = login.legalBasis { print("legal basis: \(basis)") }
            if let acr = login.acrValues { print("level:      \(acr)") }
            if let mode = login.mode {
                print("mode:       \(mode)\((login.requires ?? []).isEmpty ? "" : " (needs " + (login.requires ?? []).joined(separator: ", ") + ")")")
            }
            print("requested from: \(login.requestedFrom ?? "an unknown address") at \(login.requestedAt ?? "an unknown time")")
            print("expires:    \(login.expiresAt)")
        }

        /// The number the login page shows (cross-device): `--match`, or typed on a terminal. The
        /// view's three `match_choices` are not shown: someone sent only the QR code (a relay)
        /// would pick one in three, and must guess one in ninety when asked to type it (as
        /// number matching in authenticator apps does). Any number goes to the service; a wrong
        /// one ends the login there.
        private func pickNumber() throws -> Int {
            let pick: Int
            if let match {
                pick = match
            } else if isatty(STDIN_FILENO) == 1 {
                print("Type the number the login page shows (two digits): ", terminator: "")
                guard let line = readLine(), let number = Int(line.trimmingCharacters(in: .whitespaces)) else {
                    printError("cyberid: no number typed; nothing was approved")
                    throw Exit.failure
                }
                pick = number
            } else {
                printError("cyberid: this login started on another device: pass --match NN, the number the login page shows")
                throw Exit.failure
            }
            guard (10...99).contains(pick) else {
                printError("cyberid: the login page shows a number from 10 to 99, not \(pick); nothing was approved")
                throw Exit.failure
            }
            return pick
        }

        /// Never approves silently: asks on a terminal, or needs --yes.
        private func confirm() throws {
            guard !yes else { return }
            guard isatty(STDIN_FILENO) == 1 else {
                printError("cyberid: refusing to approve without asking: run it on a terminal, or add --yes")
                throw Exit.failure
            }
            print("Approve this login? [y/N] ", terminator: "")
            guard let answer = readLine()?.lowercased(), answer == "y" || answer == "yes" else {
                printError("cyberid: not approved")
                throw Exit.failure
            }
        }

        private func report(_ result: LoginDecisionResult) {
            if json {
                var object: [String: Any] = ["status": result.status, "released": result.released]
                if let url = result.returnURL { object["return_url"] = url }
                if let code = result.responseCode { object["response_code"] = code }
                printJSON(object)
                return
            }
            print("decision:   \(result.status)")
            if result.status == "approved" {
                print("released:   \(result.released.isEmpty ? "(confirmation only)" : result.released.joined(separator: ", "))")
            }
            if let url = result.returnURL {
                print("Return to the browser:")
                print(url)
            } else if let code = result.responseCode {
                print("response code: \(code)")
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
                A suspended number cannot log in anywhere, and its wallet can do nothing but resume or cancel it. \
                The holder can resume only a suspension they made, with their document's chip (--document: \
                whoever holds only the phone cannot undo a suspension); an administrator's suspension is lifted \
                by an administrator (cyberid admin person resume). cancel gives the number up for good (the \
                identity record is destroyed) and needs --yes and --document.
                """)
        @Argument(help: "suspend, resume or cancel.") var event: String
        @Option(help: "Why (shown in the holder's history).") var reason: String
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Confirm a cancel: it cannot be undone.") var yes = false
        @Option(help: "Act as guardian on this minor's network number (suspend or resume).") var ward: String?
        @Option(help: "Cancel or resume: the document directory whose chip proves it is you (a fresh proof).") var document: String?

        func validate() throws {
            guard ["suspend", "resume", "cancel"].contains(event) else {
                throw ValidationError("the event is suspend, resume or cancel")
            }
            if event == "cancel" && !yes { throw ValidationError("cancel cannot be undone: add --yes to confirm") }
            if ["cancel", "resume"].contains(event) && ward == nil && document == nil {
                throw ValidationError("\(event) needs a fresh proof that it is you: add --document DIR (your document's chip)")
            }
            if ward != nil && event == "cancel" { throw ValidationError("a guardian suspends or resumes; only the holder cancels") }
        }

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand {
                let chip = try document.map(DirectoryChip.init(directory:))
                let state = try await LoginClient(baseURL: opened.issuer).lifecycle(
                    event, reason: reason, wallet: opened, ward: ward, chip: chip)
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
            discussion: """
                The certificate never outlives the identity document: an expired document cannot renew. \
                The new key is saved in the wallet file before the request: if the answer is lost (a \
                dropped connection, the command killed), run the command again and the service \
                answers with the certificate it issued for that key.
                """)
        @Option(help: "Wallet file (rewritten atomically with the new key and certificate).") var wallet = "cyberid-wallet.json"

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand("renewal refused") {
                let (prepared, key) = try opened.file.preparingRenewal()
                if prepared != opened.file { try prepared.save(to: wallet) }
                let renewed: WalletFile
                do {
                    renewed = try await LoginClient(baseURL: opened.issuer).renew(wallet: try Wallet(file: prepared), key: key)
                } catch let error as WalletError where error.serverProblem == nil {
                    // No answer from the service itself: the renewal may have been made.
                    printError("cyberid: renewal not confirmed: \(error.summary)")
                    printError("cyberid: the new key is kept in \(wallet); run `cyberid wallet renew` again")
                    throw Exit.failure
                }
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
