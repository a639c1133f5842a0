import Crypto
import Foundation

/// Runs a whole enrollment (docs/enrollment.md §1–§5) from a wallet: generates the key, proves
/// the document with the chip, binds the phone, takes the face check when the service asks for
/// it, and returns the wallet file with the issued network certificate.
///
/// Apps that show a screen per step can call ``EnrollmentClient`` themselves; this is the
/// straight path the command line and simple apps take.
public struct Enrollment: Sendable {
    /// How many one-time codes ``enroll(chip:phone:code:faceImage:guardianJWS:awaitGuardian:)``
    /// asks for before it gives up (the service locks the session after five wrong ones).
    public static let codeAttempts = 3

    /// The client the steps go through.
    public let client: EnrollmentClient

    /// Creates an orchestrator.
    public init(client: EnrollmentClient) {
        self.client = client
    }

    /// Enrolls the holder of the document in `chip`.
    /// - Parameters:
    ///   - chip: the document's chip.
    ///   - phone: the phone number to bind, E.164.
    ///   - code: asked for the SMS code once it has been sent; asked again (up to
    ///     ``codeAttempts`` times in all) after a `wrong-code` or `code-expired` answer, a new
    ///     code being sent in the latter case.
    ///   - faceImage: a live JPEG for the face check; required only when the service runs one.
    ///   - guardianJWS: a guardian's `guardian-start` wallet JWS when enrolling a child under 14.
    ///   - awaitGuardian: called with the session id when the holder is 14–17 and a guardian
    ///     must approve (show the id as a QR code); return once the guardian has approved. Without
    ///     it such an enrollment stops with ``WalletError/guardianApprovalRequired(sessionID:)``.
    /// - Returns: the new wallet, private key included; save it with ``WalletFile/save(to:)``.
    /// - Throws: ``WalletError`` (``WalletError/problem(code:status:detail:)`` for the service's
    ///   refusals) or whatever `chip` and `code` throw.
    public func enroll(
        chip: any ChipReader,
        phone: String,
        code: @Sendable () async throws -> String,
        faceImage: [UInt8]?,
        guardianJWS: String?,
        awaitGuardian: (@Sendable (_ sessionID: String) async throws -> Void)? = nil
    ) async throws -> WalletFile {
        try await run(
            purpose: nil, chip: chip, phone: phone, code: code, faceImage: faceImage, guardianJWS: guardianJWS,
            awaitGuardian: awaitGuardian)
    }

    /// Replaces a lost device (docs/lifecycle.md): the holder re-proves with the same document's
    /// chip and the phone bound to their number, and a new key gets a certificate for the
    /// existing number; every older certificate (the lost device's) is revoked.
    /// - Parameters:
    ///   - chip: the document's chip.
    ///   - phone: the phone number bound at enrollment, E.164.
    ///   - code: asked for the SMS code, as in ``enroll(chip:phone:code:faceImage:guardianJWS:awaitGuardian:)``.
    ///   - faceImage: a live JPEG, when the service runs a face check.
    ///   - guardianJWS: for a child under 14, their guardian's `guardian-start` wallet JWS.
    /// - Returns: the new wallet; save it with ``WalletFile/save(to:)``.
    public func replaceDevice(
        chip: any ChipReader, phone: String, code: @Sendable () async throws -> String, faceImage: [UInt8]?,
        guardianJWS: String?
    ) async throws -> WalletFile {
        try await run(
            purpose: "replace", chip: chip, phone: phone, code: code, faceImage: faceImage, guardianJWS: guardianJWS,
            awaitGuardian: nil)
    }

    /// Binds a new phone number (docs/lifecycle.md): the current wallet signs the start, the
    /// document's chip proves the holder, a code proves the new phone; the result is a new wallet
    /// (new key and certificate for the same number; the current certificate is revoked).
    /// - Parameters:
    ///   - wallet: the holder's current wallet.
    ///   - newPhone: the phone number to bind, E.164.
    public func changePhone(
        wallet: Wallet, chip: any ChipReader, newPhone: String, code: @Sendable () async throws -> String,
        faceImage: [UInt8]?, guardianJWS: String?
    ) async throws -> WalletFile {
        try await run(
            purpose: "phone-change", wallet: try wallet.sign(purpose: Wallet.Purpose.phoneChange), chip: chip,
            phone: newPhone, code: code, faceImage: faceImage, guardianJWS: guardianJWS, awaitGuardian: nil)
    }

    /// Moves the holder's number to a new document of theirs (a renewed passport, review finding
    /// 5): the current wallet signs the start, the new document's chip proves it is the holder's
    /// (same nationality, names, birth date and sex) and not anyone's yet, a code proves the bound
    /// phone; the result is a new wallet (new key and certificate for the same number, capped at
    /// the new document's expiry); the current certificate is revoked.
    public func changeDocument(
        wallet: Wallet, chip: any ChipReader, phone: String, code: @Sendable () async throws -> String,
        faceImage: [UInt8]?
    ) async throws -> WalletFile {
        try await run(
            purpose: "document-change", wallet: try wallet.sign(purpose: Wallet.Purpose.documentChange), chip: chip,
            phone: phone, code: code, faceImage: faceImage, guardianJWS: nil, awaitGuardian: nil)
    }

    private func run(
        purpose: String?, wallet: String? = nil, chip: any ChipReader, phone: String,
        code: @Sendable () async throws -> String, faceImage: [UInt8]?, guardianJWS: String?,
        awaitGuardian: (@Sendable (_ sessionID: String) async throws -> Void)?
    ) async throws -> WalletFile {
        let key = WalletKey()
        let id = try await prove(
            purpose: purpose, wallet: wallet, chip: chip, phone: phone, code: code, faceImage: faceImage,
            guardianJWS: guardianJWS, awaitGuardian: awaitGuardian)

        // §5: certification request, issuance.
        let request = try CertificateRequest(key: key)
        let issued = try await client.complete(session: id, csrPEM: request.pemEncoded)
        let certificate = try NetworkCertificate(pemEncoded: issued.certificatePEM)
        guard certificate.subjectPublicKeyInfo == Array(key.publicKey.derRepresentation) else {
            throw WalletError.invalidCertificate("the issued certificate is not for this wallet's key")
        }
        return WalletFile(
            server: client.baseURL.absoluteString,
            privateKeyPEM: key.pemRepresentation,
            certificatePEM: issued.certificatePEM,
            chainPEM: issued.chainPEM,
            networkNumber: issued.networkNumber,
            assuranceLevel: issued.assuranceLevel,
            certificateNotAfter: certificate.notValidAfter)
    }

    /// The proofs of a session (§2–§4): the chip, the phone, and the face when the service asks.
    /// - Returns: the session id, ready to complete.
    func prove(
        purpose: String?, wallet: String? = nil, chip: any ChipReader, phone: String,
        code: @Sendable () async throws -> String, faceImage: [UInt8]?, guardianJWS: String?,
        awaitGuardian: (@Sendable (_ sessionID: String) async throws -> Void)?
    ) async throws -> String {
        let session = try await client.start(guardian: guardianJWS, purpose: purpose, wallet: wallet)
        let id = session.sessionID

        // §2: passive authentication of the files, active authentication of the chip.
        let files = try await chip.readFiles()
        var aaSignature: [UInt8]? = nil
        if files.dg15 != nil {
            aaSignature = try await chip.internalAuthenticate(challenge: session.aaChallenge)
        }
        let document = try await client.presentDocument(session: id, files: files, aaSignature: aaSignature)
        if document.state == StepResult.State.awaitingGuardian {
            guard let awaitGuardian else { throw WalletError.guardianApprovalRequired(sessionID: id) }
            try await awaitGuardian(id)
        }

        // §3: phone number.
        let confirmed = try await confirmPhone(session: id, phone: phone, code: code)

        // §4: face check, only when the service asks for it.
        if confirmed.next == StepResult.Next.face {
            guard let faceImage else {
                throw WalletError.faceImageRequired("the service runs a face check; a live face image is needed")
            }
            do {
                _ = try await client.submitFace(session: id, image: faceImage)
            } catch let error as WalletError where error.serverProblem?.code == "no-face-matcher" {
                // The service has no matcher after all: the step is skipped (§4).
            }
        }
        return id
    }

    /// Sends the SMS code and confirms it, asking `code` again after a wrong or expired code.
    private func confirmPhone(session: String, phone: String, code: @Sendable () async throws -> String)
        async throws -> StepResult
    {
        _ = try await client.sendPhoneCode(session: session, phone: phone)
        var attempt = 1
        while true {
            let entered = try await code()
            do {
                return try await client.confirmPhone(session: session, code: entered)
            } catch let error as WalletError where attempt < Self.codeAttempts {
                switch error.serverProblem?.code ?? "" {
                case "wrong-code":
                    break
                case "code-expired":
                    _ = try await client.sendPhoneCode(session: session, phone: phone)
                default:
                    throw error
                }
            }
            attempt += 1
        }
    }
}
