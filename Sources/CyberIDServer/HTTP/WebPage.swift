import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

/// What CyberID's own web applications (the portal, the console) answer alike: an HTML page
/// with its security headers, a 303 with cookies, the visitor's language and time zone, the
/// catalogue message of a thrown error, and the same-origin check of a form POST.
enum WebPage {
    /// An HTML page under `policy` (and the other security headers), setting `cookies`.
    static func html(
        _ body: String, policy: CyberIDWeb.ContentSecurityPolicy, status: HTTPResponse.Status = .ok, cookies: [String] = []
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in policy.headers { headers[.init(name)!] = value }
        for cookie in cookies { headers.append(.init(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A 303 to one of the application's pages, setting `cookies`.
    static func seeOther(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(.init(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// The visitor's language (remembered choice, then `Accept-Language`) and time zone (the
    /// pages' script remembers it; Asia/Shanghai otherwise).
    static func locale(_ request: Request) -> (language: Language, zone: TimeZone) {
        let cookies = request.headers[values: .cookie]
        return (
            Language.negotiate(
                cookie: WebCookie.value(named: Portal.languageCookie, in: cookies),
                acceptLanguage: request.headers[.acceptLanguage]),
            DateText.zone(cookie: WebCookie.value(named: Portal.zoneCookie, in: cookies))
        )
    }

    /// The status of a thrown error (the problem mapping) and its catalogue message,
    /// `PREFIX_error_…` — never the error's own text, which is English and may be technical. A
    /// refused form (`forbidden`: no session, CSRF, origin) and a refused act read differently.
    static func error(_ error: any Error, prefix: String) -> (status: Int, key: String) {
        let problem = Problem.from(error)
        let status = problem.statusCode
        let kind =
            switch status {
            case 400, 415, 422: "bad_request"
            case 401, 403: problem.type.hasSuffix(":forbidden") ? "forbidden" : "not_allowed"
            case 404: "not_found"
            case 410: "not_allowed"
            case 503: "unavailable"
            default: status >= 500 ? "server" : "bad_request"
            }
        return (status, "\(prefix)_error_\(kind)")
    }

    /// Whether a POST comes from the application's own pages (``SameOrigin``).
    static func isSameOrigin(_ request: Request, origin: String) -> Bool {
        SameOrigin.allows(
            origin: request.headers[.origin], fetchSite: request.headers[.init("Sec-Fetch-Site")!], expected: origin)
    }
}
