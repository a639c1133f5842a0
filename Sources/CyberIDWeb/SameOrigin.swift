/// Whether a form POST comes from the site's own pages (issue 14), from the two headers a
/// browser sets and a page cannot: `Sec-Fetch-Site` and `Origin`. One of three layers against
/// cross-site requests, with the `SameSite=Lax` cookie and the session-bound CSRF token.
///
/// Pages are served with `Referrer-Policy: no-referrer`, under which Chromium sends
/// `Origin: null` even for a same-origin form; `null` is therefore accepted only when the
/// browser also says `Sec-Fetch-Site: same-origin`.
public enum SameOrigin {
    /// - Parameters:
    ///   - origin: the request's `Origin` header, if any.
    ///   - fetchSite: its `Sec-Fetch-Site` header, if any.
    ///   - expected: the site's origin, `scheme://host[:port]`.
    public static func allows(origin: String?, fetchSite: String?, expected: String) -> Bool {
        if let fetchSite, fetchSite != "same-origin" { return false }
        switch origin {
        case nil: return true
        case "null": return fetchSite == "same-origin"
        case let origin?: return origin == expected
        }
    }
}
