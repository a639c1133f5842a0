/// What kind of refusal an error is. Modules say *what* went wrong; the HTTP layer alone turns
/// a kind into a status (CyberIDServer's problem mapping), and the CLI into an exit code.
public enum ErrorKind: String, Sendable, Hashable {
    /// The input is malformed or breaks a rule (HTTP 400).
    case invalid
    /// The caller did not prove who they are (401).
    case unauthenticated
    /// The caller is known but may not do this (403).
    case forbidden
    /// The thing does not exist (404).
    case notFound
    /// The state does not allow it now (409).
    case conflict
    /// It existed but is over (410).
    case gone
    /// Well-formed but not acceptable (422).
    case unprocessable
    /// Locked after too many attempts (423).
    case locked
    /// Too many requests (429).
    case rateLimited
    /// A dependency did not answer; try again (503).
    case unavailable
    /// A fault of the service itself (500): the interfaces say nothing about it beyond that.
    case failure
}

/// The one error shape of every CyberID service module: a stable kebab-case ``code`` (the
/// problem type suffix `urn:cyberid:problem:<code>`, or an OAuth `error`), a ``kind`` for the
/// interfaces to map, and a ``reason`` without personal data.
public protocol ServiceError: Error, Sendable, CustomStringConvertible {
    /// The stable code, e.g. `wrong-code` (OAuth errors keep their RFC 6749 snake_case names).
    var code: String { get }
    /// What kind of refusal this is.
    var kind: ErrorKind { get }
    /// A human-readable explanation without personal data.
    var reason: String { get }
}

extension ServiceError {
    /// `code: reason`.
    public var description: String { "\(code): \(reason)" }
}

/// A refusal because a rate limit is reached: the caller may retry after ``retryAfter`` seconds
/// (HTTP 429 with `Retry-After`).
public struct RateLimitExceeded: ServiceError, Equatable {
    public let code: String
    public var kind: ErrorKind { .rateLimited }
    public let reason: String
    /// Whole seconds until the limit's sliding estimate lets the next attempt through, if nothing
    /// else is counted meanwhile.
    public let retryAfter: Int

    public init(code: String, reason: String, retryAfter: Int) {
        self.code = code
        self.reason = reason
        self.retryAfter = max(1, retryAfter)
    }
}

/// Names the module an error comes from, so each module's errors are their own type.
public protocol ErrorDomain: Sendable {}

/// The one error struct of the service modules (swift-certificates / jwt-kit style): a stable
/// code, a kind and a reason; equality compares the code only, so callers match on a code
/// (`error == .conflict`) while the reason keeps the human-readable detail. Each module names
/// its own: `typealias StoreError = DomainError<StoreDomain>`, with its codes as static members.
public struct DomainError<Domain: ErrorDomain>: ServiceError, Equatable {
    public let code: String
    public let kind: ErrorKind
    public let reason: String
    /// The error behind this one, if any; kept for diagnostics, not for logs or answers.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(code: String, kind: ErrorKind, reason: String, underlying: (any Error)? = nil) {
        self.code = code
        self.kind = kind
        self.reason = reason
        self.underlying = underlying
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
