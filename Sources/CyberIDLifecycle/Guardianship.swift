public import CyberIDCore
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// A guardian's rights over a minor's network number: suspend and resume it, read its history.
/// The link is the `guardian_id` recorded at enrollment, and it ends by itself on the minor's
/// 18th birthday: every use checks the age on the day, from the sealed birth date.
public struct Guardianship: Sendable {
    let persons: any PersonStore
    let vault: IdentityVault
    let today: @Sendable () -> CalendarDate

    /// Creates the service.
    public init(persons: any PersonStore, vault: IdentityVault, today: @escaping @Sendable () -> CalendarDate) {
        self.persons = persons
        self.vault = vault
        self.today = today
    }

    /// The ward behind `networkNumber`, if `guardianID` is their guardian today.
    /// - Throws: ``LifecycleServiceError`` `not-guardian` or `guardianship-ended` (the ward is
    ///   18 or older); ``StoreError`` `notFound` for an unknown number.
    public func ward(networkNumber: String, guardianID: String) async throws -> String {
        guard let number = try? NetworkNumber(parsing: networkNumber),
            let ward = try await persons.person(networkNumber: number.canonical)
        else { throw StoreError.notFound("no active network number \(networkNumber)") }
        guard ward.guardianID == guardianID else { throw LifecycleServiceError.notGuardian() }
        guard let record = try vault.open(ward), AgeBand(birthDate: record.birthDate, on: today()) != .adult else {
            throw LifecycleServiceError.guardianshipEnded()
        }
        return ward.id
    }

    /// Whether the person is an adult today, judged from their sealed birth date (a guardian
    /// must be one).
    public func isAdult(personID: String) async throws -> Bool {
        guard let person = try await persons.person(id: personID), let record = try vault.open(person) else { return false }
        return AgeBand(birthDate: record.birthDate, on: today()) == .adult
    }
}
