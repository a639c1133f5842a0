public import CyberIDCore

/// The domain of ``StoreError``.
public enum StoreDomain: ErrorDomain {}

/// An error raised by a store.
///
/// Callers match on the code (`error == .conflict`); the reason is safe to log — it never
/// carries bound values, which may be personal data.
public typealias StoreError = DomainError<StoreDomain>

extension DomainError where Domain == StoreDomain {
    /// A uniqueness or foreign-key rule refused the write (e.g. a second active network number).
    public static func conflict(_ reason: String, underlying: (any Error)? = nil) -> Self {
        Self(code: "conflict", kind: .conflict, reason: reason, underlying: underlying)
    }
    /// The row asked for does not exist.
    public static func notFound(_ reason: String) -> Self { Self(code: "not-found", kind: .notFound, reason: reason) }
    /// The database could not be reached or refused the operation.
    public static func unavailable(_ reason: String, underlying: (any Error)? = nil) -> Self {
        Self(code: "store-unavailable", kind: .unavailable, reason: reason, underlying: underlying)
    }
    /// A bound text holds a NUL character: neither database stores one (SQLite would cut the
    /// text short, PostgreSQL refuses it). Such text comes only from a request that no check
    /// before the store refused, so it is the request's fault (400), not the store's (503).
    public static func invalidText(_ reason: String) -> Self { Self(code: "invalid-text", kind: .invalid, reason: reason) }
    /// A database URL could not be understood.
    public static func invalidURL(_ reason: String) -> Self { Self(code: "invalid-url", kind: .failure, reason: reason) }
    /// A stored row did not have the expected shape.
    public static func corrupt(_ reason: String) -> Self { Self(code: "corrupt", kind: .failure, reason: reason) }
    /// A schema migration failed or the schema is newer than this build.
    public static func migration(_ reason: String, underlying: (any Error)? = nil) -> Self {
        Self(code: "migration", kind: .failure, reason: reason, underlying: underlying)
    }

    /// Matches any `conflict` error.
    public static var conflict: Self { conflict("") }
    /// Matches any `not-found` error.
    public static var notFound: Self { notFound("") }
    /// Matches any `store-unavailable` error.
    public static var unavailable: Self { unavailable("") }
    /// Matches any `invalid-text` error.
    public static var invalidText: Self { invalidText("") }
    /// Matches any `invalid-url` error.
    public static var invalidURL: Self { invalidURL("") }
    /// Matches any `corrupt` error.
    public static var corrupt: Self { corrupt("") }
    /// Matches any `migration` error.
    public static var migration: Self { migration("") }
}
