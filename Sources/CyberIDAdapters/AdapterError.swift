/// An outbound service (SMS gateway, face matcher) did not do what was asked. Callers turn it
/// into their own "unavailable" refusal; the reason is for logs only.
public struct AdapterError: Error, Sendable, CustomStringConvertible {
    /// What failed, without personal data.
    public let description: String

    init(_ description: String) { self.description = description }
}
