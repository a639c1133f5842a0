import CyberIDAdapters
import CyberIDCore
public import Configuration
public import CyberIDStore
public import Logging
public import Foundation
import SystemPackage

/// Everything the service reads from its environment, validated once at start.
///
/// Sources, highest priority first: environment variables (`CYBERID_*`), then the JSON file
/// named by `CYBERID_CONFIG_FILE` (keys nested under `"cyberid"`, e.g.
/// `{"cyberid": {"issuer": "…", "databaseUrl": "…"}}`), then the embedded defaults. Values are
/// read as text and parsed here so that a malformed value is an error with a clear message
/// rather than silently replaced by a default.
public struct ServerSettings: Sendable {
    /// The OpenID issuer identifier and public base URL, without a trailing slash.
    public var issuer: String
    /// The address to listen on.
    public var host: String
    /// The port to listen on (0 picks a free port, for tests).
    public var port: Int
    /// Where the store lives.
    public var database: DatabaseURL
    /// Directory for the SQLite file, the master key file and the SMS outbox.
    public var dataDirectory: String
    /// Minimum level of log output.
    public var logLevel: Logger.Level
    /// `CYBERID_MASTER_KEY`, if given (base64, 32 bytes); otherwise a key file in the data directory.
    public var masterKey: String?
    /// `CYBERID_PREVIOUS_MASTER_KEY` during a master-key rotation (otherwise
    /// `<data dir>/master.key.previous` if present): accepted for opening, never for sealing.
    public var previousMasterKey: String?
    /// Largest accepted request body, in bytes.
    public var maxBodyBytes: Int
    /// An SMS gateway endpoint; unset: codes go to `<data dir>/sms-outbox.jsonl` (development).
    public var smsWebhookURL: String?
    /// Bearer token for the SMS gateway.
    public var smsWebhookToken: String?
    /// A face-matching service; unset: no face step, assurance stays `substantial`.
    public var faceMatcherURL: String?
    /// The score at or above which faces match.
    public var faceMatchThreshold: Double
    /// Validity of network certificates, in days (capped at the document's expiry).
    public var certificateDays: Int
    /// Lifetime of an enrollment session, in seconds.
    public var enrollmentTTLSeconds: Int
    /// Lifetime of a login transaction (the QR code), in seconds.
    public var loginTTLSeconds: Int
    /// How long the login page shows each code of its animated QR code (`CYBERID_QR_STEP_SECONDS`,
    /// 1–10, default 5): a new code every few seconds, not every second — the wallet's 30 s
    /// freshness window is what stops a forwarded code (benchmarks.md, "The twelfth step").
    public var qrStepSeconds: Int
    /// The most page polls a node holds at once (`CYBERID_HELD_POLL_LIMIT`, default 100,000; 0:
    /// none — every poll answered at once): benchmarks.md, "The thirteenth step".
    public var heldPollLimit: Int
    /// Whether a same-device approval must sign the digest of the view the wallet showed
    /// (`CYBERID_REQUIRE_LOGIN_VIEW`, default false; relying-parties.md §4a).
    public var requireLoginView: Bool
    /// One-time codes any one phone number may receive per hour.
    public var smsPerPhonePerHour: Int
    /// The least time between two fetches of a client's JWKS URL after a signature that did
    /// not verify.
    public var jwksRefetchSeconds: Int
    /// The status lists' `ttl` (seconds): how long verifiers may cache a list.
    public var statusListTTL: Int
    /// log2 of scrypt's N for new network-identity password hashes (`CYBERID_PASSWORD_SCRYPT_LOG_N`,
    /// 10–20, default 14); stored hashes keep their own and still verify.
    public var passwordScryptLogN: Int
    /// How long an in-person verification code works (`CYBERID_CODE_TTL_SECONDS`, default 60).
    public var codeTTLSeconds: Int
    /// The form new sealed tokens take (`CYBERID_SEALING_FORM`, 2, 3 or 4, default 4): 3 only
    /// while nodes of a release before 2026-12-06 (which open forms 2 and 3) still run beside this
    /// one, 2 while nodes of a release before 2026-12-05 (form 2 only) do (operations.md, "Rolling
    /// upgrades"). Every form is opened either way.
    public var sealingForm: Int
    /// How long a portal session lasts without a request (`CYBERID_PORTAL_IDLE_SECONDS`,
    /// default 900 = the issue's 15 minutes).
    public var portalIdleSeconds: Int
    /// How long after a rotation a new signing key is published before it signs
    /// (`CYBERID_SIGNING_KEY_ACTIVATION_SECONDS`, default 60: longer than every process's 30 s
    /// reload, so that no node signs with a key another node does not publish yet).
    public var signingKeyActivationSeconds: Int
    /// How long a person's verification lines (logins, in-person checks) are kept
    /// (`CYBERID_VERIFICATION_RETENTION_DAYS`, default 730, 0 keeps them for ever). Their
    /// enrollment, state changes and record look-ups stay for the life of the number.
    public var verificationRetentionDays: Int
    /// How long a Security Event is kept once delivered, dropped or given up on
    /// (`CYBERID_SECURITY_EVENT_RETENTION_DAYS`, default 90, 0 keeps them for ever); one still
    /// being retried stays until then.
    public var securityEventRetentionDays: Int
    /// SQLite's durability: `FULL` (every commit fsynced; the default) or `NORMAL` (WAL
    /// checkpoints fsynced: a power loss may lose the last commits, never corrupt the file).
    public var sqliteSynchronous: SQLiteStoreDatabase.Synchronous
    /// Whether an https (production) issuer may write codes to the development SMS outbox.
    public var allowDevelopmentSMS: Bool
    /// A separate listener's port for `/metrics` (then not served on the public one).
    public var metricsPort: Int?
    /// The separate metrics listener's address.
    public var metricsHost: String
    /// `refuse` (default) or `warn`: a document CRL past its `nextUpdate`.
    public var staleRevocationPolicy: String
    /// Proxies (IP addresses) whose `X-Forwarded-For` names the client.
    public var trustedProxies: Set<String>
    /// The rate limits (docs/configuration.md, review finding 8).
    public var limits: RateLimitSettings
    /// Each connection's task runs under a task executor preference for its channel's event loop
    /// (`CYBERID_REQUESTS_ON_CONNECTION_LOOP`, default true; false measures Hummingbird's own scheduling).
    public var requestsOnConnectionLoop: Bool

    /// Reads and validates the settings.
    /// - Parameter config: the configuration reader (see ``reader(environment:)``).
    /// - Throws: ``ConfigurationError`` naming the first bad setting.
    public init(config: ConfigReader) throws(ConfigurationError) {
        func text(_ key: String) -> String? {
            guard let value = config.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
            return value
        }
        func secret(_ key: String) -> String? {
            guard let value = config.string(forKey: ConfigKey(key), isSecret: true), !value.isEmpty else { return nil }
            return value
        }

        dataDirectory = text("cyberid.dataDir") ?? "./data"

        let issuerText = text("cyberid.issuer") ?? "http://127.0.0.1:8080"
        issuer = try Self.validateIssuer(issuerText)

        host = text("cyberid.host") ?? "127.0.0.1"
        let portText = text("cyberid.port") ?? "8080"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError(setting: "CYBERID_PORT", reason: "must be a port number 0–65535, got '\(portText)'")
        }
        self.port = port

        let databaseText = text("cyberid.databaseUrl") ?? "sqlite:\(dataDirectory)/cyberid.sqlite"
        do {
            database = try DatabaseURL(databaseText)
        } catch {
            throw ConfigurationError(setting: "CYBERID_DATABASE_URL", reason: "is not usable: \(error.reason)")
        }

        logLevel = try Self.logLevel(text("cyberid.logLevel") ?? "info")
        (masterKey, previousMasterKey) = (secret("cyberid.masterKey"), secret("cyberid.previousMasterKey"))
        maxBodyBytes = try Self.integer(text("cyberid.maxBodyBytes"), "CYBERID_MAX_BODY_BYTES", 1_048_576, 1024...1_073_741_824)

        smsWebhookURL = try Self.url(text("cyberid.smsWebhookUrl"), setting: "CYBERID_SMS_WEBHOOK_URL")
        smsWebhookToken = secret("cyberid.smsWebhookToken")
        faceMatcherURL = try Self.url(text("cyberid.faceMatcherUrl"), setting: "CYBERID_FACE_MATCHER_URL")
        faceMatchThreshold = try Self.fraction(text("cyberid.faceMatchThreshold"), "CYBERID_FACE_MATCH_THRESHOLD", 0.8)
        certificateDays = try Self.integer(text("cyberid.certificateDays"), "CYBERID_CERTIFICATE_DAYS", 365, 1...3650)
        enrollmentTTLSeconds = try Self.integer(
            text("cyberid.enrollmentTtlSeconds"), "CYBERID_ENROLLMENT_TTL_SECONDS", 600, 1...86_400)
        (loginTTLSeconds, qrStepSeconds, heldPollLimit, requireLoginView) = try Self.login(text)
        smsPerPhonePerHour = try Self.integer(
            text("cyberid.smsPerPhonePerHour"), "CYBERID_SMS_PER_PHONE_PER_HOUR", 10, 1...1_000_000)
        jwksRefetchSeconds = try Self.integer(text("cyberid.jwksRefetchSeconds"), "CYBERID_JWKS_REFETCH_SECONDS", 60, 1...3_600)
        statusListTTL = try Self.integer(text("cyberid.statusListTtl"), "CYBERID_STATUS_LIST_TTL", 60, 1...86_400)
        passwordScryptLogN = try Self.integer(
            text("cyberid.passwordScryptLogN"), "CYBERID_PASSWORD_SCRYPT_LOG_N", 14, 10...20)
        codeTTLSeconds = try Self.integer(text("cyberid.codeTtlSeconds"), "CYBERID_CODE_TTL_SECONDS", 60, 1...300)
        sealingForm = try Self.integer(text("cyberid.sealingForm"), "CYBERID_SEALING_FORM", 4, 2...4)
        portalIdleSeconds = try Self.integer(
            text("cyberid.portalIdleSeconds"), "CYBERID_PORTAL_IDLE_SECONDS", 900, 1...86_400)
        signingKeyActivationSeconds = try Self.integer(
            text("cyberid.signingKeyActivationSeconds"), "CYBERID_SIGNING_KEY_ACTIVATION_SECONDS", 60, 0...3_600)
        (verificationRetentionDays, securityEventRetentionDays) = try Self.retention(text)
        sqliteSynchronous = try Self.synchronous(text("cyberid.sqliteSynchronous"))
        (allowDevelopmentSMS, metricsPort, metricsHost, staleRevocationPolicy, trustedProxies) = try Self.deployment(
            text, issuer: issuer, smsWebhookURL: smsWebhookURL)
        limits = try RateLimitSettings(text)
        requestsOnConnectionLoop = try Self.connectionLoop(text("cyberid.requestsOnConnectionLoop"))
    }

    /// A login's lifetime and how long its page shows each QR code (seconds), the most page
    /// polls a node holds, and whether a same-device approval must sign the view it showed.
    static func login(_ text: (String) -> String?) throws(ConfigurationError) -> (Int, Int, Int, Bool) {
        (
            try Self.integer(text("cyberid.loginTtlSeconds"), "CYBERID_LOGIN_TTL_SECONDS", 120, 1...3_600),
            try Self.integer(text("cyberid.qrStepSeconds"), "CYBERID_QR_STEP_SECONDS", 5, 1...10),
            try Self.integer(text("cyberid.heldPollLimit"), "CYBERID_HELD_POLL_LIMIT", 100_000, 0...10_000_000),
            try Self.flag(text("cyberid.requireLoginView"), "CYBERID_REQUIRE_LOGIN_VIEW")
        )
    }

    /// `CYBERID_REQUESTS_ON_CONNECTION_LOOP`: a yes/no setting, default yes.
    static func connectionLoop(_ text: String?) throws(ConfigurationError) -> Bool {
        try Self.flag(text ?? "true", "CYBERID_REQUESTS_ON_CONNECTION_LOOP")
    }

    /// How long verification lines and Security Events are kept (days; 0 keeps them for ever).
    static func retention(_ text: (String) -> String?) throws(ConfigurationError) -> (Int, Int) {
        (
            try Self.integer(
                text("cyberid.verificationRetentionDays"), "CYBERID_VERIFICATION_RETENTION_DAYS", 730, 0...36_500),
            try Self.integer(
                text("cyberid.securityEventRetentionDays"), "CYBERID_SECURITY_EVENT_RETENTION_DAYS", 90, 0...36_500)
        )
    }

    static func logLevel(_ text: String) throws(ConfigurationError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                setting: "CYBERID_LOG_LEVEL",
                reason: "must be one of trace, debug, info, notice, warning, error, critical; got '\(text)'")
        }
        return level
    }

    /// The production guards and the deployment's shape: the development outbox, the metrics
    /// listener, the document CRL policy, the trusted proxies.
    static func deployment(_ text: (String) -> String?, issuer: String, smsWebhookURL: String?) throws(ConfigurationError)
        -> (Bool, Int?, String, String, Set<String>)
    {
        let allowDevelopmentSMS = try Self.flag(text("cyberid.allowDevSms"), "CYBERID_ALLOW_DEV_SMS")
        // Production mode (review finding 14): an https issuer sends real codes.
        if issuer.hasPrefix("https://") && smsWebhookURL == nil && !allowDevelopmentSMS {
            throw ConfigurationError(
                setting: "CYBERID_SMS_WEBHOOK_URL",
                reason: "an https issuer is a production deployment: set an SMS gateway, or CYBERID_ALLOW_DEV_SMS=true "
                    + "to write codes to the development outbox")
        }
        let metricsPort = try text("cyberid.metricsPort").map { text throws(ConfigurationError) in
            try Self.integer(text, "CYBERID_METRICS_PORT", 0, 0...65_535)
        }
        let policy = try Self.choice(
            text("cyberid.staleCrlPolicy"), "CYBERID_STALE_CRL_POLICY", ["refuse", "warn"], default: "refuse")
        let proxies = Set(
            (text("cyberid.trustedProxies") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
        return (allowDevelopmentSMS, metricsPort, text("cyberid.metricsHost") ?? "127.0.0.1", policy, proxies)
    }

    /// `CYBERID_SQLITE_SYNCHRONOUS`: FULL (the default) or NORMAL, in any case.
    static func synchronous(_ text: String?) throws(ConfigurationError) -> SQLiteStoreDatabase.Synchronous {
        let value = try Self.choice(text?.uppercased(), "CYBERID_SQLITE_SYNCHRONOUS", ["FULL", "NORMAL"], default: "FULL")
        return SQLiteStoreDatabase.Synchronous(rawValue: value) ?? .full
    }

    /// A yes/no setting (`true`/`false`, `1`/`0`, `yes`/`no`), default no.
    static func flag(_ text: String?, _ setting: String) throws(ConfigurationError) -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigurationError(setting: setting, reason: "must be true or false, got '\(text)'")
        }
    }

    /// One of `choices`, or the default.
    static func choice(_ text: String?, _ setting: String, _ choices: [String], default value: String)
        throws(ConfigurationError) -> String
    {
        guard let text else { return value }
        guard choices.contains(text) else {
            throw ConfigurationError(setting: setting, reason: "must be \(choices.joined(separator: " or ")), got '\(text)'")
        }
        return text
    }

    /// A number setting in 0…1, or its default.
    static func fraction(_ text: String?, _ setting: String, _ defaultValue: Double) throws(ConfigurationError) -> Double {
        guard let text else { return defaultValue }
        guard let value = Double(text), (0...1).contains(value) else {
            throw ConfigurationError(setting: setting, reason: "must be a number 0–1, got '\(text)'")
        }
        return value
    }

    /// A whole-number setting within `range`, or its default.
    static func integer(_ text: String?, _ setting: String, _ defaultValue: Int, _ range: ClosedRange<Int>)
        throws(ConfigurationError) -> Int
    {
        guard let text else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                setting: setting, reason: "must be a whole number \(range.lowerBound)–\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// An optional URL of a service this one calls: https, or http on a loopback host (review
    /// finding 7; its redirects are never followed).
    static func url(_ text: String?, setting: String) throws(ConfigurationError) -> String? {
        guard let text else { return nil }
        guard OutboundHTTP.isAllowed(text) else {
            throw ConfigurationError(setting: setting, reason: "must be an https URL (http only on a loopback host), got '\(text)'")
        }
        return text
    }

    /// The issuer must be an absolute URL with no query or fragment (OpenID Connect Discovery
    /// §3); plain `http` is accepted only on a loopback host, for development.
    static func validateIssuer(_ text: String) throws(ConfigurationError) -> String {
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URLComponents(string: trimmed), let scheme = url.scheme, let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil
        else {
            throw ConfigurationError(
                setting: "CYBERID_ISSUER", reason: "must be an absolute URL without query or fragment, got '\(text)'")
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw ConfigurationError(setting: "CYBERID_ISSUER", reason: "must use https (http only on a loopback host), got '\(text)'")
        }
        return trimmed
    }

    /// Builds the configuration reader: environment variables over an optional JSON file.
    /// - Parameter environment: the variables to read (the process environment by default).
    /// - Throws: ``ConfigurationError`` when `CYBERID_CONFIG_FILE` names a missing or malformed file.
    public static func reader(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ConfigurationError) -> ConfigReader {
        let env = EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(["CYBERID_MASTER_KEY", "CYBERID_PREVIOUS_MASTER_KEY", "CYBERID_SMS_WEBHOOK_TOKEN"]))
        var providers: [any ConfigProvider] = [env]
        if let path = environment["CYBERID_CONFIG_FILE"], !path.isEmpty {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
            } catch {
                throw ConfigurationError(setting: "CYBERID_CONFIG_FILE", reason: "cannot be read as JSON: \(path)")
            }
        }
        return ConfigReader(providers: providers)
    }

    /// Reads the settings from the environment (and config file).
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ConfigurationError) -> ServerSettings {
        try ServerSettings(config: try await reader(environment: environment))
    }
}
