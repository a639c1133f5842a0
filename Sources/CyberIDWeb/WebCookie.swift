/// The web pages' cookies (issue 14): always `__Host-` prefixed — `Secure`, `Path=/`, no
/// `Domain` — so no other host or path can set or shadow them; `HttpOnly` unless a page's
/// script must read them; `SameSite=Lax`. Browsers accept `Secure` cookies on loopback `http`
/// too, so development runs the same cookies as production.
public enum WebCookie {
    /// The prefix every CyberID web cookie carries.
    public static let prefix = "__Host-"

    /// A `Set-Cookie` value.
    /// - Parameters:
    ///   - name: the name without the prefix: letters, digits, `_` and `-`.
    ///   - value: base64url or another cookie-safe token (no `;`, `,`, space, quote or `\`).
    ///   - maxAge: seconds; `nil` makes a browser-session cookie.
    ///   - httpOnly: `false` only for a cookie a page's script writes or reads.
    public static func setCookie(name: String, value: String, maxAge: Int? = nil, httpOnly: Bool = true) -> String {
        precondition(isToken(name), "a cookie name is letters, digits, _ and -")
        precondition(value.utf8.allSatisfy(isCookieOctet), "a cookie value must be cookie-safe")
        var attributes = ["\(prefix)\(name)=\(value)", "Path=/", "Secure", "SameSite=Lax"]
        if httpOnly { attributes.append("HttpOnly") }
        if let maxAge { attributes.append("Max-Age=\(max(0, maxAge))") }
        return attributes.joined(separator: "; ")
    }

    /// A `Set-Cookie` value that removes the cookie.
    public static func clearing(name: String) -> String { setCookie(name: name, value: "", maxAge: 0) }

    /// The value of the prefixed cookie `name` in a request's `Cookie` headers, if present and
    /// cookie-safe (a browser that holds two takes the first).
    public static func value(named name: String, in headers: [String]) -> String? {
        let wanted = prefix + name + "="
        for header in headers {
            for part in header.split(separator: ";") {
                let pair = part.drop { $0 == " " || $0 == "\t" }
                guard pair.hasPrefix(wanted) else { continue }
                let value = String(pair.dropFirst(wanted.count))
                return value.utf8.allSatisfy(isCookieOctet) ? value : nil
            }
        }
        return nil
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// RFC 6265 §4.1.1 `cookie-octet`.
    static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte)
    }
}
