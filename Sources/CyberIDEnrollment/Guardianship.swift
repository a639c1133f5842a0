public import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
public import Foundation

/// A guardian's rights over a minor's network number: suspend and resume it, read its history.
/// The link is the `guardian_id` recorded at enrollment, and it ends by itself on the minor's
/// 18th birthday: every use checks the age on the day, from the sealed birth date.
public struct Guardianship: Sendable {
    let store: SQLStore
    let records: IdentityRecordReader
    let today: @Sendable () -> CalendarDate

    /// Creates the service.
    public init(store: SQLStore, masterKey: MasterKey, today: @escaping @Sendable () -> CalendarDate) {
        self.store = store
        records = IdentityRecordReader(masterKey: masterKey)
        self.today = today
    }

    /// The ward behind `networkNumber`, if `guardianID` is their guardian today.
    /// - Throws: ``EnrollmentError`` `not-guardian` (403) or `guardianship-ended` (403, the ward is
    ///   18 or older); ``StoreError`` `notFound` for an unknown number.
    public func ward(networkNumber: String, guardianID: String) async throws -> String {
        guard let number = try? NetworkNumber(parsing: networkNumber),
            let ward = try await store.person(networkNumber: number.canonical)
        else { throw StoreError.notFound("no active network number \(networkNumber)") }
        guard ward.guardianID == guardianID else {
            throw EnrollmentError(code: "not-guardian", status: 403, reason: "you are not the guardian of this network number")
        }
        guard let record = try records.open(ward), AgeBand(birthDate: record.birthDate, on: today()) != .adult else {
            throw EnrollmentError(
                code: "guardianship-ended", status: 403, reason: "the guardian link ends when the holder turns 18")
        }
        return ward.id
    }
}
