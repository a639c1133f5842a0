/// How much confidence the evidence gives that a person is who they claim to be.
///
/// The three levels are those of eIDAS (Regulation (EU) 910/2014, Implementing Regulation
/// 2015/1502) because relying parties already know them; they are exported to OpenID Connect
/// relying parties as the `acr` claim using the eIDAS URIs.
public enum AssuranceLevel: String, Sendable, CaseIterable, Codable {
    /// A phone number or similar single weak factor.
    case low
    /// A verified identity document (chip passive + active authentication) and a bound phone.
    case substantial
    /// `substantial` plus a successful face match against the document's portrait.
    case high

    /// The OpenID Connect `acr` value for this level.
    public var acr: String { "http://eidas.europa.eu/LoA/\(rawValue)" }

    /// Reads a level from its `acr` URI.
    /// - Parameter acr: an `acr` or `acr_values` entry.
    /// - Returns: the level, or `nil` for an unknown URI.
    public init?(acr: String) {
        let prefix = "http://eidas.europa.eu/LoA/"
        guard acr.hasPrefix(prefix) else { return nil }
        self.init(rawValue: String(acr.dropFirst(prefix.count)))
    }

    private var rank: Int {
        switch self {
        case .low: 0
        case .substantial: 1
        case .high: 2
        }
    }
}

extension AssuranceLevel: Comparable {
    public static func < (lhs: AssuranceLevel, rhs: AssuranceLevel) -> Bool { lhs.rank < rhs.rank }
}
