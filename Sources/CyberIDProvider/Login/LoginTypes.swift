public import Foundation
import CyberIDCore

/// A started login: what the page shows and the browser keeps.
public struct LoginStart: Sendable {
    /// The transaction id (also in the ticket).
    public var transactionID: String
    /// `cyberid://login?iss=…&t=…`, for the QR code and the same-device link.
    public var walletURI: String
    /// The sealed request the page passes to the status and continue endpoints (`r`).
    public var requestToken: String
    /// The secret for the `cyberid_login` cookie that binds the login to this browser.
    public var browserSecret: String
    /// When the wallet can no longer approve.
    public var expiresAt: Date
    /// The platform's display name.
    public var clientName: String
    /// The claims asked for.
    public var claims: [String]
}

/// What the wallet shows before the person decides (`GET /wallet/v1/login`).
public struct WalletLoginView: Sendable, Codable, Equatable {
    public var transactionID: String
    public var nonce: String
    public var clientID: String
    public var clientName: String
    public var scopes: [String]
    public var claims: [String]
    public var legalBasis: String?
    public var acrValues: String?
    public var prompt: [String]
    public var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case transactionID = "transaction_id", nonce, clientID = "client_id", clientName = "client_name", scopes
        case claims, legalBasis = "legal_basis", acrValues = "acr_values", prompt, expiresAt = "expires_at"
    }
}

/// The outcome of a wallet's decision (`POST /wallet/v1/login`).
public struct WalletDecision: Sendable, Codable, Equatable {
    /// `approved` or `denied`.
    public var status: String
    /// The claims released to the platform.
    public var released: [String]
}

/// Where a login stands, for the page (`GET /authorize/status`).
public enum LoginStatus: String, Sendable, Codable {
    case pending, approved, denied, expired
}

/// The result of an authorization request.
public enum AuthorizationOutcome: Sendable {
    /// Show the login page.
    case login(LoginStart)
    /// Send the browser to this URL (an error for the client).
    case redirect(String)
}

/// The login's state sealed into the page (`r`).
struct LoginState: Codable, Sendable {
    var transactionID: String
    var nonce: String
    var request: AuthorizationRequest
    var expiresAt: Double
    var browserBinding: String

    enum CodingKeys: String, CodingKey {
        case transactionID = "t", nonce = "n", request = "q", expiresAt = "e", browserBinding = "b"
    }
}

/// The ticket sealed into the wallet URI: everything the wallet is shown and the approval checked
/// against, so neither needs a database read.
struct LoginTicket: Codable, Sendable {
    var transactionID: String
    var nonce: String
    var clientID: String
    var clientName: String
    var sector: String
    var legalBasis: String?
    var scopes: [Scope]
    var requiredLevel: AssuranceLevel?
    var prompt: [String]
    var expiresAt: Double

    enum CodingKeys: String, CodingKey {
        case transactionID = "t", nonce = "n", clientID = "c", clientName = "cn", sector = "x", legalBasis = "l"
        case scopes = "s", requiredLevel = "a", prompt = "p", expiresAt = "e"
    }
}

/// What a wallet signs to decide a login.
struct ApprovalPayload: Decodable {
    var aud: String?
    var purpose: String?
    var sid: String?
    var nonce: String?
    var iat: Double?
    var decision: String?
    /// Claims the person agrees to release (remembered for next time).
    var consent: [String]?
    /// Claims the person refuses (forgotten if remembered).
    var decline: [String]?
}

/// The decision row's payload: what the code exchange releases.
struct LoginGrant: Codable, Sendable {
    var subject: String?
    var level: AssuranceLevel?
    var authTime: Double?
    var released: [String]
    var error: String?
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case subject = "sub", level = "acr", authTime = "auth_time", released, error, errorDescription = "error_description"
    }
}

/// The history entry's detail: claim names, levels, reasons — never personal data.
struct LoginHistoryDetail: Codable {
    var requested: [String]
    var released: [String]
    var level: String?
    var requiredLevel: String?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case requested = "claims_requested", released = "claims_released", level = "acr"
        case requiredLevel = "acr_required", reason
    }

    var json: String { (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }
}
