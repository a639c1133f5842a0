/// The authentication modes of the national service that a platform may ask for (issue 17):
/// what the person does in the wallet besides proving the network certificate's key.
///
/// A platform asks with `acr_values` (`urn:cyberid:mode:R01` … `R04`) or registers a default;
/// the ID token's `acr` then names the mode met and `amr` lists the methods (RFC 8176).
public enum AuthenticationMode: String, Sendable, CaseIterable, Codable {
    /// The network certificate only (the wallet's key).
    case r01 = "R01"
    /// The certificate and the person's network-identity password (口令).
    case r02 = "R02"
    /// The certificate and a face check against the portrait on record.
    case r03 = "R03"
    /// The certificate, the password and a face check.
    case r04 = "R04"

    /// The prefix of the modes' `acr` URIs.
    public static let uriPrefix = "urn:cyberid:mode:"

    /// The `acr` value, e.g. `urn:cyberid:mode:R02`.
    public var uri: String { Self.uriPrefix + rawValue }

    /// Reads a mode from its `acr` URI or its short name (`R02`, case-insensitive).
    public init?(parsing text: String) {
        let name = text.hasPrefix(Self.uriPrefix) ? String(text.dropFirst(Self.uriPrefix.count)) : text.uppercased()
        self.init(rawValue: name)
    }

    /// Whether the person enters their network-identity password.
    public var needsPassword: Bool { self == .r02 || self == .r04 }

    /// Whether the wallet takes a live face image that the service matches.
    public var needsFace: Bool { self == .r03 || self == .r04 }

    /// The RFC 8176 authentication method references: `hwk` (the wallet's key), `pin` (the
    /// password) and `face`.
    public var amr: [String] { ["hwk"] + (needsPassword ? ["pin"] : []) + (needsFace ? ["face"] : []) }

    /// What the wallet must send beside its approval: `password`, `face`.
    public var requirements: [String] { (needsPassword ? ["password"] : []) + (needsFace ? ["face"] : []) }

    /// The mode of these factors besides the certificate.
    public init(password: Bool, face: Bool) {
        switch (password, face) {
        case (false, false): self = .r01
        case (true, false): self = .r02
        case (false, true): self = .r03
        case (true, true): self = .r04
        }
    }

    /// The mode that meets both: every factor either asks for (R02 with R03 is R04). A
    /// platform's registered mode is a minimum a request can raise but never lower.
    public func joined(_ other: AuthenticationMode?) -> AuthenticationMode {
        guard let other else { return self }
        return AuthenticationMode(password: needsPassword || other.needsPassword, face: needsFace || other.needsFace)
    }
}
