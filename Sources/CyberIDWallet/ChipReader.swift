/// Access to an identity document's chip (ICAO Doc 9303).
///
/// In a phone app this is NFC (after BAC/PACE); the command line implements it over a
/// development document directory. The enrollment orchestrator only needs these two operations.
public protocol ChipReader: Sendable {
    /// Reads EF.DG1, EF.DG2, EF.DG15 (when present) and EF.SOD.
    func readFiles() async throws -> ChipFiles

    /// Runs INTERNAL AUTHENTICATE (active authentication) with the service's challenge.
    /// - Parameter challenge: the session's `aa_challenge` (8 bytes).
    /// - Returns: the chip's answer as is: `r ‖ s` for an EC key, the ISO/IEC 9796-2 signature
    ///   for an RSA key.
    func internalAuthenticate(challenge: [UInt8]) async throws -> [UInt8]
}
