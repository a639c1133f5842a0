import CyberIDProvider
import CyberIDQR
import Crypto
import Foundation
import Hummingbird
import Mustache

/// The login page `/authorize` answers: an animated QR code of the cross-device wallet URI (SVG
/// made here, no external assets; a new image every second), the number to pick in the wallet,
/// the same-device link, and a small script that polls the login's status, swaps the QR image
/// and continues. Rendered with swift-mustache; the script and style are inline and allowed by
/// their hashes in the Content-Security-Policy, so nothing else can run.
struct LoginPage: Sendable {
    private let template: MustacheTemplate

    init(issuer: String) {
        // The template is a constant: a parse failure is a programming error caught by tests.
        template = try! MustacheTemplate(string: Self.html)
    }

    /// The SVG of a QR code's content.
    static func qrSVG(_ content: String) throws -> String {
        try QRCode(text: content, errorCorrection: .medium).svg(moduleSize: 4, quietZone: 4, title: "QR code for the CyberID wallet")
    }

    func render(_ login: LoginStart) throws -> String {
        let context: [String: Any] = [
            "client": login.clientName,
            "claims": login.claims.map(Self.describe),
            "hasClaims": !login.claims.isEmpty,
            // base64url only (A–Z a–z 0–9 - _): nothing to escape, and escaping this long token
            // three times was a visible share of the page's cost.
            "r": login.requestToken,
            // The link is `cyberid://login?` + form-encoded base64url values: `&` is the only
            // character to escape, and swift-mustache's escaping of this long link character by
            // character was the page's largest cost.
            "walletURI": login.walletURI.replacingOccurrences(of: "&", with: "&amp;"),
            // base64 (A–Z a–z 0–9 + / =): nothing to escape.
            "qr": Data(try Self.qrSVG(login.qrURI).utf8).base64EncodedString(),
            "match": String(login.matchNumber),
            "expires": String(Int(login.expiresAt.timeIntervalSince1970)),
            "style": Self.style,
            "script": Self.script,
        ]
        return template.render(context)
    }

    /// Headers for every HTML page: a strict CSP (only our inline script and style, by hash),
    /// no framing, no referrer (the URL carries the request token), no caching.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src '\(hash(script))'; style-src '\(hash(style))'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Frame-Options")!: "DENY",
        .init("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
        .init("X-Content-Type-Options")!: "nosniff",
    ]

    private static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString()
    }

    private static func describe(_ claim: String) -> String {
        switch claim {
        case "age_over_14": "whether you are 14 or older"
        case "age_over_18": "whether you are 18 or older"
        case "name": "your name"
        case "birthdate": "your date of birth"
        case "network_number": "your network number"
        default: claim
        }
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}\
        main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:.75rem;\
        box-shadow:0 1px 4px rgba(0,0,0,.1)}h1{font-size:1.3rem}figure{margin:1rem 0;text-align:center}\
        figure img{width:16rem;height:16rem}#status{font-weight:600}a{color:#0b57d0}\
        #match-number{font-size:1.6rem;letter-spacing:.1em}
        """

    static let script = """
        (function(){var m=document.getElementById('login'),s=document.getElementById('status'),\
        q=document.getElementById('qr-code'),n=0;\
        function go(){window.location.assign(m.getAttribute('data-continue-url'));}\
        function poll(){fetch(m.getAttribute('data-status-url'),{credentials:'same-origin'})\
        .then(function(r){return r.json();}).then(function(j){\
        if(j.status==='pending'){n++;q.src=m.getAttribute('data-qr-url')+'&k='+n;setTimeout(poll,1000);return;}\
        if(j.status==='approved'&&j.same_device){s.textContent=\
        'Approved in the wallet on this device. Continue in the window the wallet opened.';return;}\
        if(j.reason==='wrong-match-number'){s.textContent=\
        'The number chosen in the wallet did not match this page. The login was ended for your safety.';\
        setTimeout(go,4000);return;}\
        s.textContent=j.status==='approved'?'Approved in your wallet. Continuing…':\
        (j.status==='denied'?'Declined in the wallet.':'This login expired.');go();})\
        .catch(function(){setTimeout(poll,2000);});}setTimeout(poll,1000);})();
        """

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Log in to {{client}} with CyberID</title>
        <link rel="icon" href="data:,">
        <style>{{{style}}}</style>
        </head>
        <body>
        <main id="login" data-status-url="authorize/status?r={{{r}}}" data-continue-url="authorize/continue?r={{{r}}}" data-qr-url="authorize/qr?r={{{r}}}" data-expires="{{expires}}">
        <h1>Log in to {{client}} with CyberID</h1>
        <p>Scan this code with your CyberID wallet (it changes every second):</p>
        <figure><img id="qr-code" width="256" height="256" alt="QR code for the CyberID wallet" src="data:image/svg+xml;base64,{{{qr}}}"></figure>
        <p>The wallet will ask you to pick a number. Pick <strong id="match-number">{{match}}</strong>.</p>
        <p><a id="wallet-link" href="{{{walletURI}}}">Open the CyberID wallet on this device</a></p>
        <p>{{client}} will learn that you are a verified person{{#hasClaims}}, and, if you agree in the wallet:{{/hasClaims}}</p>
        {{#hasClaims}}<ul>{{#claims}}<li>{{.}}</li>{{/claims}}</ul>{{/hasClaims}}
        <p id="status" role="status">Waiting for your wallet…</p>
        <p><a id="continue" href="authorize/continue?r={{{r}}}">Continue</a> once you have answered in the wallet.</p>
        </main>
        <script>{{{script}}}</script>
        </body>
        </html>
        """
}
