import Crypto
import CyberIDProvider
import CyberIDQR
import CyberIDWeb
import Foundation
import Hummingbird
import Mustache

/// The login page `/authorize` answers: an animated QR code of the cross-device wallet URI (SVG
/// made here, no external assets; a new image every few seconds), the number to pick in the wallet,
/// the same-device link, and a small script that polls the login's status, swaps the QR image
/// and continues. Rendered with swift-mustache; the script and style are inline and allowed by
/// their hashes in the Content-Security-Policy, so nothing else can run.
struct LoginPage: Sendable {
    /// The page's template per language, its words already in place: only the login's own values
    /// are left to fill on each request.
    private let templates: [Language: MustacheTemplate]

    /// Renders ``html``'s language layer (its `[[ ]]` tags: the catalogue's words, the language,
    /// the style and the script) once per language; what is left is a template of the `{{ }}`
    /// tags alone. A login fills 16 tags instead of 33 (Mustache was a fifth of `/authorize`'s
    /// server CPU; benchmarks.md, "The fourth step"). `PortalPagesTests.theLayeredLoginPageEqualsOnePass`
    /// renders both ways and compares, and checks that no catalogue text could open a tag of the
    /// second layer (the only text that is parsed twice).
    init(issuer: String) {
        // The template is a constant: a parse failure is a programming error caught by tests.
        let layer = try! MustacheTemplate(string: "{{=[[ ]]=}}" + Self.html)
        var templates = [Language: MustacheTemplate]()
        for language in Language.allCases {
            templates[language] = try! MustacheTemplate(string: layer.render(Self.languageContext(language)))
        }
        self.templates = templates
    }

    /// The values of the language layer.
    static func languageContext(_ language: Language) -> [String: Any] {
        ["t": Catalogue.standard.dictionary(for: language), "lang": language.rawValue, "style": style, "script": script]
    }

    /// The SVG of a QR code's content.
    static func qrSVG(_ content: String) throws -> String {
        try QRCode(text: content, errorCorrection: .medium).svg(moduleSize: 4, quietZone: 4, title: qrTitle)
    }

    /// The same image as a `data:image/svg+xml,` URL (the login page's first image, the status
    /// poll's `qr_image`).
    static func qrDataURL(_ content: String) throws -> String {
        try QRCode(text: content, errorCorrection: .medium).svgDataURL(moduleSize: 4, quietZone: 4, title: qrTitle)
    }

    static let qrTitle = "QR code for the CyberID wallet"

    /// The client id of CyberID's own portal: the page names it "your CyberID account" in the
    /// person's language instead of the registered name.
    static let portalClientID = "cyberid-portal"

    /// The page in `language`. Only words differ between languages: the ids, the data
    /// attributes and the script (hence its hash) are the same; the script reads its status texts
    /// from `data-msg-*` attributes.
    func render(_ login: LoginStart, language: Language = .en) throws -> String {
        templates[language]!.render(try Self.loginContext(login, language: language))
    }

    /// The values of one login (the second layer).
    static func loginContext(_ login: LoginStart, language: Language) throws -> [String: Any] {
        let catalogue = Catalogue.standard
        let isPortal = login.clientID == Self.portalClientID
        let client = isPortal ? catalogue.text("login_portal_name", language) : login.clientName
        let claims = login.claims.map { Self.describe($0, language) }
        let learns =
            isPortal
            ? catalogue.text("login_portal_learns", language)
            : catalogue.text(claims.isEmpty ? "login_will_learn" : "login_will_learn_and", language, ["client": client])
        let context: [String: Any] = [
            "title": isPortal
                ? catalogue.text("login_title_portal", language) : catalogue.text("login_title", language, ["client": client]),
            "learns": learns,
            "claims": claims,
            "hasClaims": !claims.isEmpty,
            // base64url only (A–Z a–z 0–9 - _): nothing to escape, and escaping this long token
            // three times was a visible share of the page's cost.
            "r": login.requestToken,
            // The link is `cyberid://login?` + form-encoded base64url values: `&` is the only
            // character to escape, and swift-mustache's escaping of this long link character by
            // character was the page's largest cost.
            "walletURI": Self.escapingAmpersands(login.walletURI),
            // The status poll's text form (`data:image/svg+xml,` and the SVG, its attributes
            // single-quoted, `%`, `#` and `&` percent-encoded): a quarter of base64's bytes fewer and no
            // encoding pass. Nothing in it to escape in a double-quoted attribute: no `"`, no `&`
            // (tests hold both).
            "qr": try Self.qrDataURL(login.qrURI),
            "match": String(login.matchNumber),
            "expires": String(Int(login.expiresAt.timeIntervalSince1970)),
        ]
        return context
    }

    /// `text` with every `&` written `&amp;`, byte by byte (Foundation's `replacingOccurrences`
    /// bridged the long link to an NSString: 0.7 % of a login's server CPU).
    static func escapingAmpersands(_ text: String) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "&") {
                bytes.append(contentsOf: "&amp;".utf8)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Headers for every HTML page: a strict CSP (only our inline script and style, by hash),
    /// no framing, no referrer (the URL carries the request token), no caching.
    /// The name of the cookie binding one login to the browser: `cyberid_login_` and the first
    /// eight bytes of SHA-256 of the page's request token `r`, in hex (the continue call carries
    /// `r`, so it finds its own cookie among several logins').
    static func bindingCookie(requestToken: String) -> String {
        "cyberid_login_" + SHA256.hash(data: Array(requestToken.utf8)).prefix(8).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

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

    /// What a platform learns from a claim, in the page's language (the claim's name when the
    /// catalogue does not know it).
    static func describe(_ claim: String, _ language: Language) -> String {
        Catalogue.standard.dictionary(for: language)["claim_" + claim.replacingOccurrences(of: "-", with: "_")] ?? claim
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
        q=document.getElementById('qr-code'),n=0,st=0,t=0;\
        function say(k){s.textContent=m.getAttribute('data-msg-'+k);}\
        function go(){window.location.assign(m.getAttribute('data-continue-url'));}\
        function poll(){t=performance.now();\
        fetch(m.getAttribute('data-status-url')+'&qr_image=svg'+(st!=null?'&qr_step='+st+'&wait=1':''),\
        {credentials:'same-origin'}).then(function(r){if(r.status>=500){throw r.status;}return r.json();})\
        .then(function(j){if(j.status==='pending'){if(j.qr_image){q.src=j.qr_image;}\
        else if(j.qr_step==null){n++;q.src=m.getAttribute('data-qr-url')+'&k='+n;}\
        st=j.qr_step;setTimeout(poll,Math.min(1000,Math.max(0,1000-(performance.now()-t))));return;}\
        if(j.status==='approved'&&j.same_device){say('same-device');return;}\
        if(j.reason==='wrong-match-number'){say('mismatch');setTimeout(go,4000);return;}\
        say(j.status==='approved'?'approved':(j.status==='denied'?'denied':'expired'));go();})\
        .catch(function(){setTimeout(poll,2000);});}setTimeout(poll,1000);})();
        """

    /// The page, in two layers of tags: `[[ ]]` for what depends on the language only (filled once
    /// per language at start), `{{ }}` for what depends on the login (filled per request).
    static let html = """
        <!doctype html>
        <html lang="[[lang]]">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <link rel="icon" href="data:,">
        <style>[[&style]]</style>
        </head>
        <body>
        <main id="login" data-status-url="authorize/status?r={{{r}}}" data-continue-url="authorize/continue?r={{{r}}}" data-qr-url="authorize/qr?r={{{r}}}" data-expires="{{expires}}" data-msg-same-device="[[t.login_msg_same_device]]" data-msg-mismatch="[[t.login_msg_mismatch]]" data-msg-approved="[[t.login_msg_approved]]" data-msg-denied="[[t.login_msg_denied]]" data-msg-expired="[[t.login_msg_expired]]">
        <h1>{{title}}</h1>
        <p>[[t.login_scan]]</p>
        <figure><img id="qr-code" width="256" height="256" alt="[[t.login_qr_alt]]" src="{{{qr}}}"></figure>
        <p>[[t.login_pick_number]] <strong id="match-number">{{match}}</strong>[[t.login_pick_number_end]]</p>
        <p><a id="wallet-link" href="{{{walletURI}}}">[[t.login_open_wallet]]</a></p>
        <p>{{learns}}</p>
        {{#hasClaims}}<ul>{{#claims}}<li>{{.}}</li>{{/claims}}</ul>{{/hasClaims}}
        <p id="status" role="status">[[t.login_waiting]]</p>
        <p>[[t.login_continue_before]]<a id="continue" href="authorize/continue?r={{{r}}}">[[t.login_continue]]</a>[[t.login_continue_after]]</p>
        </main>
        <script>[[&script]]</script>
        </body>
        </html>
        """
}
