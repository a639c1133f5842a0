import ArgumentParser
import AsyncHTTPClient
import Crypto
import CyberIDCore
import CyberIDDocuments
import CyberIDProvider
import CyberIDRelyingParty
import CyberIDServer
import CyberIDWallet
import Foundation
import Histogram
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension Bench {
    /// `cyberid bench login`: many wallets and one relying party running complete logins.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run complete OIDC logins (authorize → wallet fetch → approve → continue → token → ID token verified).",
            discussion: """
                Enrolls --wallets wallets first (the server must trust the development CSCA in --document-dir and \
                write SMS to --outbox, as for bench enroll). Without --client-id the relying party is registered \
                directly in the configured store (run with the server's CYBERID_* environment). Latencies are \
                measured from each login's scheduled start (no coordinated omission) into an HdrHistogram.
                """)

        @Option(help: "Server base URL (the issuer).") var server = "http://127.0.0.1:8080"
        @Option(help: "Concurrent logins in flight.") var clients = 32
        @Option(help: "Seconds to run.") var duration = 10.0
        @Option(help: "Target logins per second (default: as fast as possible).") var rate: Double?
        @Option(help: "Wallets to enroll and rotate through.") var wallets = 40
        @Option(help: "Directory holding the trusted development CSCA.") var documentDir: String
        @Option(help: "The server's SMS outbox file.") var outbox = "./data/sms-outbox.jsonl"
        @Option(help: "Scopes the relying party asks for.") var scope = "openid"
        @Option(help: "An existing client_id (client_secret_basic) with redirect URI http://127.0.0.1:9/cb.") var clientID: String?
        @Option(help: "Its secret.") var clientSecret: String?
        @Option(help: "The server's process id, to report its CPU time.") var serverPID: Int32?

        func validate() throws {
            guard clients > 0, duration > 0, wallets > 0 else {
                throw ValidationError("--clients, --duration and --wallets must be positive")
            }
            guard let url = URL(string: server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
                throw ValidationError("bench runs against a loopback server only")
            }
            guard (clientID == nil) == (clientSecret == nil) else {
                throw ValidationError("give both --client-id and --client-secret, or neither")
            }
        }

        func run() async throws {
            try await runOrExit { try await measure() }
        }

        func measure() async throws {
            let redirectURI = "http://127.0.0.1:9/cb"
            let ceiling = ES256Ceiling.measure()
            print(String(format: "ES256 in this process (1 core): sign %.0f/s, verify %.0f/s", ceiling.signPerSecond, ceiling.verifyPerSecond))

            let (id, secret) = try await registerClient(redirectURI: redirectURI)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients * 2
            configuration.redirectConfiguration = .disallow
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await load(http: http, clientID: id, secret: secret, redirectURI: redirectURI)
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }

        func load(http: HTTPClient, clientID id: String, secret: String, redirectURI: String) async throws {
            let issuer = server.hasSuffix("/") ? String(server.dropLast()) : server
            let rp = try await RelyingParty.discover(
                issuer: issuer, clientID: id, credentials: .secret(secret), redirectURI: redirectURI, http: http)

            print("enrolling \(wallets) wallets…")
            let pool = try await enrollWallets(issuer: issuer)
            print("running \(clients) concurrent logins for \(duration) s\(rate.map { " at \(Int($0))/s" } ?? "")…")

            let histogram = Locked(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
            let failures = Locked<[String: Int]>([:])
            let next = Locked(0)
            let cpuBefore = ProcessCPU.seconds(pid: nil)
            let serverBefore = serverPID.flatMap { ProcessCPU.seconds(pid: $0) }
            let start = ContinuousClock.now
            let deadline = start + .milliseconds(Int(duration * 1000))
            let interval = rate.map { Duration.nanoseconds(Int64(1e9 / $0)) }
            let scope = scope
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        while true {
                            let index = next.withLock { value -> Int in
                                defer { value += 1 }
                                return value
                            }
                            var scheduled = ContinuousClock.now
                            if let interval {
                                scheduled = start + interval * index
                                if scheduled > ContinuousClock.now { try await Task.sleep(until: scheduled) }
                            }
                            guard scheduled < deadline else { return }
                            do {
                                try await Self.login(
                                    rp: rp, http: http, issuer: issuer, wallet: pool[index % pool.count], scope: scope)
                                let elapsed = ContinuousClock.now - scheduled
                                let micros = UInt64(elapsed.components.seconds) * 1_000_000
                                    + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
                                histogram.withLock { _ = $0.record(micros) }
                            } catch {
                                failures.withLock { $0["\(error)", default: 0] += 1 }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = ContinuousClock.now - start
            let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
            let result = histogram.withLock { $0 }
            let count = Double(result.totalCount)
            func ms(_ percentile: Double) -> String { String(format: "%.1f ms", Double(result.valueAtPercentile(percentile)) / 1000) }
            print(String(format: "completed %d logins in %.2f s: %.1f logins/s with %d clients", Int(count), seconds, count / seconds, clients))
            print("latency p50 \(ms(50))  p90 \(ms(90))  p99 \(ms(99))  max \(ms(100))")
            let generatorCPU = ProcessCPU.seconds(pid: nil).map { $0 - (cpuBefore ?? 0) }
            if let generatorCPU, count > 0 {
                print(String(format: "generator CPU %.2f s (%.0f µs per login)", generatorCPU, generatorCPU / count * 1e6))
            }
            if let serverPID, let before = serverBefore, let after = ProcessCPU.seconds(pid: serverPID), count > 0 {
                print(String(format: "server CPU %.2f s (%.0f µs per login)", after - before, (after - before) / count * 1e6))
            }
            let failed = failures.withLock { $0 }
            for (reason, number) in failed.sorted(by: { $0.value > $1.value }).prefix(10) { print("failed \(number)×: \(reason)") }
            if !failed.isEmpty { throw ExitCode(1) }
        }

        /// One complete login as a browser, a wallet and the relying party would do it.
        static func login(rp: RelyingParty, http: HTTPClient, issuer: String, wallet: CyberIDWallet.Wallet, scope: String) async throws {
            let request = rp.authorizationRequest(scope: scope)
            // Browser: the login page.
            let page = try await get(http, request.url)
            guard page.status == 200, let cookie = page.cookie,
                let link = attribute(page.body, id: "wallet-link"), let next = attribute(page.body, id: "continue")
            else { throw LoadError("authorize: \(page.status)") }
            // Wallet: fetch, sign, decide.
            let uri = try WalletLoginURI(link)
            let view = try await get(http, issuer + "/wallet/v1/login?t=" + uri.ticket)
            guard view.status == 200, let login = try? JSONDecoder().decode(LoginRequestView.self, from: view.body) else {
                throw LoadError("wallet fetch: \(view.status)")
            }
            let decision = try wallet.decision(on: login, approve: true, consent: login.claims)
            var post = HTTPClientRequest(url: issuer + "/wallet/v1/login")
            post.method = .POST
            post.headers.add(name: "Content-Type", value: "application/json")
            post.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["ticket": uri.ticket, "approval": decision])))
            let decided = try await http.execute(post, timeout: .seconds(30))
            _ = try await decided.body.collect(upTo: 1 << 16)
            guard decided.status == .ok else { throw LoadError("approve: \(decided.status.code)") }
            // Browser: continue to the relying party.
            let continued = try await get(http, issuer + "/" + next, cookie: "cyberid_login=\(cookie)")
            guard continued.status == 303, let location = continued.location else { throw LoadError("continue: \(continued.status)") }
            // Relying party: code exchange and ID-token verification.
            let code = try rp.code(fromCallback: location, for: request)
            _ = try await rp.exchange(code: code, for: request)
        }

        struct Page {
            var status: Int
            var body: Data
            var cookie: String?
            var location: String?
            var text: String? { String(data: body, encoding: .utf8) }
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
            return Page(status: Int(response.status.code), body: Data(buffer: body), cookie: value, location: response.headers.first(name: "Location"))
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

        func registerClient(redirectURI: String) async throws -> (String, String) {
            if let clientID, let clientSecret { return (clientID, clientSecret) }
            let settings = try await loadSettings()
            return try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                let (client, secret) = try await runtime.provider.clients.register(
                    ClientRegistration(name: "bench relying party", redirectURIs: [redirectURI]))
                return (client.id, secret ?? "")
            }
        }

        func enrollWallets(issuer: String) async throws -> [CyberIDWallet.Wallet] {
            let csca = try DevDocumentFactory.CSCA.loadOrMake(directory: URL(fileURLWithPath: documentDir))
            let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36).uppercased()
            let codes = OutboxReader(path: outbox)
            let client = LoadClient(base: issuer)
            var out = [CyberIDWallet.Wallet]()
            for index in 0..<wallets {
                let document = try DevDocumentFactory.make(
                    holder: DevDocumentFactory.Holder(
                        birthDate: try CalendarDate(iso8601: "1985-05-05"), documentNumber: "L\(runID.prefix(4))\(index)",
                        expiryDate: try CalendarDate(iso8601: "2033-01-01")),
                    csca: csca)
                let (key, issued) = try await Enroll.enroll(
                    document, phone: "+86137\(String(format: "%08d", index))", client: client, codes: codes)
                guard let certificate = issued["certificate"] as? String, let number = issued["network_number"] as? String else {
                    throw LoadError("enrollment answer without a certificate")
                }
                let file = try WalletFile(
                    server: issuer, privateKeyPEM: key.pemRepresentation, certificatePEM: certificate,
                    chainPEM: issued["chain"] as? String ?? "", networkNumber: number,
                    assuranceLevel: issued["assurance_level"] as? String ?? "")
                out.append(try CyberIDWallet.Wallet(file: file))
            }
            return out
        }
    }
}

/// The ES256 operations a login needs, measured in this process: the rate ceiling of one core.
struct ES256Ceiling {
    var signPerSecond: Double
    var verifyPerSecond: Double

    static func measure(iterations: Int = 2000) -> ES256Ceiling {
        let key = P256.Signing.PrivateKey()
        let message = Array(repeating: UInt8(7), count: 300)
        var signature = try! key.signature(for: message)
        let signStart = ContinuousClock.now
        for _ in 0..<iterations { signature = try! key.signature(for: message) }
        let signTime = ContinuousClock.now - signStart
        var valid = 0
        let verifyStart = ContinuousClock.now
        for _ in 0..<iterations where key.publicKey.isValidSignature(signature, for: message) { valid += 1 }
        let verifyTime = ContinuousClock.now - verifyStart
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        precondition(valid == iterations)
        return ES256Ceiling(
            signPerSecond: Double(iterations) / seconds(signTime), verifyPerSecond: Double(iterations) / seconds(verifyTime))
    }
}

/// CPU time (user + system) of a process, from /proc (Linux) or getrusage for this process.
enum ProcessCPU {
    static func seconds(pid: Int32?) -> Double? {
        let path = pid.map { "/proc/\($0)/stat" } ?? "/proc/self/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
