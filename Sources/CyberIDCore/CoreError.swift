/// The domain of ``CoreError``.
public enum CoreDomain: ErrorDomain {}

/// An error raised by a domain rule in ``CyberIDCore``: a malformed network number or date.
public typealias CoreError = DomainError<CoreDomain>

extension DomainError where Domain == CoreDomain {
    /// A network number did not have 17 symbols after removing dashes.
    public static func invalidLength(_ reason: String) -> Self { Self(code: "invalid-length", kind: .invalid, reason: reason) }
    /// A network number contained a symbol outside the Crockford base32 alphabet.
    public static func invalidCharacter(_ reason: String) -> Self {
        Self(code: "invalid-character", kind: .invalid, reason: reason)
    }
    /// A network number's check character did not match its payload.
    public static func checkCharacterMismatch(_ reason: String) -> Self {
        Self(code: "check-character-mismatch", kind: .invalid, reason: reason)
    }
    /// A calendar date was not a real date, or not in `YYYY-MM-DD` form.
    public static func invalidDate(_ reason: String) -> Self { Self(code: "invalid-date", kind: .invalid, reason: reason) }

    /// Matches any `invalid-length` error.
    public static var invalidLength: Self { invalidLength("") }
    /// Matches any `invalid-character` error.
    public static var invalidCharacter: Self { invalidCharacter("") }
    /// Matches any `check-character-mismatch` error.
    public static var checkCharacterMismatch: Self { checkCharacterMismatch("") }
    /// Matches any `invalid-date` error.
    public static var invalidDate: Self { invalidDate("") }
}
