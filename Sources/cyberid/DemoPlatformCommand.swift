import ArgumentParser
import CyberIDDemoPlatform
import CyberIDProvider
import CyberIDServer
import CyberIDServices
import Foundation
import Hummingbird
import Logging

/// `cyberid dev demo-platform`: the demo platform (issue 14), a second web app that signs its
/// visitors in with CyberID through the CyberIDRelyingParty SDK and shows what it learned.
struct DemoPlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-platform",
        abstract: "Serve the demo platform: a real-name sign-up form beside \"Sign in with CyberID\".",
        discussion: """
            The issuer is CyberID's configured one (CYBERID_ISSUER). In development (an http issuer on a \
            loopback host) the platform registers itself as a client — "CyberID demo platform", redirect URI \
            PUBLIC-URL/callback, scopes openid age (and realname with --legal-basis), client_secret_basic — \
            and keeps it in DATA-DIR/demo-platform.json (mode 0600), reused while that client exists, is \
            enabled and has the same redirect URI, scopes and legal basis. Otherwise give --client-id with the \
            secret in CYBERID_DEMO_CLIENT_SECRET. The database is closed again before serving, so `cyberid \
            serve` can share it. Prints "demo platform: URL" and "client: ID" once listening; serves until \
            SIGINT or SIGTERM.
            """)

    @Option(help: "Port to listen on.") var port = 8091
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(
        help: """
            The platform's public base URL (default http://localhost:PORT — not 127.0.0.1, whose cookies \
            CyberID's own pages on another port would share).
            """)
    var publicURL: String?
    @Option(help: "A legal basis for real-name claims: the platform then also registers and offers the realname scope.")
    var legalBasis: String?
    @Option(
        name: .customLong("client-id"),
        help: """
            A client registered already (its secret in CYBERID_DEMO_CLIENT_SECRET); needed unless the issuer is \
            loopback http.
            """)
    var clientID: String?

    /// The variable holding the secret of `--client-id` (kept out of the process list).
    static let secretVariable = "CYBERID_DEMO_CLIENT_SECRET"

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1–65535") }
        if let publicURL {
            guard let url = URLComponents(string: publicURL), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false, url.query == nil,
                url.fragment == nil, url.path.isEmpty || url.path == "/"
            else {
                throw ValidationError("--public-url must be a base URL such as http://localhost:\(port)")
            }
        }
        if let legalBasis, legalBasis.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--legal-basis must not be empty")
        }
        if let clientID, clientID.isEmpty { throw ValidationError("--client-id must not be empty") }
    }

    func run() async throws {
        let settings = try await loadSettings()
        let logger = makeLogger(settings)
        let base = self.publicURL ?? "http://localhost:\(port)"
        let publicURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        let basis = legalBasis?.trimmingCharacters(in: .whitespaces)
        let client = try await resolveClient(settings, logger: logger, publicURL: publicURL, legalBasis: basis)
        let platform = DemoPlatform(
            configuration: DemoPlatform.Configuration(
                issuer: settings.issuer, publicURL: publicURL, clientID: client.clientID,
                clientSecret: client.clientSecret, legalBasis: basis))
        let application = Application(
            router: platform.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "CyberID demo platform"),
            onServerRunning: { _ in
                // One unbuffered write: a script waiting for these lines sees them at once.
                FileHandle.standardOutput.write(Data("demo platform: \(publicURL)/\nclient: \(client.clientID)\n".utf8))
            },
            logger: logger)
        try await runOrExit { try await runUntilSignalled(application, logger: logger) }
    }

    /// The client to sign in as: `--client-id` with its secret from the environment, or — in
    /// development only — the saved or a newly registered one.
    private func resolveClient(
        _ settings: ServerSettings, logger: Logger, publicURL: String, legalBasis: String?
    ) async throws -> DemoClient {
        let redirectURI = DemoPlatform.Configuration.redirectURI(publicURL: publicURL)
        let scopes = DemoPlatform.Configuration.scopes(realName: legalBasis != nil)
        if let clientID {
            guard let secret = ProcessInfo.processInfo.environment[Self.secretVariable], !secret.isEmpty else {
                throw configurationFailure("--client-id needs the client's secret in \(Self.secretVariable)")
            }
            return DemoClient(clientID: clientID, clientSecret: secret, redirectURI: redirectURI, scopes: scopes)
        }
        guard Self.isDevelopment(issuer: settings.issuer) else {
            throw configurationFailure(
                """
                the issuer \(settings.issuer) is not an http loopback address, so the demo platform does not \
                register itself there: register it (cyberid admin client create --name "CyberID demo platform" \
                --redirect-uri \(redirectURI) \(scopes.map { "--scope \($0)" }.joined(separator: " ")) …) and pass \
                --client-id with the secret in \(Self.secretVariable)
                """)
        }
        let file = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("demo-platform.json").path
        let wanted = DemoClient.Wanted(redirectURI: redirectURI, scopes: scopes, legalBasis: legalBasis)
        var client: DemoClient?
        // One-shot: the database is closed again before the platform serves (serve may share it).
        try await runOrExit {
            client = try await withRuntime(settings: settings, logger: logger) { runtime -> DemoClient in
                do {
                    return try await DemoClient.reuseOrRegister(wanted, file: file, admin: runtime.admin)
                } catch let error as ProviderError {
                    printError("cyberid: cannot register the demo platform: \(error.reason)")
                    throw Exit.configuration
                }
            }
        }
        guard let resolved = client else { throw Exit.failure }
        return resolved
    }

    /// Whether the issuer is a development one: `http` on a loopback host.
    static func isDevelopment(issuer: String) -> Bool {
        guard let url = URLComponents(string: issuer), url.scheme?.lowercased() == "http",
            let host = url.host?.lowercased()
        else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }
}

/// The demo platform's client, as saved in `<data dir>/demo-platform.json` (mode 0600).
struct DemoClient: Codable, Sendable {
    /// What the platform needs registered.
    struct Wanted: Sendable {
        var redirectURI: String
        var scopes: [String]
        var legalBasis: String?
    }

    var clientID: String
    var clientSecret: String
    var redirectURI: String
    var scopes: [String]

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientSecret = "client_secret", redirectURI = "redirect_uri", scopes
    }

    /// The saved client while it still fits — it exists, is enabled, and has the same redirect
    /// URI, scopes and legal basis — else a new registration (audited, saved).
    static func reuseOrRegister(_ wanted: Wanted, file: String, admin: AdminService) async throws -> DemoClient {
        if let saved = load(file), saved.redirectURI == wanted.redirectURI, Set(saved.scopes) == Set(wanted.scopes),
            let client = try? await admin.client(id: saved.clientID), !client.disabled,
            client.metadata.redirectURIs == [wanted.redirectURI],
            Set(client.metadata.scopes.map(\.rawValue)) == Set(wanted.scopes),
            client.metadata.legalBasis == wanted.legalBasis
        {
            return saved
        }
        let registration = ClientRegistration(
            name: "CyberID demo platform", redirectURIs: [wanted.redirectURI], scopes: wanted.scopes,
            legalBasis: wanted.legalBasis, authMethod: .clientSecretBasic)
        let (client, issued) = try await admin.acting(as: "cyberid dev demo-platform").registerClient(registration)
        guard let secret = issued else { throw DemoClientError(description: "the registered client has no secret") }
        let fresh = DemoClient(
            clientID: client.id, clientSecret: secret, redirectURI: wanted.redirectURI, scopes: wanted.scopes)
        try fresh.save(to: file)
        return fresh
    }

    /// The saved client, if the file is there and readable.
    static func load(_ path: String) -> DemoClient? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(DemoClient.self, from: $0) }
    }

    /// Writes the file with mode 0600 from the start (it holds the client secret).
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let manager = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? manager.removeItem(atPath: path)
        guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw DemoClientError(description: "cannot create \(path)")
        }
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
    }
}

/// Why the demo platform's client could not be kept.
struct DemoClientError: Error, CustomStringConvertible {
    let description: String
}
