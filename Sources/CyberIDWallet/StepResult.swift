public import Foundation

/// The service's answer to one enrollment step: where the session is now and what comes next.
public struct StepResult: Sendable, Equatable {
    /// Session states the orchestrator branches on.
    public enum State: Sendable {
        /// The 14–17-year-old holder's session waits for a guardian's approval (§7).
        public static let awaitingGuardian = "awaiting_guardian"
        /// The document passed passive and active authentication.
        public static let documentVerified = "document_verified"
    }

    /// Values of ``next``.
    public enum Next: Sendable {
        /// Bind a phone number.
        public static let phone = "phone"
        /// Take the face check.
        public static let face = "face"
        /// Send the certification request.
        public static let complete = "complete"
    }

    /// The session state after the step, e.g. `document_verified`, `phone_confirmed`.
    public let state: String
    /// The next step the service expects (`phone`, `face`, `complete`), when it says.
    public let next: String?
    /// The holder's age band after the document step (`18_plus`, …); never the birth date.
    public let ageBand: String?
    /// The document's expiry date (`YYYY-MM-DD`) after the document step.
    public let documentExpires: String?
    /// When the phone code stops working, after a code was sent.
    public let codeExpiresAt: Date?

    /// Creates a step result.
    public init(
        state: String, next: String? = nil, ageBand: String? = nil, documentExpires: String? = nil,
        codeExpiresAt: Date? = nil
    ) {
        (
            self.state, self.next, self.ageBand, self.documentExpires, self.codeExpiresAt
        ) = (
            state, next, ageBand, documentExpires, codeExpiresAt
        )
    }
}
