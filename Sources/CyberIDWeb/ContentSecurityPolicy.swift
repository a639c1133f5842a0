import Crypto
import Foundation

/// The security headers of CyberID's web pages (issue 14): a strict Content Security Policy
/// that allows inline `<script>` and `<style>` blocks only by their SHA-256, nothing from any
/// other origin, forms posting only to CyberID, no framing and no referrer.
public struct ContentSecurityPolicy: Sendable, Equatable {
    /// `'sha256-…'` sources of the inline scripts allowed.
    public var scriptHashes: [String]
    /// `'sha256-…'` sources of the inline styles allowed.
    public var styleHashes: [String]

    /// A policy allowing exactly these inline blocks (their text between the tags, as served).
    public init(inlineScripts: [String] = [], inlineStyles: [String] = []) {
        scriptHashes = inlineScripts.map(Self.source)
        styleHashes = inlineStyles.map(Self.source)
    }

    /// The CSP source of an inline block: `'sha256-<base64 of SHA-256 of its UTF-8 text>'`.
    public static func source(_ inline: String) -> String {
        "'sha256-" + Data(SHA256.hash(data: Array(inline.utf8))).base64EncodedString() + "'"
    }

    /// The `Content-Security-Policy` value.
    public var header: String {
        [
            "default-src 'none'",
            "script-src " + (scriptHashes.isEmpty ? "'none'" : scriptHashes.joined(separator: " ")),
            "style-src " + (styleHashes.isEmpty ? "'none'" : styleHashes.joined(separator: " ")),
            "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
        ].joined(separator: "; ")
    }

    /// Every security header of a page: the policy, no framing, no referrer, no sniffing, no
    /// caching (pages hold personal data).
    public var headers: [(name: String, value: String)] {
        [
            ("Content-Security-Policy", header), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"),
        ]
    }
}
