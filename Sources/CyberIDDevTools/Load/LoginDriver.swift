public import AsyncHTTPClient
import Crypto
import CyberIDCore
public import CyberIDRelyingParty
public import CyberIDWallet
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// How a cross-device login's page waits for the person (`cyberid bench login --cross-device`).
public struct CrossDeviceWait: Sendable {
    /// Seconds the page shows its QR code before the wallet scans it; the page polls meanwhile
    /// as the login page's script does (a node holds a poll until there is news: `wait=1`).
    public var seconds: Double
    /// Poll as the page did before the status carried the image: `/authorize/status`, then
    /// `/authorize/qr` — two requests a second instead of one (`qr_image=svg`).
    public var separateImage: Bool

    public init(seconds: Double, separateImage: Bool) {
        self.seconds = seconds
        self.separateImage = separateImage
    }
}

/// Drives one complete OpenID Connect login over HTTP, as a browser, a wallet and the relying
/// party would: the login page, the wallet's signed approval of the same-device link (its view
/// read from the link), the return to the browser with the response code, the code exchange and
/// the ID token's verification (by the RP SDK). Cross-device, the page polls while the person
/// takes their time, the wallet scans the QR code's current content and picks the page's number.
public enum LoginDriver {
    /// One login.
    /// - Parameters:
    ///   - mode: an authentication mode to ask for (`R02`…), sent as `acr_values`.
    ///   - password: the wallets' network-identity password, for modes R02 and R04.
    ///   - crossDevice: log in cross-device, the page waiting this long.
    public static func login(
        rp: RelyingParty, http: HTTPClient, issuer: String, wallet: Wallet, scope: String, mode: String? = nil,
        password: String? = nil, crossDevice: CrossDeviceWait? = nil
    ) async throws {
        let request = rp.authorizationRequest(scope: scope, acrValues: mode.map { "urn:cyberid:mode:" + $0 })
        // Browser: the login page.
        let page = try await get(http, request.url)
        guard page.status == 200, let cookie = page.cookie, let link = attribute(page.body, id: "wallet-link") else {
            throw LoadError("authorize: \(page.status)")
        }
        if let crossDevice {
            let location = try await scanAndApprove(
                page: page.body, cookie: cookie, wait: crossDevice, http: http, issuer: issuer, wallet: wallet, password: password)
            let code = try rp.code(fromCallback: location, for: request)
            _ = try await rp.exchange(code: code, for: request)
            return
        }
        // Wallet: the link's view (fetched from a service whose link has none), sign, decide.
        let uri = try WalletLoginURI(link)
        let login: LoginRequestView
        if let linked = try uri.linkedView() {
            login = linked
        } else {
            let view = try await get(http, issuer + "/wallet/v1/login?t=" + uri.ticket)
            guard view.status == 200, let fetched = try? LoginRequestView(viewJSON: view.body) else {
                throw LoadError("wallet fetch: \(view.status)")
            }
            login = fetched
        }
        let decision = try wallet.decision(on: login, approve: true, consent: login.claims)
        var body: [String: Any] = ["ticket": uri.ticket, "approval": decision, "request": uri.request ?? ""]
        if let password { body["password"] = password }
        let (status, answer) = try await postDecision(body, http: http, issuer: issuer)
        guard status == .ok, let result = try? JSONDecoder().decode(LoginDecisionResult.self, from: Data(buffer: answer)),
            let returnURL = result.returnURL
        else { throw LoadError("approve: \(status.code)") }
        // Browser: the wallet returns the person; continue to the relying party.
        let continued = try await get(http, returnURL, cookie: "cyberid_login=\(cookie)")
        guard continued.status == 303, let location = continued.location else { throw LoadError("continue: \(continued.status)") }
        // Relying party: code exchange and ID-token verification.
        let code = try rp.code(fromCallback: location, for: request)
        _ = try await rp.exchange(code: code, for: request)
    }

    /// A login's HTTP floor: as many exchanges as a same-device login makes (the page, the
    /// wallet's decision, the continue, the code exchange), each a `GET /health` through the
    /// same client — no page, no wallet, no store, no cryptography. Its server CPU, measured as
    /// logins are (`cyberid bench login --floor`), is what a login cannot cost less than on this
    /// host with this HTTP stack.
    public static func floor(http: HTTPClient, issuer: String) async throws {
        for exchange in 1...sameDeviceExchanges {
            let answer = try await get(http, issuer + "/health")
            guard answer.status == 200 else { throw LoadError("floor exchange \(exchange): \(answer.status)") }
        }
    }

    /// The HTTP exchanges of a same-device login (`login(…)` without `crossDevice`, the link
    /// carrying the view).
    public static let sameDeviceExchanges = 4

    /// The cross-device part of a login: the page polls as its script does, the wallet scans the
    /// QR content the page was last given `wait.seconds` after the page opened, picks the page's
    /// number and approves; the page's poll sees the approval and continues.
    /// - Returns: the redirect to the relying party.
    static func scanAndApprove(
        page body: Data, cookie: String, wait: CrossDeviceWait, http: HTTPClient, issuer: String, wallet: Wallet,
        password: String?
    ) async throws -> String {
        guard let statusPath = value(in: body, after: "data-status-url=\""),
            let qrPath = value(in: body, after: "data-qr-url=\""),
            let continuePath = value(in: body, after: "data-continue-url=\""),
            let match = value(in: body, after: "id=\"match-number\">", until: UInt8(ascii: "<")).flatMap({ Int($0) })
        else { throw LoadError("authorize: the page lacks its status, QR or continue URL or its number") }
        let base = issuer + "/"
        let shown = Locked<String?>(nil)
        async let decided = pollUntilDecided(
            status: base + statusPath, qr: base + qrPath, separateImage: wait.separateImage, http: http, shown: shown)
        try await Task.sleep(for: .seconds(wait.seconds))
        // Scanned before any poll came back (a node holds the first until the second code): the
        // page's first code, which the page drew itself — read here from a status of its own.
        let qr: String
        if let scanned = shown.withLock({ $0 }) { qr = scanned } else { qr = try await firstCode(status: base + statusPath, http: http) }
        try await approveScanned(qr, match: match, http: http, issuer: issuer, wallet: wallet, password: password)
        let progress = try await decided
        guard progress.status == "approved", progress.sameDevice != true else {
            throw LoadError("status after approval: \(progress.status)")
        }
        // Browser: the page continues.
        let continued = try await get(http, base + continuePath, cookie: "cyberid_login=\(cookie)")
        guard continued.status == 303, let location = continued.location else { throw LoadError("continue: \(continued.status)") }
        return location
    }

    /// The QR content of a pending login now (one status request without its image).
    static func firstCode(status: String, http: HTTPClient) async throws -> String {
        guard let content = try await pageStatus(status, http: http).qr else { throw LoadError("status: no first code") }
        return content
    }

    /// `GET /authorize/status` (the page's poll) at `url`, decoded.
    static func pageStatus(_ url: String, http: HTTPClient) async throws -> PageStatus {
        let answer = try await get(http, url)
        guard answer.status == 200, let progress = try? JSONDecoder().decode(PageStatus.self, from: answer.body) else {
            throw LoadError("status: \(answer.status)")
        }
        return progress
    }

    /// The page's polls, as its script makes them: the first a second after the page, then at
    /// most one a second (start to start) — at once after an answer a node held (`wait=1`) for
    /// news of the code the page shows; the image with the status unless the page shows the
    /// current code. `shown` is the QR content the page shows.
    /// - Returns: the first answer that is not `pending`.
    static func pollUntilDecided(
        status: String, qr: String, separateImage: Bool, http: HTTPClient, shown: Locked<String?>
    ) async throws -> PageStatus {
        var (polls, step) = (0, 0)
        try await Task.sleep(for: .seconds(1))
        while true {
            let started = ContinuousClock.now
            polls += 1
            let progress = try await pageStatus(status + (separateImage ? "" : "&qr_image=svg&qr_step=\(step)&wait=1"), http: http)
            guard progress.status == "pending" else { return progress }
            guard let content = progress.qr else { throw LoadError("status: pending without a QR code") }
            if separateImage {
                let image = try await get(http, qr + "&k=\(polls)")
                guard image.status == 200 else { throw LoadError("qr: \(image.status)") }
            } else if (progress.qrImage == nil) != (progress.qrStep == step) {
                throw LoadError("status: qr_image for step \(progress.qrStep ?? -1), the page's \(step)")
            }
            step = progress.qrStep ?? step
            shown.withLock { $0 = content }
            try await Task.sleep(until: started + .seconds(1))
        }
    }

    /// The wallet's part of a cross-device login: it scans `qr`, fetches the view with the scan,
    /// picks the page's number and approves.
    static func approveScanned(
        _ qr: String, match: Int, http: HTTPClient, issuer: String, wallet: Wallet, password: String?
    ) async throws {
        let uri = try WalletLoginURI(qr)
        // The view's query as the wallet SDK builds it (`LoginClient.fetch`).
        var components = URLComponents(string: issuer + "/wallet/v1/login")
        components?.queryItems = [("t", uri.ticket), ("qt", uri.qrStep), ("qa", uri.qrAuthenticator)].map {
            URLQueryItem(name: $0, value: $1)
        }
        guard let url = components?.url?.absoluteString else { throw LoadError("wallet fetch (scanned): no URL") }
        let view = try await get(http, url)
        guard view.status == 200, let login = try? LoginRequestView(viewJSON: view.body) else {
            throw LoadError("wallet fetch (scanned): \(view.status)")
        }
        let decision = try wallet.decision(on: login, approve: true, consent: login.claims, match: match)
        var body: [String: Any] = ["ticket": uri.ticket, "approval": decision]
        if let password { body["password"] = password }
        let (status, _) = try await postDecision(body, http: http, issuer: issuer)
        guard status == .ok else { throw LoadError("approve (cross-device): \(status.code)") }
    }

    /// The wallet's decision, `POST /wallet/v1/login` with a JSON body: the status and the answer.
    static func postDecision(_ body: [String: Any], http: HTTPClient, issuer: String) async throws
        -> (HTTPResponseStatus, ByteBuffer)
    {
        var post = HTTPClientRequest(url: issuer + "/wallet/v1/login")
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        post.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let decided = try await http.execute(post, timeout: .seconds(30))
        return (decided.status, try await decided.body.collect(upTo: 1 << 16))
    }

    /// What the page's poll reads of `GET /authorize/status`.
    struct PageStatus: Decodable {
        var status: String
        var qr: String?
        var qrStep: Int?
        var qrImage: String?
        var sameDevice: Bool?

        enum CodingKeys: String, CodingKey {
            case status, qr, qrStep = "qr_step", qrImage = "qr_image", sameDevice = "same_device"
        }
    }

    /// Enrolls `count` wallets over HTTP (documents signed by the CSCA in `documentDir`).
    public static func enrollWallets(
        count: Int, issuer: String, documentDir: String, outbox: String
    ) async throws -> [Wallet] {
        let documents = try EnrollmentDriver.documents(count: count, prefix: "L", directory: documentDir)
        let codes = OutboxReader(path: outbox)
        let client = LoadClient(base: issuer)
        var out = [Wallet]()
        for (index, document) in documents.enumerated() {
            let (key, issued) = try await EnrollmentDriver.enroll(
                document, phone: "+86137\(String(format: "%08d", index))", client: client, codes: codes)
            guard let certificate = issued["certificate"] as? String, let number = issued["network_number"] as? String else {
                throw LoadError("enrollment answer without a certificate")
            }
            let file = try WalletFile(
                server: issuer, privateKeyPEM: key.pemRepresentation, certificatePEM: certificate,
                chainPEM: issued["chain"] as? String ?? "", networkNumber: number,
                assuranceLevel: issued["assurance_level"] as? String ?? "")
            out.append(try Wallet(file: file))
        }
        return out
    }

    struct Page {
        var status: Int
        var body: Data
        var cookie: String?
        var location: String?
    }

    static func get(_ http: HTTPClient, _ url: String, cookie: String? = nil) async throws -> Page {
        var request = HTTPClientRequest(url: url)
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        var value: String?
        for header in response.headers["Set-Cookie"] where header.hasPrefix("cyberid_login=") {
            value = String(header.dropFirst("cyberid_login=".count).prefix { $0 != ";" })
        }
        return Page(
            status: Int(response.status.code), body: Data(buffer: body), cookie: value,
            location: response.headers.first(name: "Location"))
    }

    /// The `href` of the element with `id` in the page (HTML-unescaped).
    static func attribute(_ html: Data, id: String) -> String? { value(in: html, after: "id=\"\(id)\" href=\"") }

    /// The text after `needle` up to `end` (HTML-unescaped `&amp;`), by a byte search: a
    /// Foundation string search over the page cost more than the rest of the generator.
    static func value(in html: Data, after needle: String, until end: UInt8 = UInt8(ascii: "\"")) -> String? {
        let needle = Array(needle.utf8)
        return html.withUnsafeBytes { (page: UnsafeRawBufferPointer) -> String? in
            var index = 0
            search: while index + needle.count <= page.count {
                for offset in 0..<needle.count where page[index + offset] != needle[offset] {
                    index += 1
                    continue search
                }
                var stop = index + needle.count
                while stop < page.count && page[stop] != end { stop += 1 }
                let value = String(decoding: page[(index + needle.count)..<stop], as: UTF8.self)
                return value.contains("&") ? value.replacingOccurrences(of: "&amp;", with: "&") : value
            }
            return nil
        }
    }
}
