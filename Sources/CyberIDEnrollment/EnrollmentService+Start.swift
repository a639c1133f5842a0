import CyberIDBase64URL
import CyberIDCore
public import CyberIDDocuments
import CyberIDIssuance
import CyberIDKeys
public import CyberIDStore
import CyberIDVault
import Foundation

extension EnrollmentService {
    /// Starts a session, optionally on behalf of a child (guardian JWS, purpose `guardian-start`).
    /// - Parameters:
    ///   - purpose: `.enroll` for a new person; `.replace` for a lost device (the same steps:
    ///     the chip proves the holder, the code proves the bound phone, then a new certificate for
    ///     the existing number replaces all the old ones); `.phoneChange` for a new phone number
    ///     (the holder's current wallet signs the start, the chip proves the holder, the code
    ///     proves the *new* phone; completion is a replacement that also rebinds the phone).
    ///   - walletJWS: for `.phoneChange`, the holder's wallet JWS with purpose `phone-change`.
    public func start(
        guardianJWS: String?, purpose: EnrollmentSessionRecord.Purpose = .enroll, walletJWS: String? = nil
    ) async throws -> EnrollmentResponse.Started {
        let time = now()
        var guardianID: String? = nil
        if let guardianJWS {
            let signer = try await walletTokens.verify(
                guardianJWS, audience: enrollmentAudience, purpose: "guardian-start", at: time)
            try await requireAdult(personID: signer.personID)
            guardianID = signer.personID
        }
        var session = EnrollmentSessionRecord(
            id: SecureRandom.token(), aaChallenge: SecureRandom.bytes(8), guardianID: guardianID, createdAt: time,
            expiresAt: time.addingTimeInterval(configuration.sessionLifetime), purpose: purpose)
        session.personID = try await walletHolder(purpose: purpose, walletJWS: walletJWS, at: time)
        try await store.create(session)
        return .init(
            sessionID: session.id, aaChallenge: Base64URL.encode(session.aaChallenge), expiresAt: session.expiresAt,
            state: session.state.rawValue, purpose: purpose.rawValue)
    }

    /// The holder who starts a phone or document change with their wallet; `nil` for the other
    /// purposes.
    private func walletHolder(
        purpose: EnrollmentSessionRecord.Purpose, walletJWS: String?, at time: Date
    ) async throws -> String? {
        switch (purpose, walletJWS) {
        case (.phoneChange, let walletJWS?), (.documentChange, let walletJWS?), (.passwordReset, let walletJWS?):
            let signer = try await walletTokens.verify(
                walletJWS, audience: enrollmentAudience, purpose: purpose.rawValue, at: time)
            guard try await store.person(id: signer.personID)?.state == .active else {
                throw EnrollmentError.personNotActive("only an active network number changes its phone or document")
            }
            return signer.personID
        case (.phoneChange, nil), (.documentChange, nil), (.passwordReset, nil):
            throw EnrollmentError.invalidRequest(
                "a \(purpose.rawValue) is started with the holder's wallet signature (wallet)")
        case (_, nil):
            return nil
        case (_, .some):
            throw EnrollmentError.invalidRequest("wallet is only for purpose phone-change, document-change or password-reset")
        }
    }

    /// Verifies the chip (passive + active authentication) and applies the age and
    /// one-person-one-number rules.
    public func presentDocument(sessionID: String, chip: ChipData, aaSignature: [UInt8]) async throws
        -> EnrollmentResponse.Step
    {
        var session = try await openSession(sessionID, expecting: [.started])
        let verifier = DocumentVerifier(
            trustStore: try await trust.trustStore(), staleRevocation: configuration.staleRevocation)
        let document = try verifier.verify(
            chip, challenge: session.aaChallenge, activeAuthenticationSignature: aaSignature, at: now(), today: today())
        let identity = IdentityRecord(mrz: document.mrz, portrait: document.faceImage)
        let index = blindIndex.index(identity.identityParts)
        switch session.purpose {
        case .enroll:
            try await admitNewPerson(&session, blindIndex: index, identity: identity, ageBand: document.ageBand)
        case .documentChange:
            try await admitNewDocument(&session, blindIndex: index, identity: identity)
        case .replace, .phoneChange, .passwordReset:
            try await admitHolder(&session, blindIndex: index, ageBand: document.ageBand)
        }
        session.blindIndex = index
        session.ageBand = document.ageBand.rawValue
        session.documentExpiry = document.mrz.expiryDate.description
        try vault.seal(identity, into: &session)
        try await save(session)
        return .init(
            state: session.state.rawValue, next: session.state == .awaitingGuardian ? "guardian" : "phone",
            ageBand: document.ageBand.rawValue, documentExpires: document.mrz.expiryDate.description)
    }

    /// A new person: no live number for this identity, and the guardian rules of their age.
    /// Another document of an enrolled person is `possible-duplicate`: the same nationality and
    /// personal number (a passport and an ID card), or the same nationality, names (as a card's
    /// MRZ holds them), birth date and sex, e.g. a renewed passport without a personal number
    /// (review finding 5; the second review's).
    private func admitNewPerson(
        _ session: inout EnrollmentSessionRecord, blindIndex: [UInt8], identity: IdentityRecord, ageBand: AgeBand
    ) async throws {
        if try await store.livePerson(blindIndex: blindIndex) != nil { throw EnrollmentError.alreadyEnrolled() }
        if try await nationalOwner(identity) != nil { throw EnrollmentError.possibleDuplicate() }
        // Version 1 of the person index too, for persons the backfill has not reached yet.
        for parts in [identity.personParts, identity.legacyPersonParts]
        where try await store.livePerson(personIndex: self.blindIndex.index(parts)) != nil {
            throw EnrollmentError.possibleDuplicate()
        }
        switch ageBand {
        case .under14:
            guard session.guardianID != nil else { throw EnrollmentError.guardianRequired() }
            session.state = .documentVerified
        case .from14To17:
            session.state = session.guardianID == nil ? .awaitingGuardian : .documentVerified
        case .adult:
            session.guardianID = nil
            session.state = .documentVerified
        }
    }

    /// A new document for the wallet's holder (review finding 5): it is not any live person's
    /// document yet, and it is the holder's — the same nationality, personal number, birth date
    /// and sex as their record, or the same nationality, names (as a card's MRZ holds them),
    /// birth date and sex —
    /// and its personal number, if any, is no other live person's.
    private func admitNewDocument(_ session: inout EnrollmentSessionRecord, blindIndex: [UInt8], identity: IdentityRecord)
        async throws
    {
        guard let holderID = session.personID, let holder = try await store.person(id: holderID),
            let record = try vault.open(holder)
        else { throw EnrollmentError.notEnrolled() }
        if let owner = try await store.livePerson(blindIndex: blindIndex) {
            throw owner.id == holderID ? EnrollmentError.documentUnchanged() : EnrollmentError.documentMismatch()
        }
        let holderOfNumber = try await nationalOwner(identity)?.id
        if let holderOfNumber, holderOfNumber != holderID { throw EnrollmentError.documentMismatch() }
        // A card that spells the names otherwise than the passport: its personal number says
        // whose it is (the enrollment that found it so is possible-duplicate, pointing here) —
        // the names alone are relaxed, the birth date and sex must still be the record's.
        let samePersonalNumber =
            holderOfNumber == holderID || (identity.nationalParts != nil && identity.nationalParts == record.nationalParts)
        let sameBirth = record.birthDate == identity.birthDate && record.sex == identity.sex
        guard (samePersonalNumber && sameBirth) || record.personParts == identity.personParts else {
            throw EnrollmentError.documentMismatch()
        }
        session.guardianID = nil
        session.state = .documentVerified
    }

    /// The live person whose national index is this document's, if it has one.
    private func nationalOwner(_ identity: IdentityRecord) async throws -> PersonRecord? {
        guard let national = identity.nationalParts.map(blindIndex.index) else { return nil }
        return try await store.livePerson(nationalIndex: national)
    }

    /// A lost device or a new phone: the document's holder must hold a live number (for a phone
    /// change, the number of the wallet that started it); a child's is replaced by their own
    /// guardian, as they were enrolled. The age rules of enrollment were met then.
    private func admitHolder(_ session: inout EnrollmentSessionRecord, blindIndex: [UInt8], ageBand: AgeBand)
        async throws
    {
        guard let person = try await store.livePerson(blindIndex: blindIndex) else { throw EnrollmentError.notEnrolled() }
        if let holder = session.personID, holder != person.id { throw EnrollmentError.documentMismatch() }
        if ageBand == .under14 {
            guard let guardian = session.guardianID else { throw EnrollmentError.guardianRequired() }
            guard guardian == person.guardianID else { throw EnrollmentError.guardianMismatch() }
        } else {
            session.guardianID = nil
        }
        session.personID = person.id
        session.state = .documentVerified
    }

    /// A guardian approves a 14–17-year-old's session (JWS purpose `guardian-approval`).
    public func approveAsGuardian(sessionID: String, approvalJWS: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: [.awaitingGuardian])
        let signer = try await walletTokens.verify(
            approvalJWS, audience: enrollmentAudience, purpose: "guardian-approval", at: now())
        guard signer.payload.sessionID == sessionID else {
            throw IssuanceError.invalidWalletSignature("the approval is for another session")
        }
        try await requireAdult(personID: signer.personID)
        session.guardianID = signer.personID
        session.state = .documentVerified
        try await save(session)
        return .init(state: session.state.rawValue, next: "phone")
    }
}

extension IdentityRecord {
    /// The record of a verified chip's MRZ (and portrait, DG2).
    init(mrz: MRZ, portrait: [UInt8]?) {
        self.init(
            documentCode: mrz.documentCode, issuingState: mrz.issuingState, surname: mrz.surname,
            givenNames: mrz.givenNames, documentNumber: mrz.documentNumber, nationality: mrz.nationality,
            birthDate: mrz.birthDate, sex: mrz.sex, documentExpiry: mrz.expiryDate, personalNumber: mrz.personalNumber,
            portrait: portrait)
    }
}
