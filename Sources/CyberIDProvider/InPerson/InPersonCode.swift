import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDKeys
public import Foundation

/// The stored digest of an in-person code: HMAC-SHA256 under a key derived from the master key,
/// so a copy of the live database does not let anyone search the 50-bit code space offline.
struct InPersonCodeDigest: Sendable {
    private let key: SymmetricKey

    init(masterKey: MasterKey) { key = masterKey.derive("inperson-code v1") }

    func digest(_ canonical: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Array(canonical.utf8), using: key))
    }
}

/// An in-person verification code (网证 code, issue 17): ten Crockford base32 symbols (50
/// random bits), shown as a QR code (`CYBERID:` and the symbols, all in QR's alphanumeric set) and as a
/// typed form `XXXXX-XXXXX`; valid 60 seconds by default (`CYBERID_CODE_TTL_SECONDS`), single use.
public struct InPersonCode: Sendable, Codable, Equatable {
    /// The typed form, `XXXXX-XXXXX` (11 characters).
    public var code: String
    /// The QR code's content, `CYBERID:XXXXXXXXXX`.
    public var qr: String
    /// What the verifier will learn besides the confirmation (`age`, `name`).
    public var disclose: [String]
    /// When the code stops working.
    public var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case code, qr, disclose, expiresAt = "expires_at"
    }

    /// The QR content's prefix.
    public static let qrPrefix = "CYBERID:"
    /// The number of symbols.
    public static let length = 10
    /// How long a code lives.
    public static let lifetime: TimeInterval = 60
    /// What a person may disclose: `age` (age_over_14, age_over_18) and `name` (name and birth
    /// date, only to a verifier with a registered legal basis).
    public static let disclosures = ["age", "name"]

    /// A fresh code from `random` (at least 7 bytes).
    init(random: [UInt8], disclose: [String], expiresAt: Date) {
        var bits: UInt64 = 0
        for byte in random.prefix(7) { bits = bits << 8 | UInt64(byte) }
        let symbols = (0..<Self.length).map { index in
            CrockfordBase32.alphabet[Int(bits >> UInt64(5 * (Self.length - 1 - index)) & 31)]
        }
        let canonical = String(decoding: symbols, as: UTF8.self)
        code = String(canonical.prefix(5)) + "-" + String(canonical.suffix(5))
        qr = Self.qrPrefix + canonical
        (self.disclose, self.expiresAt) = (disclose, expiresAt)
    }

    /// The canonical symbols of a typed form or QR content — case, hyphens and spaces ignored,
    /// I/L read as 1 and O as 0 — or `nil` if it is not a code.
    public static func canonical(_ text: String) -> String? {
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if body.uppercased().hasPrefix(qrPrefix) { body = body.dropFirst(qrPrefix.count) }
        var symbols = [UInt8]()
        for byte in body.utf8 where byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
            guard let value = CrockfordBase32.value(of: byte), symbols.count < length else { return nil }
            symbols.append(CrockfordBase32.alphabet[Int(value)])
        }
        return symbols.count == length ? String(decoding: symbols, as: UTF8.self) : nil
    }
}

/// What a verifier learns from a code (`POST /rp/v1/codes/verify`): the confirmation and what
/// the person chose to disclose.
public struct InPersonVerification: Sendable, Codable, Equatable {
    /// The verifier's pairwise identifier of the person (the same `sub` as its logins).
    public var sub: String
    public var verified: Bool
    /// The person's assurance level (eIDAS `acr`).
    public var acr: String
    /// How the code was made (RFC 8176): the wallet's key.
    public var amr: [String]
    public var ageOver14: Bool?
    public var ageOver18: Bool?
    public var name: String?
    public var birthdate: String?
    /// When the verification happened.
    public var verifiedAt: Date

    enum CodingKeys: String, CodingKey {
        case sub, verified, acr, amr, ageOver14 = "age_over_14", ageOver18 = "age_over_18", name, birthdate
        case verifiedAt = "verified_at"
    }
}
