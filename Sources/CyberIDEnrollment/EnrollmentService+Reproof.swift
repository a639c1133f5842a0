public import CyberIDDocuments
import CyberIDKeys
import CyberIDStore
import CyberIDVault
public import Foundation

extension EnrollmentService {
    /// Re-proves an enrolled person with their document's chip, outside an enrollment session
    /// (a login's re-verification, issue 12 finding 3): passive authentication against the trust
    /// store, active authentication over `challenge`, and the same document as on record for
    /// `personID` — the checks of a device replacement.
    /// - Throws: the document's error (`invalid-document`, `active-authentication-failed`,
    ///   `document-expired`, …), ``EnrollmentError`` `document-mismatch` (not this person's
    ///   document on record).
    public func reprove(chip: ChipData, aaSignature: [UInt8], challenge: [UInt8], personID: String) async throws {
        let verifier = DocumentVerifier(
            trustStore: try await trust.trustStore(), staleRevocation: configuration.staleRevocation)
        let document = try verifier.verify(
            chip, challenge: challenge, activeAuthenticationSignature: aaSignature, at: now(), today: today())
        let index = blindIndex.index(IdentityRecord(mrz: document.mrz, portrait: document.faceImage).identityParts)
        guard let person = try await store.livePerson(blindIndex: index), person.id == personID else {
            throw EnrollmentError.documentMismatch()
        }
    }
}
