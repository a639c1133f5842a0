public import Foundation

/// Compares a live face image with the document portrait. CyberID does not match faces
/// itself: a certified matcher is an external service (``HTTPFaceMatcher``).
public protocol FaceMatcher: Sendable {
    /// A similarity score in 0…1.
    func score(live: [UInt8], portrait: [UInt8]) async throws -> Double
    /// The score at or above which two faces match.
    var threshold: Double { get }
}
