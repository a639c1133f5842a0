/// An error raised by the wallet library.
///
/// Callers branch on ``code`` (stable, machine-readable) and, for answers of the CyberID
/// service, on ``serverProblem`` — never on the English ``reason``.
public struct WalletError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidKey = "invalid_key"
            case invalidCertificate = "invalid_certificate"
            case walletFile = "wallet_file"
            case transport = "transport"
            case invalidResponse = "invalid_response"
            case unexpectedStatus = "unexpected_status"
            case problem = "problem"
            case faceImageRequired = "face_image_required"
            case guardianApprovalRequired = "guardian_approval_required"
        }

        fileprivate let base: Base

        /// The wire form of the code.
        public var description: String { base.rawValue }
    }

    /// An RFC 9457 problem the CyberID service answered with, so that an app can react to
    /// `wrong-code`, `already-enrolled`, … without parsing text.
    public struct ServerProblem: Sendable, Equatable {
        /// The part of the problem `type` after `urn:cyberid:problem:`, e.g. `wrong-step`.
        public let code: String
        /// The HTTP status of the answer.
        public let status: Int
        /// The service's explanation of this occurrence (for `wrong-step` the current state,
        /// for `wrong-code` the attempts left).
        public let detail: String?

        /// Creates a problem description.
        public init(code: String, status: Int, detail: String?) {
            self.code = code
            self.status = status
            self.detail = detail
        }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation; never contains key material.
    public let reason: String
    /// The service's problem, for ``problem(code:status:detail:)`` errors; `nil` otherwise.
    public let serverProblem: ServerProblem?

    private init(_ base: Code.Base, _ reason: String, serverProblem: ServerProblem? = nil) {
        self.code = Code(base: base)
        self.reason = reason
        self.serverProblem = serverProblem
    }

    /// A private key could not be read (not a P-256 key in PEM form).
    public static func invalidKey(_ reason: String) -> WalletError { WalletError(.invalidKey, reason) }
    /// A certificate could not be parsed, or does not belong to the wallet's key.
    public static func invalidCertificate(_ reason: String) -> WalletError { WalletError(.invalidCertificate, reason) }
    /// The wallet file could not be written, read or decoded.
    public static func walletFile(_ reason: String) -> WalletError { WalletError(.walletFile, reason) }
    /// The service could not be reached (DNS, TLS, connection, timeout).
    public static func transport(_ reason: String) -> WalletError { WalletError(.transport, reason) }
    /// The service answered 2xx with a body that is not what the protocol promises.
    public static func invalidResponse(_ reason: String) -> WalletError { WalletError(.invalidResponse, reason) }
    /// The service (or a proxy in front of it) answered non-2xx without a CyberID problem.
    public static func unexpectedStatus(_ status: Int, _ reason: String) -> WalletError {
        WalletError(.unexpectedStatus, "HTTP \(status): \(reason)")
    }
    /// The service answered with an `application/problem+json` document.
    /// - Parameters:
    ///   - code: the part of `type` after `urn:cyberid:problem:`.
    ///   - status: the HTTP status.
    ///   - detail: the problem's `detail`.
    public static func problem(code: String, status: Int, detail: String?) -> WalletError {
        let text = detail.map { ": \($0)" } ?? ""
        return WalletError(
            .problem, "the service answered \(status) \(code)\(text)",
            serverProblem: ServerProblem(code: code, status: status, detail: detail))
    }
    /// The service asked for a face check but the caller gave no image.
    public static func faceImageRequired(_ reason: String) -> WalletError { WalletError(.faceImageRequired, reason) }
    /// The holder is 14–17 and a guardian must approve the session (docs §7) before it can go on.
    public static func guardianApprovalRequired(sessionID: String) -> WalletError {
        WalletError(
            .guardianApprovalRequired,
            "a guardian must approve session \(sessionID) with their wallet before enrollment can continue")
    }

    /// Matches any `invalid_key` error.
    public static let invalidKey = WalletError(.invalidKey, "")
    /// Matches any `invalid_certificate` error.
    public static let invalidCertificate = WalletError(.invalidCertificate, "")
    /// Matches any `wallet_file` error.
    public static let walletFile = WalletError(.walletFile, "")
    /// Matches any `transport` error.
    public static let transport = WalletError(.transport, "")
    /// Matches any `invalid_response` error.
    public static let invalidResponse = WalletError(.invalidResponse, "")
    /// Matches any `unexpected_status` error.
    public static let unexpectedStatus = WalletError(.unexpectedStatus, "")
    /// Matches any `face_image_required` error.
    public static let faceImageRequired = WalletError(.faceImageRequired, "")
    /// Matches any `guardian_approval_required` error.
    public static let guardianApprovalRequired = WalletError(.guardianApprovalRequired, "")

    /// Two errors are equal when their ``code`` and, for server problems, the problem's code
    /// agree; `reason`, `status` and `detail` are not compared, so
    /// `WalletError.problem(code: "wrong-step", status: 409, detail: nil)` matches every
    /// `wrong-step` answer.
    public static func == (lhs: WalletError, rhs: WalletError) -> Bool {
        lhs.code == rhs.code && lhs.serverProblem?.code == rhs.serverProblem?.code
    }

    /// `code: reason`, for logs and command-line messages.
    public var description: String { "\(code): \(reason)" }
}
