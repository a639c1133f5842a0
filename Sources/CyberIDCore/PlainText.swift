extension StringProtocol {
    /// Whether this is 1 to `maximum` code points of plain text: no control character (Unicode
    /// general category Cc: NUL, tab, line breaks, escape, DEL, C1), no line or paragraph
    /// separator (U+2028, U+2029: line breaks too), no bidirectional control. Code points, not
    /// Swift characters, are counted (as JSON Schema's `maxLength` counts): one character can
    /// carry any number of combining marks, so a character count would bound nothing. Free text a person, an
    /// operator or a platform writes (a reason, a name) is stored, recorded in history and the
    /// audit log, sent in Security Event Tokens and shown on pages as written; a NUL cannot be
    /// stored at all, and line breaks or escapes would forge lines where the text is shown.
    ///
    /// Neither are the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
    /// U+2066–U+2069): they reorder how the text around them is shown, so a reason or a name
    /// could read as something else on the console's pages and in the audit log ("Trojan
    /// Source", CVE-2021-42574). Other format characters (Cf, e.g. the zero-width joiner of
    /// emoji sequences and the zero-width non-joiner of Persian) are allowed: scripts need them.
    /// Callers trim surrounding whitespace first.
    public func isPlainText(atMost maximum: Int) -> Bool {
        var count = 0
        for scalar in unicodeScalars {
            count += 1
            guard count <= maximum, !Self.isRefusedInPlainText(scalar) else { return false }
        }
        return count > 0
    }

    private static func isRefusedInPlainText(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
            || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }
}
