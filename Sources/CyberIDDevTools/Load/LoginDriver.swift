public import AsyncHTTPClient
import Crypto
public import CyberIDRelyingParty
public import CyberIDWallet
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Drives one complete OpenID Connect login over HTTP, as a browser, a wallet and the relying
/// party would: the login page, the wallet's fetch and signed approval of the same-device link,
/// the return to the browser with the response code, the code exchange and the ID token's
/// verification (by the RP SDK).
public enum LoginDriver {
    /// One login.
    /// - Parameters:
    ///   - mode: an authentication mode to ask for (`R02`…), sent as `acr_values`.
    ///   - password: the wallets' network-identity password, for modes R02 and R04.
    public static func login(
        rp: RelyingParty, http: HTTPClient, issuer: String, wallet: Wallet, scope: String, mode: String? = nil,
        password: String? = nil
    ) async throws {
        let request = rp.authorizationRequest(scope: scope, acrValues: mode.map { "urn:cyberid:mode:" + $0 })
        // Browser: the login page.
        let page = try await get(http, request.url)
        guard page.status == 200, let cookie = page.cookie, let link = attribute(page.body, id: "wallet-link") else {
            throw LoadError("authorize: \(page.status)")
        }
        // Wallet: fetch, sign, decide.
        let uri = try WalletLoginURI(link)
        let view = try await get(http, issuer + "/wallet/v1/login?t=" + uri.ticket)
        guard view.status == 200, let login = try? JSONDecoder().decode(LoginRequestView.self, from: view.body) else {
            throw LoadError("wallet fetch: \(view.status)")
        }
        let decision = try wallet.decision(on: login, approve: true, consent: login.claims)
        var body: [String: Any] = ["ticket": uri.ticket, "approval": decision, "request": uri.request ?? ""]
        if let password { body["password"] = password }
        var post = HTTPClientRequest(url: issuer + "/wallet/v1/login")
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        post.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let decided = try await http.execute(post, timeout: .seconds(30))
        let answer = try await decided.body.collect(upTo: 1 << 16)
        guard decided.status == .ok, let result = try? JSONDecoder().decode(LoginDecisionResult.self, from: Data(buffer: answer)),
            let returnURL = result.returnURL
        else { throw LoadError("approve: \(decided.status.code)") }
        // Browser: the wallet returns the person; continue to the relying party.
        let continued = try await get(http, returnURL, cookie: "cyberid_login=\(cookie)")
        guard continued.status == 303, let location = continued.location else { throw LoadError("continue: \(continued.status)") }
        // Relying party: code exchange and ID-token verification.
        let code = try rp.code(fromCallback: location, for: request)
        _ = try await rp.exchange(code: code, for: request)
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

    /// The `href` of the element with `id` in the page (HTML-unescaped), by a byte search: a
    /// Foundation string search over the page cost more than the rest of the generator.
    static func attribute(_ html: Data, id: String) -> String? {
        let needle = Array("id=\"\(id)\" href=\"".utf8)
        return html.withUnsafeBytes { (page: UnsafeRawBufferPointer) -> String? in
            var index = 0
            search: while index + needle.count <= page.count {
                for offset in 0..<needle.count where page[index + offset] != needle[offset] {
                    index += 1
                    continue search
                }
                var end = index + needle.count
                while end < page.count && page[end] != UInt8(ascii: "\"") { end += 1 }
                let value = String(decoding: page[(index + needle.count)..<end], as: UTF8.self)
                return value.contains("&") ? value.replacingOccurrences(of: "&amp;", with: "&") : value
            }
            return nil
        }
    }
}
