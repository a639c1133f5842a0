import ArgumentParser
import CyberIDCore
import CyberIDProvider
import CyberIDServer
import CyberIDServices
import Foundation

/// `cyberid admin client`: register and manage relying parties (docs/relying-parties.md §1).
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Register, list, show and disable relying parties (OIDC clients).",
        subcommands: [Create.self, List.self, Show.self, Disable.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client; prints JSON {client_id, client_secret?}. The secret is shown once.")
        @Option(help: "Display name shown in the wallet.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeatable), matched exactly.") var redirectURIs: [String] = []
        @Option(help: "Pairwise sector (default: the redirect URIs' host).") var sector: String?
        @Option(name: .customLong("scope"), help: "A scope the client may ask for (repeatable).") var scopes: [String] = []
        @Option(help: "Registered legal basis for real-name claims.") var legalBasis: String?
        @Option(help: "client_secret_basic, client_secret_post or private_key_jwt.") var auth: String?
        @Option(help: "The client's public JWKS: a file, or an https (or loopback http) URL.") var jwks: String?
        @Flag(help: "FAPI 2.0: require PAR and private_key_jwt.") var strict = false
        @Option(help: "Where to push Security Event Tokens about the platform's users (https, or loopback http).") var eventsUri: String?
        @Option(help: "The authentication mode of its logins when a request names none: R01, R02, R03 or R04.")
        var mode: String?
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws {
            if let mode, AuthenticationMode(parsing: mode) == nil {
                throw ValidationError("--mode must be R01, R02, R03 or R04")
            }
            if let auth, ClientAuthMethod(rawValue: auth) == nil {
                throw ValidationError("--auth must be one of \(ClientAuthMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try operatorOption.require()
        }

        func run() async throws {
            var jwksJSON: String?
            var jwksURI: String?
            if let jwks {
                if jwks.hasPrefix("https://") || jwks.hasPrefix("http://") {
                    jwksURI = jwks
                } else {
                    guard let data = FileManager.default.contents(atPath: jwks) else {
                        throw ValidationError("cannot read the JWKS file \(jwks)")
                    }
                    jwksJSON = String(decoding: data, as: UTF8.self)
                }
            }
            var registration = ClientRegistration(
                name: name, redirectURIs: redirectURIs, sector: sector, scopes: scopes.isEmpty ? nil : scopes,
                legalBasis: legalBasis, authMethod: auth.flatMap(ClientAuthMethod.init(rawValue:)), jwks: jwksJSON,
                jwksURI: jwksURI, strict: strict, eventsURI: eventsUri)
            registration.defaultMode = mode.flatMap(AuthenticationMode.init(parsing:))
            let request = registration
            try await withPreparedRuntime { runtime in
                do {
                    let (client, secret) = try await operatorOption.admin(runtime).registerClient(request)
                    var object: [String: Any] = ["client_id": client.id]
                    if let secret { object["client_secret"] = secret }
                    printJSON(object)
                } catch let error as ProviderError {
                    printError("cyberid: \(error.reason)")
                    throw Exit.configuration
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients as a JSON array (no secrets).")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                printJSON(try await runtime.admin.allClients().map(describe))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client as JSON.")
        @Argument(help: "The client_id.") var clientID: String

        func run() async throws {
            try await withPreparedRuntime { runtime in
                printJSON(describe(try await runtime.admin.client(id: clientID)))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a client: it gets nothing from then on.")
        @Argument(help: "The client_id.") var clientID: String
        @Flag(help: "Enable it again instead.") var enable = false
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws { try operatorOption.require() }

        func run() async throws {
            try await withPreparedRuntime { runtime in
                do {
                    try await operatorOption.admin(runtime).setClientDisabled(id: clientID, !enable)
                    print(enable ? "enabled \(clientID)" : "disabled \(clientID)")
                } catch let error as ProviderError {
                    printError("cyberid: \(error.reason)")
                    throw Exit.failure
                }
            }
        }
    }
}

private func describe(_ client: Client) -> [String: Any] {
    var object: [String: Any] = [
        "client_id": client.id, "name": client.name, "redirect_uris": client.metadata.redirectURIs,
        "sector": client.metadata.sector, "scopes": client.metadata.scopes.map(\.rawValue),
        "token_endpoint_auth_method": client.metadata.authMethod.rawValue, "strict": client.metadata.strict,
        "disabled": client.disabled, "created_at": ISO8601DateFormatter().string(from: client.createdAt),
    ]
    if let basis = client.metadata.legalBasis { object["legal_basis"] = basis }
    if let uri = client.metadata.jwksURI { object["jwks_uri"] = uri }
    if let uri = client.metadata.eventsURI { object["events_uri"] = uri }
    if let mode = client.metadata.defaultMode { object["default_mode"] = mode.rawValue }
    if client.metadata.jwks != nil { object["jwks"] = "registered" }
    return object
}

func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
