import CyberIDRelyingParty
import CyberIDWeb
import Foundation
public import Hummingbird

/// The demo platform (issue 14): a small second web app that shows a visitor the difference
/// between a traditional real-name sign-up form and "Sign in with CyberID", and then exactly
/// what the platform learned. It is also the living example of the `CyberIDRelyingParty` SDK:
/// every protocol step (discovery, PKCE, state, nonce, the callback checks, the code exchange
/// and the ID-token verification) is the SDK's.
///
/// Pages: `GET /` (both sides), `POST /traditional` (what a platform would keep; the body is
/// discarded unread), `GET /login?scope=age|realname`, `GET /callback`, `GET /learned`,
/// `POST /logout` (CSRF-checked), `GET /language/{zh-CN|en}`.
public struct DemoPlatform: Sendable {
    /// Where CyberID is and who the platform is to it.
    public struct Configuration: Sendable {
        /// The CyberID issuer (its base URL), e.g. `http://127.0.0.1:8080`.
        public var issuer: String
        /// The platform's public base URL, without a trailing slash, e.g. `http://localhost:8091`.
        public var publicURL: String
        /// The platform's registered `client_id`.
        public var clientID: String
        /// Its client secret (`client_secret_basic`).
        public var clientSecret: String
        /// The registered legal basis for real-name claims; `nil` offers the `age` scope only.
        public var legalBasis: String?

        /// Creates a configuration.
        /// - Parameters:
        ///   - issuer: the CyberID issuer.
        ///   - publicURL: the platform's public base URL (a trailing `/` is dropped).
        ///   - clientID: the registered `client_id`.
        ///   - clientSecret: its secret.
        ///   - legalBasis: the registered legal basis, which enables "Sign in with CyberID (real name)".
        public init(
            issuer: String, publicURL: String, clientID: String, clientSecret: String, legalBasis: String? = nil
        ) {
            self.issuer = issuer
            self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.legalBasis = legalBasis.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }

        /// Whether the real-name sign-in is offered.
        public var realNameEnabled: Bool { legalBasis != nil }

        /// The registered redirect URI: `{publicURL}/callback`.
        public var redirectURI: String { Self.redirectURI(publicURL: publicURL) }

        /// The origin of ``publicURL`` (`scheme://host[:port]`), as browsers send it in `Origin`.
        var origin: String {
            guard let url = URLComponents(string: publicURL), let scheme = url.scheme, let host = url.host else {
                return publicURL
            }
            return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }

        /// The redirect URI of a platform at `publicURL`.
        /// - Parameter publicURL: the platform's public base URL.
        /// - Returns: `{publicURL}/callback`.
        public static func redirectURI(publicURL: String) -> String {
            (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + "/callback"
        }

        /// The scopes the platform registers: `openid age`, and `realname` with a legal basis.
        /// - Parameter realName: whether a legal basis is registered.
        /// - Returns: the scope names.
        public static func scopes(realName: Bool) -> [String] {
            ["openid", "age"] + (realName ? ["realname"] : [])
        }
    }

    /// The session cookie's name, without its `__Host-` prefix.
    static let sessionCookie = "demo_session"
    /// The language cookie's name, without its `__Host-` prefix.
    static let languageCookie = "demo_lang"

    /// The configuration.
    public let configuration: Configuration
    let sessions: DemoSessions
    let pages: DemoPages
    let relyingParty: RelyingPartySource

    /// Creates the platform; CyberID's discovery document is fetched at the first sign-in (and
    /// again after a failure), so the platform may start before CyberID does.
    /// - Parameter configuration: where CyberID is and who the platform is.
    public init(configuration: Configuration) {
        self.init(configuration: configuration, sessions: DemoSessions())
    }

    init(configuration: Configuration, sessions: DemoSessions) {
        self.configuration = configuration
        self.sessions = sessions
        pages = DemoPages(configuration: configuration)
        relyingParty = RelyingPartySource(configuration: configuration)
    }

    /// The platform's routes, for a Hummingbird `Application`.
    /// - Returns: the router.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/") { request, _ in pages.home(language(of: request)) }
        // The body (a name, an ID number, a phone number, a photo) is never read.
        router.post("traditional") { request, _ in pages.traditional(language(of: request)) }
        router.get("login") { request, _ in await login(request) }
        router.get("callback") { request, _ in await callback(request) }
        router.get("learned") { request, _ in learned(request) }
        router.post("logout") { request, _ in try await logout(request) }
        router.get("language/:code") { request, context -> Response in
            guard let chosen = context.parameters.get("code").flatMap(Language.init(rawValue:)) else {
                return pages.error(.notFound, language(of: request), messageKey: "demo_error_not_found")
            }
            let next = request.uri.queryParameters.get("next") ?? "/"
            return DemoPages.redirect(
                ["/", "/learned"].contains(next) ? next : "/",
                cookie: WebCookie.setCookie(name: Self.languageCookie, value: chosen.rawValue, maxAge: 365 * 86_400))
        }
        return router
    }

    /// The page's language: the remembered choice, else the browser's, else Chinese.
    func language(of request: Request) -> Language {
        Language.negotiate(
            cookie: WebCookie.value(named: Self.languageCookie, in: request.headers[values: .cookie]),
            acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The session cookie's token, if the request carries one.
    func sessionToken(_ request: Request) -> String? {
        WebCookie.value(named: Self.sessionCookie, in: request.headers[values: .cookie])
    }
}

/// The two sign-ins the platform offers.
enum DemoScope: String, Sendable {
    /// `openid age`: verified, over 14, over 18.
    case age
    /// `openid realname`: name and birth date, with consent; needs a legal basis.
    case realname

    /// The `scope` parameter of the authorization request.
    var requested: String { "openid \(rawValue)" }
}

/// The SDK's relying party, made from CyberID's discovery document at the first sign-in.
actor RelyingPartySource {
    private let configuration: DemoPlatform.Configuration
    private var discovered: RelyingParty?

    init(configuration: DemoPlatform.Configuration) { self.configuration = configuration }

    /// The relying party (discovering CyberID the first time).
    /// - Throws: ``RelyingPartyError`` when CyberID cannot be reached or its document is wrong.
    func relyingParty() async throws -> RelyingParty {
        if let discovered { return discovered }
        let party = try await RelyingParty.discover(
            issuer: configuration.issuer, clientID: configuration.clientID,
            credentials: .secret(configuration.clientSecret), redirectURI: configuration.redirectURI)
        discovered = party
        return party
    }
}
