public import CyberIDIssuance
public import Foundation

/// The answers of the enrollment API (docs/enrollment.md), encoded with snake_case keys.
public enum EnrollmentResponse {
    /// `POST /enrollment/v1/sessions`.
    public struct Started: Codable, Sendable, Equatable {
        public let sessionID: String
        public let aaChallenge: String
        public let expiresAt: Date
        public let state: String
        /// `enroll`, `replace` or `phone-change`.
        public var purpose: String?
    }

    /// Any step that moves the session on.
    public struct Step: Codable, Sendable, Equatable {
        public let state: String
        public var next: String?
        public var ageBand: String?
        public var documentExpires: String?
        public var codeExpiresAt: Date?
    }

    /// `POST …/complete`: the network number and certificate.
    public typealias Completed = CertificateIssued
}
