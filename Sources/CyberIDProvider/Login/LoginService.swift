import CyberIDAdapters
import CyberIDIssuance
import CyberIDLimits
import CyberIDStore
import CyberIDVault

/// The login endpoints: an authorization request starts a login transaction for the page; the
/// wallet fetches it and decides (a pipeline of named checks, `LoginService+Decision.swift`);
/// the page polls and continues to the platform. Also authenticates the wallet's own requests.
public struct LoginService: Sendable {
    let configuration: ProviderConfiguration
    let registry: ClientRegistry
    let store: any OpenIDProvider.Store
    let authority: CertificateAuthority
    let issuedCertificates = IssuedCertificateCache()
    let vault: IdentityVault
    let pairwise: PairwiseSubject
    let sealers: LoginSealers
    let relay: RelayGuard
    let faceMatcher: (any FaceMatcher)?
    /// Counts face attempts (and nothing else here); `nil` in unit tests without limits.
    let limiter: RateLimiter?
    let documentReproof: DocumentReproof?
    let validator: AuthorizationValidator
    let passwords: PasswordService
    let codeDigest: InPersonCodeDigest
    /// The pages held on this node, their logins read together, at most
    /// ``ProviderConfiguration/heldPollLimit`` of them (``LoginWatch``).
    let watch: LoginWatch

    var issuer: String { configuration.issuer }
}
