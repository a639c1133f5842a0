public import CyberIDCore
import CyberIDDocuments

/// The verified personal data the authority keeps, sealed at rest (envelope encryption). It
/// is written at enrollment, re-written from a fresh chip read by a device replacement or a
/// phone change, and read only for a registered legal basis (and the face check's portrait).
public struct IdentityRecord: Codable, Sendable, Equatable {
    public var documentCode: String
    public var issuingState: String
    public var surname: String
    public var givenNames: String
    public var documentNumber: String
    public var nationality: String
    public var birthDate: CalendarDate
    public var sex: String
    public var documentExpiry: CalendarDate
    public var personalNumber: String?
    /// The bound phone number (E.164), once confirmed.
    public var phone: String?
    /// The chip portrait (DG2). Kept in the person's sealed record only when a face matcher is
    /// configured: it is the reference for the face check of a re-verification. Without a
    /// matcher it lives only while the enrollment session is open. Crypto-shredded on cancel.
    public var portrait: [UInt8]?

    init(mrz: MRZ, portrait: [UInt8]?) {
        documentCode = mrz.documentCode
        issuingState = mrz.issuingState
        surname = mrz.surname
        givenNames = mrz.givenNames
        documentNumber = mrz.documentNumber
        nationality = mrz.nationality
        birthDate = mrz.birthDate
        sex = mrz.sex
        documentExpiry = mrz.expiryDate
        personalNumber = mrz.personalNumber
        self.portrait = portrait
    }

    /// The blind-index input: nationality, document type (first letter of the document code)
    /// and the personal number, or the document number when the MRZ has none.
    var identityParts: [String] {
        ["v1", nationality, String(documentCode.prefix(1)), personalNumber ?? documentNumber]
    }
}
