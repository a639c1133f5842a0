public import CyberIDCore

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

    /// Creates a record from the data read off a document's chip.
    public init(
        documentCode: String, issuingState: String, surname: String, givenNames: String, documentNumber: String,
        nationality: String, birthDate: CalendarDate, sex: String, documentExpiry: CalendarDate,
        personalNumber: String?, phone: String? = nil, portrait: [UInt8]? = nil
    ) {
        (
            self.documentCode, self.issuingState, self.surname, self.givenNames, self.documentNumber, self.nationality,
            self.birthDate, self.sex, self.documentExpiry, self.personalNumber, self.phone, self.portrait
        ) = (
            documentCode, issuingState, surname, givenNames, documentNumber, nationality, birthDate, sex,
            documentExpiry, personalNumber, phone, portrait
        )
    }

    /// The blind-index input: nationality, document type (first letter of the document code)
    /// and the personal number, or the document number when the MRZ has none.
    public var identityParts: [String] {
        ["v1", nationality, String(documentCode.prefix(1)), personalNumber ?? documentNumber]
    }

    /// The person's attributes, the same on every document of theirs (a renewed passport has a
    /// new number): the blind index that finds a second document of an enrolled person.
    public var personParts: [String] {
        ["person-v1", nationality, surname, givenNames, birthDate.description, sex]
    }
}
