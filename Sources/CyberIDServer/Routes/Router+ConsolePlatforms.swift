import CyberIDCore
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation
import Hummingbird

extension Router where Context == AppRequestContext {
    /// Platforms (list, register with the secret shown once, change, disable) and the
    /// re-verification policy: `platforms` operators change, `auditor` reads.
    func addConsolePlatformRoutes(_ console: Console) {
        consoleGet("console/platforms", .platforms, console) { request, call in
            try call.require(.viewPlatforms)
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            return Console.html(try await Self.platformsPage(console, frame))
        }
        consolePost("console/platforms/register", .platforms, console) { _, call in
            try call.require(.registerPlatform)
            let uris = try Self.field("redirect_uris", call.form).split(whereSeparator: \.isWhitespace).map(String.init)
            // The console registers secret-based platforms (a JWKS is registered with the CLI).
            let method = try call.form["auth_method"].map { text -> ClientAuthMethod in
                guard let method = ClientAuthMethod(rawValue: text), method != .privateKeyJWT else {
                    throw Self.invalid("auth_method")
                }
                return method
            } ?? .clientSecretBasic
            let scopes = call.form["scopes"].map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
            let registration = ClientRegistration(
                name: try Self.field("name", call.form), redirectURIs: uris, scopes: scopes?.isEmpty == false ? scopes : nil,
                legalBasis: call.form["legal_basis"].flatMap { $0.isEmpty ? nil : $0 }, authMethod: method,
                eventsURI: call.form["events_uri"].flatMap { $0.isEmpty ? nil : $0 })
            do {
                let (client, secret) = try await call.admin.registerClient(registration)
                // Every console page is `no-store`: the secret stays in no cache.
                return Console.html(
                    try await Self.platformsPage(console, call.frame, registered: (client.id, client.name, secret)))
            } catch let error as ProviderError where error.code == "invalid-client-registration" {
                return Console.html(try await Self.platformsPage(console, call.frame, problem: error.reason), status: .badRequest)
            }
        }
        consoleGet("console/platforms/edit", .platforms, console) { request, call in
            try call.require(.changePlatform)
            let id = try Self.field("id", (try? FormParameters(encoded: request.uri.query ?? "")) ?? FormParameters())
            return Console.html(console.pages.platformEdit(call.frame, client: try await Self.platform(console, id)))
        }
        consolePost("console/platforms/change", .platforms, console) { _, call in
            try call.require(.changePlatform)
            let id = try Self.field("id", call.form)
            _ = try await Self.platform(console, id)
            let change = ClientChange(
                name: try Self.field("name", call.form), legalBasis: call.form["legal_basis"], eventsURI: call.form["events_uri"])
            do {
                try await call.admin.changeClient(id: id, change)
            } catch let error as ProviderError where error.code == "invalid-client-registration" {
                return Console.html(try await Self.platformsPage(console, call.frame, problem: error.reason), status: .badRequest)
            }
            return Portal.seeOther("/console/platforms?done=changed")
        }
        consolePost("console/platforms/disable", .platforms, console) { _, call in
            try call.require(.disablePlatform)
            let id = try Self.field("id", call.form)
            _ = try await Self.platform(console, id)
            let disable = try Self.field("disabled", call.form) == "1"
            try await call.admin.setClientDisabled(id: id, disable)
            return Portal.seeOther("/console/platforms?done=" + (disable ? "disabled" : "enabled"))
        }
        addConsolePolicyRoutes(console)
    }

    /// The re-verification intervals (`set-policy`: `platforms`; read: `platforms`, `auditor`).
    func addConsolePolicyRoutes(_ console: Console) {
        consoleGet("console/policy", .policy, console) { request, call in
            try call.require(.viewPlatforms)
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            let clients = try await Self.platforms(console)
            return Console.html(
                console.pages.policy(frame, intervals: try await console.admin.reverificationIntervals(), clients: clients))
        }
        consolePost("console/policy/set", .policy, console) { _, call in
            try call.require(.setPolicy)
            let scope = try Self.field("scope", call.form)
            // CyberID's own portal and console are not platforms: a policy on them would make every
            // operator's sign-in a document check (a review's finding). The floor, 0.01 day
            // (14.4 minutes), is console.md's: below it every sign-in would re-verify.
            guard scope == "*" || !FirstPartyClient.isReserved(scope) else { throw AdminError.unknownClient(scope) }
            guard let days = Double(try Self.field("days", call.form)), days >= 0.01, days <= 3_650 else {
                throw Self.invalid("days")
            }
            try await call.admin.setReverificationInterval(
                clientID: scope == "*" ? nil : scope, seconds: Int64((days * 86_400).rounded()),
                reason: try Self.field("reason", call.form))
            return Portal.seeOther("/console/policy?done=policy-set")
        }
        consolePost("console/policy/clear", .policy, console) { _, call in
            try call.require(.setPolicy)
            let scope = try Self.field("scope", call.form)
            guard scope == "*" || !FirstPartyClient.isReserved(scope) else { throw AdminError.unknownClient(scope) }
            try await call.admin.setReverificationInterval(
                clientID: scope == "*" ? nil : scope, seconds: nil, reason: try Self.field("reason", call.form))
            return Portal.seeOther("/console/policy?done=policy-cleared")
        }
    }

    /// Every platform, CyberID's own applications aside (they are not operators' to change).
    static func platforms(_ console: Console) async throws -> [Client] {
        try await console.admin.allClients().filter { !FirstPartyClient.isReserved($0.id) }
    }

    /// A platform an operator may see and change (not one of CyberID's own applications).
    static func platform(_ console: Console, _ id: String) async throws -> Client {
        guard !FirstPartyClient.isReserved(id) else { throw AdminError.unknownClient(id) }
        return try await console.admin.client(id: id)
    }

    static func platformsPage(
        _ console: Console, _ frame: ConsoleFrame, registered: ConsolePages.Registered? = nil, problem: String? = nil
    ) async throws -> String {
        console.pages.platforms(
            frame, clients: try await platforms(console), delivery: try await console.admin.eventDelivery(),
            registered: registered, problem: problem)
    }
}
