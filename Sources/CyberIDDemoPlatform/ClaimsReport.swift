/// What a platform learned from a CyberID ID token, what it did not, and the data-minimisation
/// figure (issue 14's demo platform). Pure: built from the token's claims, already verified.
///
/// **The figure** is *personal fields received* of the ``collected`` (4) fields a real-name
/// sign-up form collects — name, ID number, phone number and face photo:
/// - a *personal field* is something about who the person is: ``PersonalField/name``
///   (`name`), ``PersonalField/birthdate`` (`birthdate`), ``PersonalField/age`` (`age_over_14`
///   and `age_over_18` together: one field) and ``PersonalField/networkNumber``
///   (`network_number`); each counts once when the token carries any of its claims;
/// - `sub` (a pseudonym for this platform only), `acr`, `amr`, `cyberid_level`,
///   `cyberid_verified` and the token's technical claims (`iss`, `aud`, `iat`, `exp`,
///   `auth_time`, `nonce`) are not counted: they say *that* and *how* a person was verified,
///   not who they are.
///
/// So an `openid age` login gives "1 of 4", an `openid realname` login "2 of 4".
public struct ClaimsReport: Sendable, Equatable {
    /// One claim of the token, with its plain explanation.
    public struct Row: Sendable, Equatable {
        /// The claim's name, e.g. `sub`.
        public var claim: String
        /// Its value as shown.
        public var value: String
        /// The catalogue key of its explanation (`demo_claim_sub`, …, `demo_claim_other`).
        public var explanationKey: String
        /// Whether it belongs to a ``PersonalField``.
        public var isPersonal: Bool
    }

    /// The personal fields the figure counts.
    public enum PersonalField: String, Sendable, CaseIterable {
        case name
        case birthdate
        case age
        case networkNumber = "network_number"

        /// The claims that carry it.
        public var claims: [String] {
            switch self {
            case .name: ["name"]
            case .birthdate: ["birthdate"]
            case .age: ["age_over_14", "age_over_18"]
            case .networkNumber: ["network_number"]
            }
        }

        /// The catalogue key of its name (`demo_field_age`).
        public var labelKey: String { "demo_field_\(rawValue)" }
    }

    /// Something about the person a platform may want to know, and the claims that would tell it.
    public enum Fact: String, Sendable, CaseIterable {
        case name
        case birthDate = "birth_date"
        case idNumber = "id_number"
        case documentNumber = "document_number"
        case phone
        case facePhoto = "face_photo"
        case networkNumber = "network_number"
        case address
        case sex
        case nationality
        case otherPlatforms = "other_platforms"

        /// The claims that reveal it; empty for what CyberID never releases to a platform.
        public var claims: [String] {
            switch self {
            case .name: ["name"]
            case .birthDate: ["birthdate"]
            case .networkNumber: ["network_number"]
            case .idNumber, .documentNumber, .phone, .facePhoto, .address, .sex, .nationality, .otherPlatforms: []
            }
        }

        /// The catalogue key of its description (`demo_fact_phone`).
        public var labelKey: String { "demo_fact_\(rawValue)" }
    }

    /// The number of fields a traditional real-name sign-up form collects: name, ID number,
    /// phone number, face photo.
    public static let collected = 4

    /// The claims in the order the page shows them; others follow alphabetically.
    static let order = [
        "sub", "cyberid_verified", "acr", "amr", "cyberid_level", "age_over_14", "age_over_18", "name", "birthdate",
        "network_number", "iss", "aud", "auth_time", "iat", "exp", "nonce",
    ]

    /// Every claim of the token, in display order.
    public let learned: [Row]
    /// What the platform did not learn, in a fixed order.
    public let notLearned: [Fact]
    /// The personal fields the token carried.
    public let receivedFields: [PersonalField]

    /// The number of personal fields received.
    public var received: Int { receivedFields.count }

    /// The figure in words: `"1 of 4"`.
    public var figure: String { "\(received) of \(Self.collected)" }

    /// Builds the report.
    /// - Parameter claims: the ID token's claims, each as shown (``IDTokenPayload`` renders them).
    public init(claims: [String: String]) {
        let names = Set(claims.keys)
        let personal = Set(PersonalField.allCases.flatMap(\.claims))
        let ordered = Self.order.filter { names.contains($0) } + names.subtracting(Self.order).sorted()
        learned = ordered.map { claim in
            Row(
                claim: claim, value: claims[claim] ?? "",
                explanationKey: Self.order.contains(claim) ? "demo_claim_\(claim)" : "demo_claim_other",
                isPersonal: personal.contains(claim))
        }
        receivedFields = PersonalField.allCases.filter { !names.isDisjoint(with: $0.claims) }
        notLearned = Fact.allCases.filter { names.isDisjoint(with: $0.claims) }
    }
}
