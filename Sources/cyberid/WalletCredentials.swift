import ArgumentParser
import CyberIDSDJWT
import CyberIDWallet
import Foundation

extension WalletCommand {
    /// `cyberid wallet credentials fetch|list|show`.
    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offline credentials (SD-JWT VC): fetch a batch, list them, show one.",
            subcommands: [Fetch.self, List.self, Show.self])

        struct Fetch: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Fetch a batch of verified-person credentials, each bound to a new key kept in the wallet file.",
                discussion: """
                    Each credential is shown to one verifier only (cyberid wallet present picks an unused one), so that \
                    two verifiers cannot link two showings. Credentials already used or expired are dropped from the file.
                    """)
            @Option(help: "How many (1 to 10).") var count = 10
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"

            func run() async throws {
                guard (1...10).contains(count) else { throw ValidationError("--count must be 1 to 10") }
                let opened = try openWallet(wallet)
                try await walletCommand("credential issuance") {
                    let fetched = try await CredentialClient(baseURL: opened.file.server).fetch(wallet: opened, count: count)
                    var file = opened.file
                    let now = Date()
                    file.credentials = (file.credentials ?? []).filter { $0.usedAt == nil && $0.expiresAt > now } + fetched
                    try file.save(to: wallet)
                    let expiry = fetched.map(\.expiresAt).min().map { ISO8601DateFormatter().string(from: $0) } ?? "-"
                    print("Fetched \(fetched.count) credentials (valid until \(expiry)); \(file.credentials!.count) unused in \(wallet).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the wallet's credentials.")
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
            @Flag(help: "Print a JSON array.") var json = false

            func run() async throws {
                let credentials = try openWallet(wallet).file.credentials ?? []
                let format = ISO8601DateFormatter()
                if json {
                    let array: [JSON] = credentials.map { credential in
                        var object: [String: JSON] = [
                            "id": .string(credential.id), "vct": .string(PresentationClient.vct),
                            "issued_at": .string(format.string(from: credential.issuedAt)),
                            "expires_at": .string(format.string(from: credential.expiresAt)),
                            "used": .bool(credential.usedAt != nil),
                        ]
                        if let used = credential.usedAt { object["used_at"] = .string(format.string(from: used)) }
                        return .object(object)
                    }
                    print(String(decoding: JSON.array(array).encoded, as: UTF8.self))
                } else if credentials.isEmpty {
                    print("No credentials: run cyberid wallet credentials fetch.")
                } else {
                    for credential in credentials {
                        let state = credential.usedAt == nil ? (credential.expiresAt > Date() ? "unused" : "expired") : "used"
                        print("\(credential.id)  \(state)  expires \(format.string(from: credential.expiresAt))")
                    }
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a credential: the compact SD-JWT with all its disclosures.")
            @Argument(help: "The credential's id (from list).") var id: String
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"

            func run() async throws {
                guard let credential = (try openWallet(wallet).file.credentials ?? []).first(where: { $0.id == id }) else {
                    printError("cyberid: no credential \(id) in \(wallet) (see cyberid wallet credentials list)")
                    throw Exit.failure
                }
                print(credential.credential)
            }
        }
    }

    /// `cyberid wallet present URI`.
    struct Present: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a verifier's request (openid4vp://…) with an unused credential.",
            discussion: """
                Shows who asks and what, then asks for each claim that you may withhold (name, birth date, nationality); \
                --yes discloses every claim asked for. The credential's verified flag, level and age flags are always \
                visible. Exits 0 when the verifier accepted.
                """)
        @Argument(help: "The verifier's request URI (openid4vp://?client_id=…&request_uri=…).") var uri: String
        @Flag(help: "Disclose every claim asked for without asking (scripts).") var yes = false
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand("presentation") {
                let client = PresentationClient()
                let request = try await client.request(uri: uri)
                let now = Date()
                var file = opened.file
                guard let index = file.credentials?.firstIndex(where: { $0.usedAt == nil && $0.expiresAt > now.addingTimeInterval(60) })
                else {
                    printError("cyberid: no unused credential: run cyberid wallet credentials fetch")
                    throw Exit.failure
                }
                let credential = file.credentials![index]
                let disclosable = Set(try credential.sdJWT().disclosableNames)
                print("\(request.verifier) asks for: \(request.claims.joined(separator: ", "))")
                var disclose = Set<String>()
                for claim in request.claims where disclosable.contains(claim) {
                    if try yes || ask("Disclose \(claim)?") { disclose.insert(claim) }
                }
                // Used from now on, even if the verifier refuses: it has seen the credential.
                file.credentials![index].usedAt = now
                try file.save(to: wallet)
                try await client.respond(request, credential: credential, disclose: disclose, now: now)
                print("Accepted by \(request.verifier)" + (disclose.isEmpty ? "" : " (disclosed: \(disclose.sorted().joined(separator: ", ")))"))
            }
        }

        private func ask(_ question: String) throws -> Bool {
            guard isatty(STDIN_FILENO) == 1 else {
                printError("cyberid: refusing to disclose without asking: run it on a terminal, or add --yes")
                throw Exit.failure
            }
            print("\(question) [y/N] ", terminator: "")
            let answer = readLine()?.lowercased()
            return answer == "y" || answer == "yes"
        }
    }
}
