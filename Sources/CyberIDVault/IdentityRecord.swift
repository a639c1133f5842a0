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
    /// new number): the blind index that finds a second document of an enrolled person. The
    /// names are compared as an ID card's MRZ can hold them: the name field
    /// (`SURNAME<<GIVEN<NAMES`) cut at 30 characters (TD1's width; a passport's holds 39), so a
    /// long name on a card and a passport gives the same index (version 2; schema v27).
    public var personParts: [String] {
        ["person-v2", nationality, Self.nameKey(surname: surname, givenNames: givenNames), birthDate.description, sex]
    }

    /// The person index of schema v13 (full names), still looked up while the backfill of
    /// version 2 runs (`PersonIndexBackfill`).
    public var legacyPersonParts: [String] {
        ["person-v1", nationality, surname, givenNames, birthDate.description, sex]
    }

    /// The personal number with its nationality, when the document's MRZ has one: the same on a
    /// passport and an ID card of the same person (whose document indexes differ by type). Only
    /// for a passport or an ID card (code P or I) that the holder's own state issued: a residence
    /// permit's or a foreign state's number is that state's, not the person's national one.
    public var nationalParts: [String]? {
        guard let personalNumber, issuingState == nationality, ["P", "I"].contains(documentCode.prefix(1)) else {
            return nil
        }
        return ["national-v1", nationality, personalNumber]
    }

    /// The MRZ name field cut at a TD1 card's 30 characters, without trailing fillers.
    static func nameKey(surname: String, givenNames: String) -> String {
        func mrz(_ text: String) -> String { text.split(separator: " ").joined(separator: "<") }
        var key = Substring(mrz(surname) + "<<" + mrz(givenNames)).prefix(30)
        while key.last == "<" { key.removeLast() }
        return String(key)
    }
}
