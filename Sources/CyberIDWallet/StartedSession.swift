public import Foundation

/// A new enrollment session (docs/enrollment.md §1).
public struct StartedSession: Sendable, Equatable {
    /// The session id: a bearer secret, so never log it.
    public let sessionID: String
    /// The bytes the chip must sign in active authentication.
    public let aaChallenge: [UInt8]
    /// When the session dies (ten minutes after start by default).
    public let expiresAt: Date
    /// The session state, `started`.
    public let state: String

    /// Creates a session description.
    public init(sessionID: String, aaChallenge: [UInt8], expiresAt: Date, state: String) {
        self.sessionID = sessionID
        self.aaChallenge = aaChallenge
        self.expiresAt = expiresAt
        self.state = state
    }
}
