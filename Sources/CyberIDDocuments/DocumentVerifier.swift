public import CyberIDCore
import X509
public import Foundation

/// What a verified document tells the service. Personal fields stay inside the service (they
/// go into the encrypted identity record); only the summary flags leave it.
public struct VerifiedDocument: Sendable, Equatable {
    /// The parsed, check-digit-verified MRZ.
    public let mrz: MRZ
    /// The holder's age band on the verification date.
    public let ageBand: AgeBand
    /// Passive authentication succeeded (always true for a returned value).
    public let passiveAuthentication: Bool
    /// Active authentication was performed and succeeded.
    public let activeAuthentication: Bool
    /// The data groups that were present and hash-checked.
    public let dataGroups: [Int]
    /// The face image (DG2) for a face matcher, when present.
    public let faceImage: [UInt8]?
    /// What was accepted despite a doubt, by policy (`revocation-list-stale`).
    public var warnings: [String] = []
}

/// Passive and active authentication of an eMRTD (ICAO Doc 9303 parts 10–11).
///
/// Order of checks, each failing with its own ``DocumentError`` code:
/// 1. parse DG1 (MRZ and its check digits) and the SOD;
/// 2. the SOD's `messageDigest` equals the hash of the LDS Security Object, and the DSC's
///    signature over the signed attributes verifies (`bad-dsc-signature`);
/// 3. the DSC was signed by a trusted CSCA (`untrusted-csca`), both are valid on the date
///    (`dsc-expired`), and no CRL of that CSCA lists the DSC (`dsc-revoked`); a CSCA whose
///    lists are all past their `nextUpdate` leaves the DSC's status unknown
///    (`revocation-status-unavailable`, or a warning by policy); the MRZ's issuing state is
///    the CSCA's country (`issuing-state-mismatch`);
/// 4. every present data group hashes to the signed value (`dg-hash-mismatch`);
/// 5. the document has not expired (`document-expired`);
/// 6. with a challenge, the chip's signature verifies with the DG15 key
///    (`active-authentication-failed`).
public struct DocumentVerifier: Sendable {
    /// The trust anchors and CRLs.
    public var trustStore: TrustStore
    /// What a revocation list past its `nextUpdate` means.
    public var staleRevocation: StaleRevocationPolicy

    /// Creates a verifier over a trust store.
    public init(trustStore: TrustStore, staleRevocation: StaleRevocationPolicy = .refuse) {
        self.trustStore = trustStore
        self.staleRevocation = staleRevocation
    }

    /// Verifies a document.
    /// - Parameters:
    ///   - chip: the files read from the chip.
    ///   - challenge: the active-authentication challenge the service issued, if any.
    ///   - activeAuthenticationSignature: the chip's answer to `challenge`.
    ///   - date: the verification instant (certificate validity).
    ///   - today: the verification day in the service's legal time zone (expiry, age).
    /// - Returns: the verified document.
    /// - Throws: ``DocumentError`` naming the first check that failed.
    public func verify(
        _ chip: ChipData, challenge: [UInt8]? = nil, activeAuthenticationSignature: [UInt8]? = nil, at date: Date,
        today: CalendarDate
    ) throws(DocumentError) -> VerifiedDocument {
        let mrz = try MRZ(parsing: try DataGroupReader.mrz(chip.dg1), today: today)
        if let dg2 = chip.dg2 { try DataGroupReader.checkFaceImage(dg2) }
        let aaKey = try chip.dg15.map { dg15 throws(DocumentError) in try DataGroupReader.activeAuthenticationKey(dg15) }
        let sod = try SecurityObject(bytes: chip.sod)

        // 2. The SOD signature.
        try Self.checkSignature(of: sod)

        // 3. The DSC chain and status.
        let csca = try trustStore.issuer(of: sod.documentSigner, der: sod.documentSignerDER, on: date)
        try Self.checkIssuingState(mrz.issuingState, csca: csca)
        var warnings = [String]()
        switch trustStore.revocationStatus(of: sod.documentSigner, issuedBy: csca, on: date) {
        case .revoked:
            throw .dscRevoked("the Document Signer certificate is revoked by its CSCA")
        case .stale where staleRevocation == .refuse:
            throw .revocationStatusUnavailable(
                "the CSCA's revocation list is past its next update, so the Document Signer's status is unknown")
        case .stale:
            warnings.append("revocation-list-stale")
        case .good, .noList:
            break
        }

        // 4. Every present data group is signed and matches.
        let present = chip.dataGroups
        try Self.checkHashes(present, against: sod)

        // 5. Expiry: valid through the expiry date itself.
        guard today <= mrz.expiryDate else {
            throw .documentExpired("the document expired")
        }

        // 6. Active authentication.
        let activelyAuthenticated = try Self.checkActiveAuthentication(
            key: aaKey, challenge: challenge, signature: activeAuthenticationSignature)

        return VerifiedDocument(
            mrz: mrz, ageBand: AgeBand(birthDate: mrz.birthDate, on: today), passiveAuthentication: true,
            activeAuthentication: activelyAuthenticated, dataGroups: present.keys.sorted(),
            faceImage: chip.dg2, warnings: warnings)
    }

    /// The Document Signer's signature over the SOD (through the signed attributes when present).
    /// A state signs its own documents: the MRZ's issuing state must be the country of the CSCA
    /// that issued the Document Signer (review finding 5).
    static func checkIssuingState(_ state: String, csca: Certificate) throws(DocumentError) {
        guard let expected = IssuingState.country(ofIssuingState: state) else {
            throw .issuingStateMismatch("the issuing state \(state) has no country whose CSCA could sign it")
        }
        let country = IssuingState.country(of: csca)
        guard country == expected else {
            throw .issuingStateMismatch(
                "the document's issuing state \(state) is not the country of the CSCA that signed it"
                    + (country.map { " (\($0))" } ?? ""))
        }
    }

    static func checkSignature(of sod: SecurityObject) throws(DocumentError) {
        let dscKey = try PublicKey(spki: ArraySlice(sod.documentSigner.publicKeySPKIBytes))
        let signedBytes: [UInt8]
        if let attributes = sod.signedAttributes {
            guard let messageDigest = sod.messageDigest, messageDigest == sod.digestAlgorithm.hash(sod.content) else {
                throw .badDSCSignature("the signed message digest does not match the LDS Security Object")
            }
            if let contentType = sod.signedContentType, contentType != OID.ldsSecurityObject {
                throw .badDSCSignature("the signed content type is not the LDS Security Object")
            }
            signedBytes = attributes
        } else {
            signedBytes = sod.content
        }
        guard
            try SignatureVerifier.isValid(
                signature: sod.signature, over: signedBytes, algorithm: sod.signatureAlgorithm,
                digest: sod.digestAlgorithm, key: dscKey)
        else {
            throw .badDSCSignature("the Document Signer's signature over the SOD does not verify")
        }
    }

    /// Every present data group is covered by the SOD and matches its signed hash.
    static func checkHashes(_ present: [Int: [UInt8]], against sod: SecurityObject) throws(DocumentError) {
        for (number, bytes) in present.sorted(by: { $0.key < $1.key }) {
            guard let expected = sod.dataGroupHashes[number] else {
                throw .dataGroupHashMismatch("DG\(number) is not covered by the SOD")
            }
            guard sod.dataGroupHashAlgorithm.hash(bytes) == expected else {
                throw .dataGroupHashMismatch("DG\(number) does not match its signed hash")
            }
        }
    }

    /// Active authentication, when the service issued a challenge.
    /// - Returns: whether the chip proved its key.
    static func checkActiveAuthentication(key: PublicKey?, challenge: [UInt8]?, signature: [UInt8]?)
        throws(DocumentError) -> Bool
    {
        guard let challenge else { return false }
        guard let key else { throw .activeAuthenticationFailed("the chip has no active-authentication key (DG15)") }
        guard let signature, ActiveAuthentication.isValid(signature: signature, challenge: challenge, key: key) else {
            throw .activeAuthenticationFailed("the chip's signature over the challenge does not verify")
        }
        return true
    }
}
