import CyberIDRelyingParty
import Foundation
import Testing

/// `RelyingParty.discover`: the provider's metadata, and the issuer it must name.
@Suite struct DiscoveryTests {
    @Test func discoveryReadsTheProvidersEndpoints() async throws {
        try await LiveServer.with { server in
            let client = try await server.secretClient()
            let relyingParty = try await server.relyingParty(client)
            let metadata = relyingParty.metadata
            #expect(metadata.issuer == server.issuer)
            #expect(metadata.authorizationEndpoint == "\(server.issuer)/authorize")
            #expect(metadata.tokenEndpoint == "\(server.issuer)/token")
            #expect(metadata.jwksURI == "\(server.issuer)/jwks.json")
            #expect(metadata.userinfoEndpoint == "\(server.issuer)/userinfo")
            #expect(metadata.pushedAuthorizationRequestEndpoint == "\(server.issuer)/par")
            #expect(relyingParty.clientID == client.id)
            #expect(relyingParty.redirectURI == LiveServer.redirectURI)
            // The JWKS it names is the server's: it publishes the key that signs now.
            #expect(try await server.publishedKids(at: metadata.jwksURI) == [try server.activeKid()])
        }
    }

    /// Discovery at `http://localhost:<port>` reaches the same server, whose document names
    /// `http://127.0.0.1:<port>`: a relying party configured for one issuer must not accept
    /// another's metadata (OpenID Connect Discovery §4.3).
    @Test func discoveryRefusesADocumentThatNamesAnotherIssuer() async throws {
        try await LiveServer.with { server in
            let client = try await server.secretClient()
            let other = "http://localhost:\(server.port)"
            let document = try await server.get("\(other)/.well-known/openid-configuration")
            #expect(document.status == 200)
            let error = await #expect(throws: RelyingPartyError.self) {
                try await RelyingParty.discover(
                    issuer: other, clientID: client.id, credentials: client.credentials,
                    redirectURI: LiveServer.redirectURI, http: server.http)
            }
            #expect(error?.says("names another issuer") == true)
        }
    }

    @Test func discoveryFailsWhereNoProviderAnswers() async throws {
        try await LiveServer.with { server in
            let client = try await server.secretClient()
            let error = await #expect(throws: RelyingPartyError.self) {
                try await RelyingParty.discover(
                    issuer: "\(server.issuer)/elsewhere", clientID: client.id, credentials: client.credentials,
                    redirectURI: LiveServer.redirectURI, http: server.http)
            }
            #expect(error?.says("answered 404") == true)
        }
    }
}
