import ArgumentParser
import CyberIDServer
import CyberIDVerifier
import Foundation
import Hummingbird
import Logging

/// `cyberid verifier serve`: a small verifier web app over CyberIDVerifier — no data directory,
/// no database; the issuer's keys and status lists are cached in memory.
struct VerifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier", abstract: "Check CyberID credentials offline, as a shop, a counter or a venue would.",
        subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a verifier page: each visit makes a new OpenID4VP request (QR code and link).",
            discussion: """
                Needs no CyberID data directory or database: at start it fetches the issuer's keys \
                (ISSUER/.well-known/jwt-vc-issuer); status lists are fetched when first needed and kept for \
                their ttl, and beyond it (until their exp) when the issuer cannot be reached.
                """)
        @Option(help: "Port to listen on.") var port = 8090
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "The CyberID issuer (its base URL).") var issuer: String
        @Option(name: .customLong("claim"), help: "A claim to ask for besides verified and age_over_18 (repeatable).")
        var claims: [String] = []
        @Flag(help: "Do not ask for age_over_18.") var noAge = false
        @Option(help: "The verifier's public base URL (default http://HOST:PORT).") var publicURL: String?

        func run() async throws {
            var logger = Logger(label: "cyberid.verifier")
            logger.logLevel = .info
            let cache = IssuerCache(issuer: issuer)
            do {
                try await cache.refreshKeys()
            } catch {
                printError("cyberid: cannot fetch the issuer's keys from \(issuer): \(error)")
                throw Exit.configuration
            }
            let asked = (noAge ? [] : ["age_over_18"]) + claims
            let app = VerifierApp(
                verifier: PresentationVerifier(cache: cache), baseURL: publicURL ?? "http://\(host):\(port)", claims: asked,
                logger: logger)
            let application = Application(
                router: app.router(),
                configuration: .init(address: .hostname(host, port: port), serverName: "CyberID verifier"), logger: logger)
            logger.info("verifier for \(issuer) on http://\(host):\(port)/")
            // Lists are refreshed on a timer, not when a credential is shown: the issuer cannot
            // tell from its logs when this verifier checks someone.
            let refresher = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    await cache.refreshStaleLists()
                }
            }
            defer { refresher.cancel() }
            try await runUntilSignalled(application, logger: logger)
        }
    }
}
