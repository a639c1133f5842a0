import Crypto
import CyberIDBase64URL
public import Foundation

/// A login the wallet was asked to approve: what `cyberid://login?iss=…&t=…` names — with
/// `qt` and `qa` the animated QR code's content (cross-device), with `r` (and `v`, the view) the
/// login page's same-device link (docs/relying-parties.md §4a, §5).
public struct WalletLoginURI: Sendable, Equatable {
    /// The service that made it.
    public var issuer: String
    /// The sealed ticket.
    public var ticket: String
    /// The QR code's time step (cross-device).
    public var qrStep: String?
    /// The QR code's authenticator (cross-device).
    public var qrAuthenticator: String?
    /// The login page's request (same-device), for the return URL.
    public var request: String?
    /// The same-device link's view of the login (base64url JSON): ``linkedView()``.
    public var view: String?

    /// Whether this is a scanned QR code's content: the approval must pick the page's number.
    public var isCrossDevice: Bool { qrStep != nil || qrAuthenticator != nil }

    /// Parses a wallet URI.
    /// - Throws: ``WalletError/invalidResponse(_:)`` for anything else.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            components.scheme == "cyberid", components.host == "login",
            let issuer = components.queryItems?.first(where: { $0.name == "iss" })?.value,
            let ticket = components.queryItems?.first(where: { $0.name == "t" })?.value, !ticket.isEmpty
        else { throw WalletError.invalidResponse("not a CyberID login link (cyberid://login?iss=…&t=…)") }
        func value(_ name: String) -> String? { components.queryItems?.first(where: { $0.name == name })?.value }
        self.issuer = issuer
        self.ticket = ticket
        qrStep = value("qt")
        qrAuthenticator = value("qa")
        request = value("r")
        view = value("v")
        if isCrossDevice && (request != nil || view != nil) {
            throw WalletError.invalidResponse("a CyberID login link is either a QR code (qt, qa) or a same-device link (r, v)")
        }
    }

    /// The login as the same-device link shows it, without asking the service (`nil`: the link
    /// has no view — a QR code, or an older service's link — so ``LoginClient/fetch(_:)`` it).
    /// Its ``LoginRequestView/viewDigest`` goes into the approval, and the service refuses an
    /// approval of a view it did not make (409 `login-view-mismatch`): the link comes from
    /// whatever opened the wallet.
    /// - Throws: ``WalletError/invalidResponse(_:)`` for a `v` that is not a same-device view.
    public func linkedView() throws -> LoginRequestView? {
        guard let view else { return nil }
        guard let bytes = Base64URL.decode(view) else { throw WalletError.invalidResponse("the link's view (v) is not base64url") }
        let login: LoginRequestView
        do {
            login = try LoginRequestView(viewJSON: bytes)
        } catch {
            throw WalletError.invalidResponse("the link's view (v) is not a login's view: \(error)")
        }
        guard login.device == "same-device", login.scan == nil, login.matchChoices == nil else {
            throw WalletError.invalidResponse("the link's view (v) is not a same-device view")
        }
        return login
    }
}

/// What the service says a login asks for (docs/relying-parties.md §5).
public struct LoginRequestView: Sendable, Codable, Equatable {
    public var transactionID: String
    public var nonce: String
    public var clientID: String
    public var clientName: String
    public var scopes: [String]
    public var claims: [String]
    public var legalBasis: String?
    public var acrValues: String?
    public var prompt: [String]
    public var expiresAt: String
    /// `cross-device` or `same-device`.
    public var device: String?
    /// When the browser started the login.
    public var requestedAt: String?
    /// The IP address of the browser that started the login.
    public var requestedFrom: String?
    /// Cross-device: the three numbers to pick from; one is on the login page.
    public var matchChoices: [Int]?
    /// Cross-device: the proof of a fresh scan, signed into the approval.
    public var scan: String?
    /// The challenge a re-verifying document's chip signs (base64url, 8 bytes).
    public var aaChallenge: String?
    /// The authentication mode the platform asks for (`urn:cyberid:mode:R02`…), if any.
    public var mode: String?
    /// What the approval must come with for that mode: `password`, `face`.
    public var requires: [String]?
    /// A same-device view's digest, base64url SHA-256 of its bytes as the wallet received them
    /// (the link's `v`, ``WalletLoginURI/linkedView()``, or the answer of ``LoginClient/fetch(_:)``):
    /// the approval signs it (`view`), and the service refuses it unless the view is the one it
    /// makes of the login. Not part of the JSON: a view decoded another way has none.
    public internal(set) var viewDigest: String? = nil

    enum CodingKeys: String, CodingKey {
        case transactionID = "transaction_id", nonce, clientID = "client_id", clientName = "client_name", scopes
        case claims, legalBasis = "legal_basis", acrValues = "acr_values", prompt, expiresAt = "expires_at"
        case device, requestedAt = "requested_at", requestedFrom = "requested_from", matchChoices = "match_choices", scan
        case aaChallenge = "aa_challenge", mode, requires
    }

    /// A view read from the service's JSON — the link's `v` decoded, or the fetch's answer — with
    /// ``viewDigest`` of exactly those bytes (what a same-device approval signs). A wallet with
    /// its own HTTP stack reads a fetched view this way too.
    /// - Throws: `DecodingError` for bytes that are not a view.
    public init(viewJSON bytes: some Sequence<UInt8>) throws {
        let bytes = Array(bytes)
        self = try JSONDecoder().decode(LoginRequestView.self, from: Data(bytes))
        viewDigest = Base64URL.encode(Array(SHA256.hash(data: bytes)))
    }

    /// Creates a view (tests, and wallets that receive the transaction another way).
    public init(
        transactionID: String, nonce: String, clientID: String, clientName: String, scopes: [String], claims: [String],
        legalBasis: String? = nil, acrValues: String? = nil, prompt: [String] = [], expiresAt: String,
        matchChoices: [Int]? = nil, scan: String? = nil
    ) {
        (
            self.transactionID, self.nonce, self.clientID, self.clientName, self.scopes, self.claims, self.legalBasis,
            self.acrValues, self.prompt, self.expiresAt, self.matchChoices, self.scan
        ) = (
            transactionID, nonce, clientID, clientName, scopes, claims, legalBasis, acrValues, prompt, expiresAt,
            matchChoices, scan
        )
        device = scan == nil ? "same-device" : "cross-device"
    }
}
