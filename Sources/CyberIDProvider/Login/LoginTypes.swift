import CyberIDBase64URL
public import Foundation
import CyberIDCore
import CyberIDIssuance
import CyberIDKeys

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

/// The ticket sealed into the wallet URI: what the approval is checked against without a
/// database read. Binary, not JSON, because it is a QR code's payload: every byte saved makes
/// the symbol smaller (a version 9 code instead of 14), faster to scan and to draw.
struct LoginTicket: Sendable, Equatable {
    /// 16 random bytes; its base64url form is the transaction id.
    var transaction: [UInt8]
    /// 16 random bytes the approval must echo (base64url).
    var nonce: [UInt8]
    var clientID: String
    var sector: String
    var scopes: [Scope]
    var requiredLevel: AssuranceLevel?
    var prompt: [String]
    /// Unix seconds.
    var expiresAt: UInt32

    var transactionID: String { Base64URL.encode(transaction) }
    var nonceText: String { Base64URL.encode(nonce) }

    private static let prompts = ["login", "consent", "select_account"]
    private static let levels: [AssuranceLevel] = [.low, .substantial, .high]

    /// `transaction[16] ‖ nonce[16] ‖ expiry u32 ‖ scope bits ‖ level ‖ prompt bits ‖
    /// len ‖ client id ‖ len ‖ sector`.
    var bytes: [UInt8] {
        var out = transaction + nonce
        out += [UInt8(expiresAt >> 24), UInt8(expiresAt >> 16 & 0xFF), UInt8(expiresAt >> 8 & 0xFF), UInt8(expiresAt & 0xFF)]
        var bits: UInt8 = 0
        for (index, scope) in Scope.allCases.enumerated() where scopes.contains(scope) { bits |= 1 << index }
        out.append(bits)
        out.append(requiredLevel.flatMap { Self.levels.firstIndex(of: $0) }.map { UInt8($0 + 1) } ?? 0)
        var promptBits: UInt8 = 0
        for (index, value) in Self.prompts.enumerated() where prompt.contains(value) { promptBits |= 1 << index }
        out.append(promptBits)
        for text in [clientID, sector] {
            let utf8 = Array(text.utf8.prefix(255))
            out.append(UInt8(utf8.count))
            out += utf8
        }
        return out
    }

    init(
        transaction: [UInt8], nonce: [UInt8], clientID: String, sector: String, scopes: [Scope],
        requiredLevel: AssuranceLevel?, prompt: [String], expiresAt: UInt32
    ) {
        (
            self.transaction, self.nonce, self.clientID, self.sector, self.scopes, self.requiredLevel, self.prompt,
            self.expiresAt
        ) = (
            transaction, nonce, clientID, sector, scopes, requiredLevel, prompt, expiresAt
        )
    }

    init?(bytes: [UInt8]) {
        guard bytes.count >= 41 else { return nil }
        transaction = Array(bytes[0..<16])
        nonce = Array(bytes[16..<32])
        expiresAt = UInt32(bytes[32]) << 24 | UInt32(bytes[33]) << 16 | UInt32(bytes[34]) << 8 | UInt32(bytes[35])
        scopes = Scope.allCases.enumerated().filter { bytes[36] & (1 << $0.offset) != 0 }.map(\.element)
        let level = Int(bytes[37])
        guard level <= Self.levels.count else { return nil }
        requiredLevel = level == 0 ? nil : Self.levels[level - 1]
        prompt = Self.prompts.enumerated().filter { bytes[38] & (1 << $0.offset) != 0 }.map(\.element)
        var index = 39
        var texts = [String]()
        for _ in 0..<2 {
            guard index < bytes.count else { return nil }
            let length = Int(bytes[index])
            guard index + 1 + length <= bytes.count else { return nil }
            texts.append(String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        clientID = texts[0]
        sector = texts[1]
    }
}

/// What a wallet signs to decide a login.
struct ApprovalPayload: WalletTokenPayload {
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
    /// The person acknowledges the platform's re-verification request (shown in the wallet).
    var reverify: Bool?
    /// Base64url SHA-256 of the live face image sent beside the approval (re-verification on a
    /// service with a face matcher).
    var face: String?
}

/// The decision row's payload: what the code exchange releases.
struct LoginGrant: Codable, Sendable {
    var subject: String?
    var level: AssuranceLevel?
    var authTime: Double?
    var released: [String]
    var error: String?
    var errorDescription: String?
    /// The network certificate that approved: the code exchange and userinfo re-check it.
    var certificate: String?

    enum CodingKeys: String, CodingKey {
        case subject = "sub", level = "acr", authTime = "auth_time", released, error, errorDescription = "error_description"
        case certificate = "cert"
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
