import ArgumentParser
import AsyncHTTPClient
import CyberIDCore
import CyberIDDevTools
import CyberIDProvider
import CyberIDRelyingParty
import CyberIDServer
import CyberIDServices
import CyberIDWallet
import Foundation

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

                With --wallet-file (written by `cyberid dev seed --wallets-out`), nothing is enrolled: the logins are \
                made by the file's wallets, persons spread over a seeded store, in a random order, each once before \
                any twice — a population's logins rather than a few persons' whose rows stay hot.

                With --floor, nobody logs in: each "login" is a same-device login's four exchanges as GET /health, \
                at the same rate through the same client — the server CPU a login cannot go below on this host \
                (scripts/http-floor sets it beside nginx's).
                """)

        @Option(help: "Server base URL (the issuer).") var server = "http://127.0.0.1:8080"
        @Option(help: "Concurrent logins in flight.") var clients = 32
        @Option(help: "Seconds to run.") var duration = 10.0
        @Option(help: "Target logins per second (default: as fast as possible).") var rate: Double?
        @Option(
            help: "Seconds run first at the same rate and not measured (a fresh server's connections and caches warm up there); prints 'measuring' as measurement begins.")
        var warmup = 0.0
        @Option(help: "Wallets to enroll and rotate through (default 40; with --wallet-file, how many of its wallets to use: all).")
        var wallets: Int?
        @Option(help: "Directory holding the trusted development CSCA (to enroll the wallets).") var documentDir: String?
        @Option(help: "Log in as the wallets in this file (JSON lines, `cyberid dev seed --wallets-out`) instead of enrolling.")
        var walletFile: String?
        @Option(help: "The server's SMS outbox file.") var outbox = "./data/sms-outbox.jsonl"
        @Option(help: "Scopes the relying party asks for.") var scope = "openid"
        @Option(help: "An existing client_id (client_secret_basic) with redirect URI http://127.0.0.1:9/cb.") var clientID: String?
        @Option(help: "Its secret.") var clientSecret: String?
        @Option(help: "The server's process id, to report its CPU time.") var serverPID: Int32?
        @Option(help: "Ask for an authentication mode (R01–R04; R02 sets a password on each wallet and sends it).")
        var mode: String?
        @Option(
            help: "Log in cross-device: the page shows its QR code this many seconds (1–50; polling as the login page does: at most once a second, a node holding each poll until there is news), then the wallet scans it and picks the page's number. Compare server CPU per login: logins/s counts the last logins' wait too.")
        var crossDevice: Double?
        @Flag(
            help: "With --cross-device, poll as the page did before the status carried the QR image: /authorize/status, then /authorize/qr, each second.")
        var separateQRImage = false
        @Flag(
            help: "Measure the HTTP floor instead: each 'login' is as many GET /health exchanges as a same-device login makes (4), through the same client at the same rate — what a login cannot cost the server less than here.")
        var floor = false
        @Option(
            help: "Write the run second by second as CSV to this file: logins completed and failed, and the longest latency, by scheduled start.")
        var timeline: String?

        /// `--cross-device` and `--separate-qr-image` as the driver takes them.
        var crossDeviceWait: CrossDeviceWait? {
            crossDevice.map { CrossDeviceWait(seconds: $0, separateImage: separateQRImage) }
        }

        func validate() throws {
            guard clients > 0, duration > 0, wallets.map({ $0 > 0 }) ?? true else {
                throw ValidationError("--clients, --duration and --wallets must be positive")
            }
            guard floor || (documentDir == nil) != (walletFile == nil) else {
                throw ValidationError("give --document-dir (wallets are enrolled) or --wallet-file (seeded wallets), one of them")
            }
            guard warmup >= 0, warmup <= 3600 else { throw ValidationError("--warmup must be 0 to 3600 seconds") }
            guard let url = URL(string: server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
                throw ValidationError("bench runs against a loopback server only")
            }
            if let timeline {
                let directory = URL(fileURLWithPath: timeline).deletingLastPathComponent().path
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("--timeline: no directory \(directory)")
                }
            }
            if let crossDevice {
                // A login lasts 120 s and the latency histogram tracks up to 60 s.
                guard crossDevice >= 1, crossDevice <= 50 else { throw ValidationError("--cross-device must be 1 to 50 seconds") }
                // Warm-up logins would still be polling in the measured window, uncounted.
                guard warmup == 0 else { throw ValidationError("--cross-device runs without --warmup") }
            }
            guard !floor || (crossDevice == nil && mode == nil && walletFile == nil && documentDir == nil && wallets == nil && clientID == nil)
            else {
                throw ValidationError(
                    "--floor takes none of --cross-device, --mode, --wallet-file, --document-dir, --wallets and --client-id: it logs nobody in")
            }
            guard crossDevice != nil || !separateQRImage else { throw ValidationError("--separate-qr-image needs --cross-device") }
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

            let issuer = server.hasSuffix("/") ? String(server.dropLast()) : server
            let seeded = try seededWallets(issuer: issuer)  // read before anything else is done
            // The floor asks nothing of the service but /health: no platform is registered.
            let (id, secret) = floor ? ("", "") : try await registerClient(redirectURI: redirectURI)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients * 2
            configuration.redirectConfiguration = .disallow
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await load(http: http, issuer: issuer, clientID: id, secret: secret, redirectURI: redirectURI, seeded: seeded)
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }

        func load(
            http: HTTPClient, issuer: String, clientID id: String, secret: String, redirectURI: String, seeded: [Wallet]?
        ) async throws {
            let rp: RelyingParty? =
                floor
                ? nil
                : try await RelyingParty.discover(
                    issuer: issuer, clientID: id, credentials: .secret(secret), redirectURI: redirectURI, http: http)
            let pool = try await walletPool(seeded: seeded, issuer: issuer)
            print(
                "running \(clients) concurrent logins for \(duration) s\(rate.map { " at \(Int($0))/s" } ?? "")"
                    + (warmup > 0 ? " after \(warmup) s of warm-up" : "") + "…")
            if floor { print("the HTTP floor: \(LoginDriver.sameDeviceExchanges) × GET /health a login") }
            let (scope, mode, crossDevice) = (scope, mode, crossDeviceWait)
            let password: String? = mode == "R02" || mode == "R04" ? "48091357" : nil
            if let password {
                for wallet in pool { try await LoginClient(baseURL: issuer).setPassword(password, wallet: wallet) }
            }
            // CPU read as the measured part begins (after the warm-up).
            let before = Locked<(generator: Double?, server: Double?)>((nil, nil))
            let serverPID = serverPID
            let report = try await LoadRun.run(
                clients: clients, duration: duration, rate: rate, warmup: warmup,
                measuring: {
                    before.withLock { $0 = (ProcessCPU.seconds(pid: nil), serverPID.flatMap { ProcessCPU.seconds(pid: $0) }) }
                    // Unbuffered, for a script that reads its counters when measurement begins (scale-login).
                    FileHandle.standardOutput.write(Data("measuring\n".utf8))
                }
            ) { index in
                guard let rp else { return try await LoginDriver.floor(http: http, issuer: issuer) }
                try await LoginDriver.login(
                    rp: rp, http: http, issuer: issuer, wallet: pool[index % pool.count], scope: scope, mode: mode,
                    password: password, crossDevice: crossDevice)
            }
            let count = Double(report.count)
            print(
                String(
                    format: "completed %d logins in %.2f s: %.1f logins/s with %d clients", report.count, report.seconds,
                    report.rate, clients))
            printLatencies(report)
            let (cpuBefore, serverBefore) = before.withLock { $0 }
            if let generatorCPU = ProcessCPU.seconds(pid: nil).map({ $0 - (cpuBefore ?? 0) }), count > 0 {
                print(String(format: "generator CPU %.2f s (%.0f µs per login)", generatorCPU, generatorCPU / count * 1e6))
            }
            if let serverPID, let before = serverBefore, let after = ProcessCPU.seconds(pid: serverPID), count > 0 {
                print(String(format: "server CPU %.2f s (%.0f µs per login)", after - before, (after - before) / count * 1e6))
            }
            if let timeline {
                do {
                    try Data(LoadSecond.csv(report.timeline, start: report.started).utf8).write(to: URL(fileURLWithPath: timeline))
                } catch {
                    printError("cyberid: cannot write the timeline to \(timeline): \(error.localizedDescription)")
                    throw Exit.failure
                }
            }
            try printFailures(report)
        }

        /// The wallets that log in: --wallet-file's, or enrolled now (none for --floor).
        func walletPool(seeded: [Wallet]?, issuer: String) async throws -> [Wallet] {
            if let seeded { return seeded }
            guard !floor else { return [] }
            let count = wallets ?? 40
            print("enrolling \(count) wallets…")
            return try await LoginDriver.enrollWallets(count: count, issuer: issuer, documentDir: documentDir ?? ".", outbox: outbox)
        }

        /// The wallets of --wallet-file, shuffled (nil without it: they are enrolled).
        func seededWallets(issuer: String) throws -> [Wallet]? {
            guard let walletFile else { return nil }
            let read: [Wallet]
            do {
                read = try WalletLines.read(walletFile, server: issuer)
            } catch let error as WalletLinesError {
                printError("cyberid: --wallet-file \(walletFile): \(error)")
                throw Exit.failure
            } catch {
                printError("cyberid: cannot read --wallet-file \(walletFile): \(error.localizedDescription)")
                throw Exit.failure
            }
            let pool = Array(read.shuffled().prefix(wallets ?? read.count))
            guard !pool.isEmpty else {
                printError("cyberid: --wallet-file \(walletFile) holds no wallet")
                throw Exit.failure
            }
            print("logging in as \(pool.count) seeded wallets from \(walletFile)")
            return pool
        }

        func registerClient(redirectURI: String) async throws -> (String, String) {
            if let clientID, let clientSecret { return (clientID, clientSecret) }
            let settings = try await loadSettings()
            return try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                let (client, secret) = try await runtime.admin.acting(as: "cyberid bench login").registerClient(
                    ClientRegistration(name: "bench relying party", redirectURIs: [redirectURI]))
                return (client.id, secret ?? "")
            }
        }
    }
}
