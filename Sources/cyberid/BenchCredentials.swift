import ArgumentParser
import Crypto
import CyberIDCore
import CyberIDDevTools
import CyberIDSDJWT
import CyberIDVerifier
import CyberIDWallet
import Foundation

extension Bench {
    /// `cyberid bench credentials`: issuance and verification rates of the offline credentials.
    struct Credentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch credential batches over HTTP, then verify presentations offline; report both rates.",
            discussion: """
                Issuance: complete OpenID4VCI runs (offer, token, nonce, credential; 10 credentials each) with the \
                wallet key of --wallet. Verification: CyberIDVerifier in this process, with the issuer's keys and \
                status list cached (after one fetch), as a verifier app checks at a counter.
                """)
        @Option(help: "Server base URL (loopback).") var server = "http://127.0.0.1:8080"
        @Option(help: "An enrolled wallet file.") var wallet = "cyberid-wallet.json"
        @Option(help: "Concurrent clients.") var clients = 4
        @Option(help: "Batches of 10 credentials to fetch.") var batches = 50
        @Option(help: "Presentations to verify.") var verifications = 2_000

        func validate() throws {
            guard clients > 0, batches > 0, verifications > 0 else { throw ValidationError("counts must be positive") }
            guard let url = URL(string: server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
                throw ValidationError("bench runs against a loopback server only")
            }
        }

        func run() async throws {
            let opened = try openWallet(wallet)
            let client = CredentialClient(baseURL: server)
            let last = Locked<[StoredCredential]>([])
            let issuance = try await LoadRun.run(clients: clients, count: batches) { _ in
                let fetched = try await client.fetch(wallet: opened, count: 10)
                last.withLock { $0 = fetched }
            }
            print(
                String(
                    format: "issued %d batches of 10 in %.2f s: %.1f batches/s = %.0f credentials/s with %d clients",
                    issuance.count, issuance.seconds, issuance.rate, issuance.rate * 10, clients))
            printLatencies(issuance)
            try printFailures(issuance)

            let cache = IssuerCache(issuer: server)
            try await cache.refreshKeys()
            let verifier = PresentationVerifier(cache: cache)
            let credentials = try last.withLock { $0 }.map { ($0, try $0.sdJWT(), try P256.Signing.PrivateKey(pemRepresentation: $0.privateKeyPEM)) }
            let now = Date()
            let prepared = try (0..<verifications).map { index -> (PresentationRequest, String) in
                let (_, sdJWT, key) = credentials[index % credentials.count]
                let request = PresentationRequest(baseURL: "http://verifier.test", claims: ["given_name"], now: now)
                let shown = try sdJWT.presentation(
                    disclosing: ["given_name"], holderKey: key, audience: request.clientID, nonce: request.nonce, now: now)
                return (request, String(decoding: JSON.object(["person": .array([.string(shown.compact)])]).encoded, as: UTF8.self))
            }
            _ = try await verifier.verify(vpToken: prepared[0].1, for: prepared[0].0)  // fetches the status list once
            let verification = try await LoadRun.run(clients: clients, count: verifications) { index in
                _ = try await verifier.verify(vpToken: prepared[index].1, for: prepared[index].0)
            }
            print(
                String(
                    format: "verified %d presentations in %.2f s: %.0f verifications/s with %d tasks (offline, cached list)",
                    verification.count, verification.seconds, verification.rate, clients))
            printLatencies(verification)
            try printFailures(verification)
        }
    }
}
