/// The rate limits' settings (review finding 8), each a whole number of requests per window;
/// docs/configuration.md lists them with their defaults.
public struct RateLimitSettings: Sendable, Equatable {
    /// Enrollment sessions one client IP may start per minute.
    public var sessionStartsPerIPPerMinute: Int
    /// One-time codes one client IP may ask for per hour.
    public var codeSendsPerIPPerHour: Int
    /// One-time codes one document may have sent per hour, across sessions.
    public var codeSendsPerDocumentPerHour: Int
    /// One-time codes the whole service may send per minute.
    public var codeSendsPerMinute: Int
    /// Authorization requests (`/authorize`) per client IP per minute.
    public var authorizePerIPPerMinute: Int
    /// Pushed authorization requests (`/par`) per client IP per minute.
    public var parPerIPPerMinute: Int
    /// Failed token requests per client IP per minute.
    public var tokenFailuresPerIPPerMinute: Int
    /// Failed wallet API requests per client IP per minute.
    public var walletFailuresPerIPPerMinute: Int
    /// Face checks one identity may attempt per day.
    public var faceAttemptsPerDay: Int
    /// Credential offers (batches of up to 10 offline credentials) one person may get per hour.
    public var credentialOffersPerPersonPerHour: Int
    /// Refused in-person code verifications per client IP per minute (guessing codes).
    public var codeFailuresPerIPPerMinute: Int
    /// Wrong numbers one person may pick in cross-device logins per hour.
    public var wrongMatchNumbersPerHour: Int

    init(_ text: (String) -> String?) throws(ConfigurationError) {
        func limit(_ key: String, _ variable: String, _ value: Int) throws(ConfigurationError) -> Int {
            try ServerSettings.integer(text("cyberid.\(key)"), variable, value, 1...10_000_000)
        }
        sessionStartsPerIPPerMinute = try limit("sessionStartsPerIpPerMinute", "CYBERID_SESSION_STARTS_PER_IP_PER_MINUTE", 20)
        codeSendsPerIPPerHour = try limit("smsPerIpPerHour", "CYBERID_SMS_PER_IP_PER_HOUR", 20)
        codeSendsPerDocumentPerHour = try limit("smsPerDocumentPerHour", "CYBERID_SMS_PER_DOCUMENT_PER_HOUR", 5)
        codeSendsPerMinute = try limit("smsPerMinute", "CYBERID_SMS_PER_MINUTE", 600)
        authorizePerIPPerMinute = try limit("authorizePerIpPerMinute", "CYBERID_AUTHORIZE_PER_IP_PER_MINUTE", 60)
        parPerIPPerMinute = try limit("parPerIpPerMinute", "CYBERID_PAR_PER_IP_PER_MINUTE", 60)
        tokenFailuresPerIPPerMinute = try limit("tokenFailuresPerIpPerMinute", "CYBERID_TOKEN_FAILURES_PER_IP_PER_MINUTE", 20)
        walletFailuresPerIPPerMinute = try limit(
            "walletFailuresPerIpPerMinute", "CYBERID_WALLET_FAILURES_PER_IP_PER_MINUTE", 30)
        faceAttemptsPerDay = try limit("faceAttemptsPerDay", "CYBERID_FACE_ATTEMPTS_PER_DAY", 5)
        credentialOffersPerPersonPerHour = try limit(
            "credentialOffersPerPersonPerHour", "CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR", 20)
        codeFailuresPerIPPerMinute = try limit(
            "codeFailuresPerIpPerMinute", "CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE", 30)
        wrongMatchNumbersPerHour = try limit(
            "wrongMatchNumbersPerHour", "CYBERID_WRONG_MATCH_NUMBERS_PER_HOUR", 3)
    }
}
