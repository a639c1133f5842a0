extension StringProtocol {
    /// Whether this is 1 to `maximum` characters of plain text: no control character (Unicode
    /// general category Cc: NUL, tab, line breaks, escape, DEL, C1). Free text a person, an
    /// operator or a platform writes (a reason, a name) is stored, recorded in history and the
    /// audit log, sent in Security Event Tokens and shown on pages as written; a NUL cannot be
    /// stored at all, and line breaks or escapes would forge lines where the text is shown.
    ///
    /// Callers trim surrounding whitespace first. Format characters (Cf, e.g. the zero-width
    /// joiner of emoji sequences) are allowed: scripts need them.
    public func isPlainText(atMost maximum: Int) -> Bool {
        var count = 0
        for character in self {
            count += 1
            guard count <= maximum else { return false }
            if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return false }
        }
        return count > 0
    }
}
