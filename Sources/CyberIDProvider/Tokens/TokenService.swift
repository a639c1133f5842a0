import CyberIDKeys
import CyberIDStore
import CyberIDVault
import CyberIDCore
import Foundation

/// The token endpoints: the authorization-code grant (PKCE, single use), pushed authorization
/// requests, userinfo, revocation, and platforms' re-verification demands. Every one of them
/// authenticates the client first (``ClientAuthenticator``), except userinfo's bearer token.
public struct TokenService: Sendable {
    let configuration: ProviderConfiguration
    let registry: ClientRegistry
    let store: any OpenIDProvider.Store
    let signer: JWTSigner
    let vault: IdentityVault
    let authenticator: ClientAuthenticator
    let validator: AuthorizationValidator
    let sealers: LoginSealers
    let pairwise: PairwiseSubject
    let codeDigest: InPersonCodeDigest
    let today: @Sendable (Date) -> CalendarDate

    var issuer: String { configuration.issuer }
}
