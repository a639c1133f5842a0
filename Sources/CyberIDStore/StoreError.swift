/// An error raised by a store.
///
/// Callers match on the code (`error == .conflict`); the ``reason`` is safe to log — it never
/// carries bound values, which may be personal data.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case conflict
            case notFound = "not_found"
            case unavailable
            case invalidURL = "invalid_url"
            case corrupt
            case migration
        }

        fileprivate let base: Base

        /// The wire form of the code.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation without personal data.
    public let reason: String
    /// The driver error behind this one, if any; kept for diagnostics, not for logs.
    public let underlying: (any Error)?

    private init(_ base: Code.Base, _ reason: String, _ underlying: (any Error)? = nil) {
        self.code = Code(base: base)
        self.reason = reason
        self.underlying = underlying
    }

    /// A uniqueness or foreign-key rule refused the write (e.g. a second active network number).
    public static func conflict(_ reason: String, underlying: (any Error)? = nil) -> StoreError {
        StoreError(.conflict, reason, underlying)
    }
    /// The row asked for does not exist.
    public static func notFound(_ reason: String) -> StoreError { StoreError(.notFound, reason) }
    /// The database could not be reached or refused the operation.
    public static func unavailable(_ reason: String, underlying: (any Error)? = nil) -> StoreError {
        StoreError(.unavailable, reason, underlying)
    }
    /// A database URL could not be understood.
    public static func invalidURL(_ reason: String) -> StoreError { StoreError(.invalidURL, reason) }
    /// A stored row did not have the expected shape.
    public static func corrupt(_ reason: String) -> StoreError { StoreError(.corrupt, reason) }
    /// A schema migration failed or the schema is newer than this build.
    public static func migration(_ reason: String, underlying: (any Error)? = nil) -> StoreError {
        StoreError(.migration, reason, underlying)
    }

    /// Matches any ``Code-swift.struct`` `conflict` error.
    public static let conflict = StoreError(.conflict, "")
    /// Matches any `not_found` error.
    public static let notFound = StoreError(.notFound, "")
    /// Matches any `unavailable` error.
    public static let unavailable = StoreError(.unavailable, "")
    /// Matches any `invalid_url` error.
    public static let invalidURL = StoreError(.invalidURL, "")
    /// Matches any `corrupt` error.
    public static let corrupt = StoreError(.corrupt, "")
    /// Matches any `migration` error.
    public static let migration = StoreError(.migration, "")

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }
}
