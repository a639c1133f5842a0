/// What the service issues when enrollment completes (docs/enrollment.md §5).
public struct Issued: Sendable, Equatable {
    /// The network number, e.g. `ABCD-EFGH-JKMN-PQRS-T`.
    public let networkNumber: String
    /// `substantial` or `high`.
    public let assuranceLevel: String
    /// The network certificate, PEM.
    public let certificatePEM: String
    /// The issuing CA then the root, PEM.
    public let chainPEM: String

    /// Creates an issuance description.
    public init(networkNumber: String, assuranceLevel: String, certificatePEM: String, chainPEM: String) {
        self.networkNumber = networkNumber
        self.assuranceLevel = assuranceLevel
        self.certificatePEM = certificatePEM
        self.chainPEM = chainPEM
    }
}
