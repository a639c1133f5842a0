import CyberIDBase64URL
public import Foundation
import CyberIDCore
import CyberIDIssuance
import CyberIDKeys

/// A started login: what the page shows and the browser keeps.
public struct LoginStart: Sendable {
    /// The transaction id (also in the ticket).
    public var transactionID: String
    /// The same-device link, `cyberid://login?iss=…&t=…&r=…&v=…`: the wallet returns the person
    /// to this browser with a response code. `v` is the wallet's view of the login
    /// (``WalletLoginView/json()``, base64url), so the wallet need not fetch it; its approval
    /// signs the view's SHA-256 (`view`), which the decision checks.
    public var walletURI: String
    /// The cross-device URI at time step 0, `cyberid://login?iss=…&t=…&qt=0&qa=…`: the first
    /// content of the animated QR code (``LoginService/loginProgress(requestToken:now:)`` gives
    /// the current one).
    public var qrURI: String
    /// The two-digit number the page shows; the person picks it among three in the wallet.
    public var matchNumber: Int
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
    /// The platform's `client_id` (the page names CyberID's own portal in the person's language).
    public var clientID: String = ""
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
    /// `cross-device` (a QR code was scanned) or `same-device` (the wallet link was opened).
    public var device: String
    /// When the browser started the login.
    public var requestedAt: Date
    /// The IP address of the browser that started the login, as the service saw it.
    public var requestedFrom: String?
    /// Cross-device: the three numbers the person picks from (one is on the login page).
    public var matchChoices: [Int]?
    /// Cross-device: the proof that a fresh QR code was scanned, for the approval's `scan`.
    public var scan: String?
    /// The challenge a re-verifying document's chip signs (active authentication), base64url.
    public var aaChallenge: String
    /// The authentication mode the platform asked for (`urn:cyberid:mode:R02`…), if any.
    public var mode: String? = nil
    /// What the approval must come with for that mode: `password`, `face`.
    public var requires: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case transactionID = "transaction_id", nonce, clientID = "client_id", clientName = "client_name", scopes
        case claims, legalBasis = "legal_basis", acrValues = "acr_values", prompt, expiresAt = "expires_at"
        case device, requestedAt = "requested_at", requestedFrom = "requested_from", matchChoices = "match_choices", scan
        case aaChallenge = "aa_challenge", mode, requires
    }
}

/// The outcome of a wallet's decision (`POST /wallet/v1/login`).
public struct WalletDecision: Sendable, Codable, Equatable {
    /// `approved` or `denied`.
    public var status: String
    /// The claims released to the platform.
    public var released: [String]
    /// Same-device approval: the one-time code the browser must present to continue.
    public var responseCode: String?
    /// Same-device approval with the link's request: where the wallet sends the person back.
    public var returnURL: String?

    enum CodingKeys: String, CodingKey {
        case status, released, responseCode = "response_code", returnURL = "return_url"
    }
}

/// Where a login stands, for the page (`GET /authorize/status`).
public enum LoginStatus: String, Sendable, Codable {
    case pending, approved, denied, expired
}

/// The page's view of its login (`GET /authorize/status`): the status, the QR code's current
/// content while pending (and, asked for with `qr_image=svg`, its image), whether an approval
/// came from the same device (the page then does not continue by itself), and why a login was
/// refused.
public struct LoginProgress: Sendable, Codable, Equatable {
    public var status: LoginStatus
    public var qr: String?
    /// The current QR code's time step (its `qt`): the page sends back the step it shows
    /// (`qr_step`) and gets the image only when the code has changed since.
    public var qrStep: Int?
    /// The current QR code's image as a `data:image/svg+xml,…` URL: the page's poll gets
    /// the status and the image in one request instead of two (benchmarks.md, "The eleventh step").
    public var qrImage: String?
    public var sameDevice: Bool?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case status, qr, qrStep = "qr_step", qrImage = "qr_image", sameDevice = "same_device", reason
    }
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
    /// The sealed ticket, for the QR code's current content.
    var ticket: String
    /// Unix seconds of the login's start: time step 0 of the QR code.
    var startedAt: UInt32

    enum CodingKeys: String, CodingKey {
        case transactionID = "t", nonce = "n", request = "q", expiresAt = "e", browserBinding = "b", ticket = "k"
        case startedAt = "s"
    }

    var transaction: [UInt8] { Base64URL.decode(transactionID) ?? [] }
}

/// A wallet's proof that it scanned a fresh QR code of a transaction (sealed; the approval's
/// `scan`).
struct ScanProof: Codable, Sendable {
    var transactionID: String
    var scannedAt: Double

    enum CodingKeys: String, CodingKey {
        case transactionID = "t", scannedAt = "a"
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
    /// The authentication mode asked for (in the level byte's bits 4–6).
    var mode: AuthenticationMode?
    /// Whether the ID token's `acr` names the mode (bit 7 clear) or the level (bit 7 set).
    var modeInACR = true
    var prompt: [String]
    /// Unix seconds.
    var expiresAt: UInt32
    /// Unix seconds of the login's start (the QR code's step 0).
    var startedAt: UInt32
    /// The IP address (4 or 16 bytes) of the browser that started the login; empty if unknown.
    var browserAddress: [UInt8]

    var transactionID: String { Base64URL.encode(transaction) }
    var nonceText: String { Base64URL.encode(nonce) }

    private static let prompts = ["login", "consent", "select_account"]
    private static let levels: [AssuranceLevel] = [.low, .substantial, .high]
    private static let modes = AuthenticationMode.allCases

    /// `transaction[16] ‖ nonce[16] ‖ expiry u32 ‖ scope bits ‖ level-in-acr << 7 | mode << 4 | level ‖
    /// prompt bits ‖
    /// len ‖ client id ‖ len ‖ sector ‖ start u32 ‖ len ‖ browser address`.
    var bytes: [UInt8] {
        var out = transaction + nonce
        out += Self.u32(expiresAt)
        var bits: UInt8 = 0
        for (index, scope) in Scope.allCases.enumerated() where scopes.contains(scope) { bits |= 1 << index }
        out.append(bits)
        let level = requiredLevel.flatMap { Self.levels.firstIndex(of: $0) }.map { UInt8($0 + 1) } ?? 0
        let mode = mode.flatMap { Self.modes.firstIndex(of: $0) }.map { UInt8($0 + 1) } ?? 0
        out.append((modeInACR ? 0 : 0x80) | mode << 4 | level)
        var promptBits: UInt8 = 0
        for (index, value) in Self.prompts.enumerated() where prompt.contains(value) { promptBits |= 1 << index }
        out.append(promptBits)
        for field in [Array(clientID.utf8.prefix(255)), Array(sector.utf8.prefix(255))] {
            out.append(UInt8(field.count))
            out += field
        }
        out += Self.u32(startedAt)
        out.append(UInt8(browserAddress.count))
        out += browserAddress
        return out
    }

    init(
        transaction: [UInt8], nonce: [UInt8], clientID: String, sector: String, scopes: [Scope],
        requiredLevel: AssuranceLevel?, mode: AuthenticationMode? = nil, modeInACR: Bool = true, prompt: [String],
        expiresAt: UInt32, startedAt: UInt32, browserAddress: [UInt8]
    ) {
        (self.mode, self.modeInACR) = (mode, modeInACR)
        (self.transaction, self.nonce, self.clientID, self.sector, self.requiredLevel) =
            (transaction, nonce, clientID, sector, requiredLevel)
        (self.expiresAt, self.startedAt, self.browserAddress) = (expiresAt, startedAt, browserAddress)
        // In the order and without the repeats that the sealed bits give back (`init(bytes:)`): the
        // page's link carries a view made from this ticket, which the decision makes again from
        // the sealed one and must find the same bytes (`scope=openid realname age`,
        // `prompt=consent login login`).
        self.scopes = Scope.allCases.filter(scopes.contains)
        self.prompt = Self.prompts.filter(prompt.contains)
    }

    private static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func u32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    init?(bytes: [UInt8]) {
        guard bytes.count >= 41 else { return nil }
        transaction = Array(bytes[0..<16])
        nonce = Array(bytes[16..<32])
        expiresAt = Self.u32(bytes[32..<36])
        scopes = Scope.allCases.enumerated().filter { bytes[36] & (1 << $0.offset) != 0 }.map(\.element)
        let level = Int(bytes[37] & 0x0F)
        let mode = Int(bytes[37] >> 4 & 0x07)
        modeInACR = bytes[37] & 0x80 == 0
        guard level <= Self.levels.count, mode <= Self.modes.count else { return nil }
        requiredLevel = level == 0 ? nil : Self.levels[level - 1]
        self.mode = mode == 0 ? nil : Self.modes[mode - 1]
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
        guard index + 5 <= bytes.count else { return nil }
        startedAt = Self.u32(bytes[index..<(index + 4)])
        let length = Int(bytes[index + 4])
        guard [0, 4, 16].contains(length), index + 5 + length == bytes.count else { return nil }
        browserAddress = Array(bytes[(index + 5)...])
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
    /// Cross-device: the view's proof that a fresh QR code was scanned.
    var scan: String?
    /// Cross-device: the number the person picked.
    var match: Int?
    /// Re-verification: the presented document's ``PresentedDocument/digest``.
    var document: String?
    /// Same-device: base64url SHA-256 of the view the wallet showed (the link's `v` decoded, or
    /// the fetch's answer), which must be the view this service makes of the ticket.
    var view: String?
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
    /// A same-device approval: the hash of the response code the browser must present.
    var responseCodeHash: String?
    /// Why the login was refused (a problem code, for the page).
    var reason: String?
    /// The authentication mode met, when the platform asked for one (the ID token's `acr`).
    var mode: AuthenticationMode? = nil
    /// The methods used (RFC 8176), for the ID token's `amr`.
    var amr: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case subject = "sub", level = "acr", authTime = "auth_time", released, error, errorDescription = "error_description"
        case certificate = "cert", responseCodeHash = "rc", reason, mode, amr
    }

    /// The ID token's `acr`: the mode met, else the level.
    var acr: String? { mode?.uri ?? level?.acr }
}

/// The history entry's detail: claim names, levels, reasons — never personal data.
struct LoginHistoryDetail: Codable {
    var requested: [String]
    var released: [String]
    var level: String?
    var requiredLevel: String?
    var reason: String?
    /// The authentication mode asked for (`R02`…).
    var mode: String? = nil

    enum CodingKeys: String, CodingKey {
        case requested = "claims_requested", released = "claims_released", level = "acr"
        case requiredLevel = "acr_required", reason, mode
    }

    var json: String { (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }
}
