/// The age group that decides how a person may enroll and what a relying party may learn.
///
/// Relying parties receive `age_over_14` / `age_over_18` derived from the band, never the
/// birth date. Under 14 a guardian enrolls the child; from 14 to 17 a guardian approves.
public enum AgeBand: String, Sendable, CaseIterable, Codable {
    /// Younger than 14: enrolled by a guardian.
    case under14 = "under_14"
    /// 14 to 17 inclusive: enrollment needs a guardian's approval.
    case from14To17 = "14_17"
    /// 18 or older.
    case adult = "18_plus"

    /// The band of a person born on `birthDate`, on the day `date`.
    /// - Parameters:
    ///   - birthDate: the person's birth date.
    ///   - date: the day on which the band is taken (today, in the service's legal time zone).
    public init(birthDate: CalendarDate, on date: CalendarDate) {
        let age = birthDate.age(on: date)
        switch age {
        case ..<14: self = .under14
        case 14..<18: self = .from14To17
        default: self = .adult
        }
    }

    /// Whether a person in this band is at least 14.
    public var isOver14: Bool { self != .under14 }
    /// Whether a person in this band is at least 18.
    public var isOver18: Bool { self == .adult }
}
