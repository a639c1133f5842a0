public import CyberIDCore
import CyberIDStore
public import Foundation

/// One of CyberID's own web applications that signs people in through the same relay-proof
/// login as platforms (issue 14): a reserved client, registered by the service itself, with
/// no secret (its codes are redeemed in-process, never at `/token`), scope `openid` only, and
/// a minimum assurance level.
public struct FirstPartyClient: Sendable, Equatable {
    /// The reserved `client_id`.
    public let id: String
    /// The name the wallet shows ("Sign in to CyberID account").
    public let name: String
    /// The least level a sign-in needs (`acr_values`).
    public let level: AssuranceLevel
    /// Where the login returns, below the issuer.
    public let callbackPath: String
    /// The web sessions' audience (`portal`, `console`).
    public let audience: String

    /// The citizen portal (`/account`): level substantial.
    public static let portal = FirstPartyClient(
        id: "cyberid-portal", name: "CyberID account", level: .substantial, callbackPath: "/account/callback",
        audience: "portal")

    /// The operator console (`/console`, issue 15): level high.
    public static let console = FirstPartyClient(
        id: "cyberid-console", name: "CyberID operator console", level: .high, callbackPath: "/console/callback",
        audience: "console")

    /// Every first-party client.
    public static let all: [FirstPartyClient] = [.portal, .console]

    /// Whether `clientID` is reserved for CyberID's own applications (they are not
    /// "platforms": the portal does not list them, administrators cannot change them).
    public static func isReserved(_ clientID: String) -> Bool { clientID.hasPrefix(reservedPrefix) }

    /// The prefix of every reserved client id (no SQL wildcard in it: statistics filter by it).
    public static let reservedPrefix = "cyberid-"
}

extension ClientRegistry {
    /// Registers or updates a first-party client for this issuer (at every start: the redirect
    /// URI follows the issuer). Writes only when the row differs.
    public func ensure(_ client: FirstPartyClient, issuer: String, now: Date = Date()) async throws {
        let metadata = ClientMetadata(
            redirectURIs: [issuer + client.callbackPath], sector: client.id, scopes: [.openid], legalBasis: nil,
            authMethod: .clientSecretBasic, jwks: nil, jwksURI: nil, strict: false, eventsURI: nil)
        if let existing = try await store.client(id: client.id), let current = try? Self.client(existing),
            current.metadata == metadata, current.name == client.name, !current.disabled, current.secretHash == nil
        {
            return
        }
        let json = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
        let createdAt = try await store.client(id: client.id)?.createdAt ?? now
        try await store.saveClient(
            ClientRecord(clientID: client.id, name: client.name, secretHash: nil, metadata: json, createdAt: createdAt))
        cache.remove(client.id)
    }
}
