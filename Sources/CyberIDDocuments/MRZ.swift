public import CyberIDCore

/// The machine-readable zone as stored in DG1 (ICAO Doc 9303 parts 3, 4 and 5).
///
/// TD3 (passports: 2 lines of 44) and TD1 (ID cards: 3 lines of 30) are supported. Every check
/// digit is verified, including the composite one, so a DG1 that parses is internally
/// consistent; whether it is *authentic* is passive authentication's job.
public struct MRZ: Sendable, Equatable {
    /// The MRZ layouts.
    public enum Format: String, Sendable {
        case td1, td3
    }

    /// The layout.
    public let format: Format
    /// Document code without fillers: `P`, `I`, `ID`, `PO`, …
    public let documentCode: String
    /// Issuing state or organisation (ICAO three-letter code).
    public let issuingState: String
    /// The primary identifier, fillers as spaces.
    public let surname: String
    /// The secondary identifier(s), separated by single spaces; empty when absent.
    public let givenNames: String
    /// The document number without fillers.
    public let documentNumber: String
    /// Nationality (ICAO three-letter code).
    public let nationality: String
    /// Date of birth (century chosen so that it is not in the future).
    public let birthDate: CalendarDate
    /// `M`, `F` or `<` (unspecified).
    public let sex: String
    /// Date of expiry (20YY).
    public let expiryDate: CalendarDate
    /// The personal number: TD3 optional data, or TD1 optional data 1; `nil` when empty.
    public let personalNumber: String?

    /// Parses and checks an MRZ.
    /// - Parameters:
    ///   - text: the MRZ characters with or without line breaks.
    ///   - today: the verification date, which fixes the century of the birth date.
    /// - Throws: ``DocumentError/unparseable`` for a wrong length or character set,
    ///   ``DocumentError/invalidMRZ`` for a wrong check digit or an impossible date.
    public init(parsing text: String, today: CalendarDate) throws(DocumentError) {
        let characters = Array(text.utf8.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") })
        guard characters.allSatisfy(MRZ.isMRZCharacter) else {
            throw .unparseable("the MRZ contains characters outside A–Z, 0–9 and <")
        }
        func field(_ range: Range<Int>) -> String { String(decoding: characters[range], as: UTF8.self) }

        switch characters.count {
        case 88:
            format = .td3
            let line2 = 44
            try MRZ.checkTD3(characters)
            documentCode = MRZ.clean(field(0..<2))
            issuingState = MRZ.clean(field(2..<5))
            (surname, givenNames) = MRZ.names(field(5..<44))
            documentNumber = MRZ.clean(field(line2..<line2 + 9))
            nationality = MRZ.clean(field(54..<57))
            birthDate = try MRZ.date(field(57..<63), birth: true, today: today)
            sex = field(64..<65)
            expiryDate = try MRZ.date(field(65..<71), birth: false, today: today)
            personalNumber = MRZ.clean(field(72..<86)).nilIfEmpty
        case 90:
            format = .td1
            // Line 1: code, state, document number + check, optional data 1.
            // Line 2: birth + check, sex, expiry + check, nationality, optional data 2, composite.
            let (number, optional1) = try MRZ.td1DocumentNumber(characters)
            try MRZ.check(characters, 30..<36, digitAt: 36, "birth date")
            try MRZ.check(characters, 38..<44, digitAt: 44, "expiry date")
            try MRZ.check(
                Array(characters[5..<30] + characters[30..<37] + characters[38..<45] + characters[48..<59]),
                digit: characters[59], "composite")
            documentCode = MRZ.clean(field(0..<2))
            issuingState = MRZ.clean(field(2..<5))
            documentNumber = MRZ.clean(number)
            personalNumber = MRZ.clean(optional1).nilIfEmpty
            birthDate = try MRZ.date(field(30..<36), birth: true, today: today)
            sex = field(37..<38)
            expiryDate = try MRZ.date(field(38..<44), birth: false, today: today)
            nationality = MRZ.clean(field(45..<48))
            (surname, givenNames) = MRZ.names(field(60..<90))
        default:
            throw .unparseable("an MRZ has 88 (TD3) or 90 (TD1) characters, not \(characters.count)")
        }
        guard !surname.isEmpty, !documentNumber.isEmpty, ["M", "F", "<", "X"].contains(sex) else {
            throw .unparseable("the MRZ lacks a name or document number, or has an unknown sex marker")
        }
    }

    /// The check digits of a TD3 (passport) MRZ's second line.
    static func checkTD3(_ characters: [UInt8]) throws(DocumentError) {
        try MRZ.check(characters, 44..<53, digitAt: 53, "document number")
        try MRZ.check(characters, 57..<63, digitAt: 63, "birth date")
        try MRZ.check(characters, 65..<71, digitAt: 71, "expiry date")
        if characters[86] != UInt8(ascii: "<") || characters[72..<86].contains(where: { $0 != UInt8(ascii: "<") }) {
            try MRZ.check(characters, 72..<86, digitAt: 86, "personal number")
        }
        try MRZ.check(
            Array(characters[44..<54] + characters[57..<64] + characters[65..<87]), digit: characters[87], "composite")
    }

    /// A TD1 card's document number (checked) and optional data 1. A document number longer than
    /// 9 continues in optional data 1, ending in its check digit before the first filler (Doc
    /// 9303-5 §4.2.2, note j).
    static func td1DocumentNumber(_ characters: [UInt8]) throws(DocumentError) -> (String, String) {
        guard characters[14] == UInt8(ascii: "<") else {
            try MRZ.check(characters, 5..<14, digitAt: 14, "document number")
            return (String(decoding: characters[5..<14], as: UTF8.self), String(decoding: characters[15..<30], as: UTF8.self))
        }
        let overflow = Array(characters[15..<30].prefix { $0 != UInt8(ascii: "<") })
        guard let check = overflow.last, overflow.count >= 2 else {
            throw .invalidMRZ("the document number check digit is missing")
        }
        let full = Array(characters[5..<14]) + overflow.dropLast()
        try MRZ.check(full, digit: check, "document number")
        return (String(decoding: full, as: UTF8.self), String(decoding: characters[(15 + overflow.count)..<30], as: UTF8.self))
    }

    /// The ICAO check digit of a field: weights 7, 3, 1; `<` = 0, digits, A = 10 … Z = 35.
    /// - Returns: the digit value, or `nil` for a character outside the MRZ set.
    public static func checkDigit(_ characters: some Sequence<UInt8>) -> Int? {
        let weights = [7, 3, 1]
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = value(of: character) else { return nil }
            sum += value * weights[index % 3]
        }
        return sum % 10
    }

    private static func value(of character: UInt8) -> Int? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(character - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(character - UInt8(ascii: "A")) + 10
        case UInt8(ascii: "<"): 0
        default: nil
        }
    }

    private static func isMRZCharacter(_ character: UInt8) -> Bool { value(of: character) != nil }

    private static func check(_ characters: [UInt8], _ range: Range<Int>, digitAt index: Int, _ name: String)
        throws(DocumentError)
    {
        try check(Array(characters[range]), digit: characters[index], name)
    }

    private static func check(_ characters: [UInt8], digit: UInt8, _ name: String) throws(DocumentError) {
        // A filler check digit counts as 0 (Doc 9303-3 §4.9).
        let given = digit == UInt8(ascii: "<") ? 0 : Int(digit) - Int(UInt8(ascii: "0"))
        guard (0...9).contains(given), checkDigit(characters) == given else {
            throw .invalidMRZ("the \(name) check digit does not match")
        }
    }

    private static func clean(_ field: String) -> String {
        field.split(separator: "<", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private static func names(_ field: String) -> (String, String) {
        guard let range = field.firstRange(of: "<<") else { return (clean(field), "") }
        return (clean(String(field[..<range.lowerBound])), clean(String(field[range.upperBound...])))
    }

    private static func date(_ field: String, birth: Bool, today: CalendarDate) throws(DocumentError) -> CalendarDate {
        let digits = Array(field.utf8)
        guard digits.count == 6, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidMRZ("an MRZ date is not YYMMDD")
        }
        let number = { (range: Range<Int>) in digits[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        let yy = number(0..<2)
        var year = 2000 + yy
        if birth, year > today.year { year -= 100 }
        do {
            let date = try CalendarDate(year: year, month: number(2..<4), day: number(4..<6))
            if birth, date > today { return try CalendarDate(year: year - 100, month: date.month, day: date.day) }
            return date
        } catch {
            throw .invalidMRZ("an MRZ date is not a calendar date")
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
