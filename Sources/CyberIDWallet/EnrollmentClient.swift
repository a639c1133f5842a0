import CyberIDBase64URL
public import Foundation

#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// The HTTP client of the enrollment API (docs/enrollment.md): one method per endpoint.
///
/// It only speaks the protocol — JSON bodies, base64url binary fields, problem documents turned
/// into ``WalletError/problem(code:status:detail:)`` — and keeps no state, so an app can drive
/// the steps itself (with its own screens between them) or let ``Enrollment`` do it.
public struct EnrollmentClient: Sendable {
    /// The prefix of every CyberID problem `type`; the rest is the problem code.
    public static let problemTypePrefix = "urn:cyberid:problem:"

    /// The service's base URL, e.g. `https://id.example.org` (a path prefix is kept).
    public let baseURL: URL
    /// The session requests go through; inject one with a custom configuration (or a
    /// `URLProtocol` stub in tests).
    public let urlSession: URLSession

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: the service's base URL; `/enrollment/v1/…` is appended to it.
    ///   - urlSession: the session to use; `URLSession.shared` by default.
    public init(baseURL: URL, urlSession: URLSession = .shared) {
        self.baseURL = baseURL
        self.urlSession = urlSession
    }

    /// Starts a session (§1).
    /// - Parameter guardian: a guardian's wallet JWS (`purpose: guardian-start`) when a
    ///   guardian enrolls a child under 14; `nil` for a holder enrolling themselves.
    /// - Parameters:
    ///   - purpose: `replace` (a lost device) or `phone-change`; `nil` for an enrollment.
    ///   - wallet: for a phone change, the holder's wallet JWS (`purpose: phone-change`).
    /// - Returns: the session id, the active-authentication challenge and the expiry.
    public func start(guardian: String? = nil, purpose: String? = nil, wallet: String? = nil) async throws -> StartedSession {
        let answer = try await call(
            "start", "/enrollment/v1/sessions",
            EnrollmentWire.StartRequest(guardian: guardian, purpose: purpose, wallet: wallet),
            as: EnrollmentWire.StartAnswer.self)
        guard let challenge = Base64URL.decode(answer.aaChallenge), !challenge.isEmpty else {
            throw WalletError.invalidResponse("aa_challenge is not base64url")
        }
        guard let expiresAt = RFC3339.parse(answer.expiresAt) else {
            throw WalletError.invalidResponse("expires_at is not an RFC 3339 time")
        }
        return StartedSession(
            sessionID: answer.sessionID, aaChallenge: challenge, expiresAt: expiresAt, state: answer.state)
    }

    /// Presents the chip's files and the active-authentication signature (§2).
    /// - Parameters:
    ///   - session: the session id.
    ///   - files: the elementary files as read from the chip.
    ///   - aaSignature: the chip's INTERNAL AUTHENTICATE answer to the session's challenge;
    ///     `nil` for a chip without active authentication (no DG15).
    /// - Returns: `document_verified` (next `phone`) or `awaiting_guardian`, with the age band.
    public func presentDocument(session: String, files: ChipFiles, aaSignature: [UInt8]?) async throws -> StepResult {
        let body = EnrollmentWire.DocumentRequest(
            dg1: Base64URL.encode(files.dg1),
            dg2: files.dg2.map { Base64URL.encode($0) },
            dg15: files.dg15.map { Base64URL.encode($0) },
            sod: Base64URL.encode(files.sod),
            aaSignature: aaSignature.map { Base64URL.encode($0) })
        return try await step("document", session, "document", body)
    }

    /// Asks the service to send a one-time code by SMS (§3); calling again replaces the code.
    /// - Parameters:
    ///   - session: the session id.
    ///   - phone: the number in E.164 form, e.g. `+8613800000000`.
    /// - Returns: `phone_code_sent` with the code's expiry.
    public func sendPhoneCode(session: String, phone: String) async throws -> StepResult {
        try await step("phone", session, "phone", EnrollmentWire.PhoneRequest(phone: phone))
    }

    /// Confirms the phone number with the code the holder received (§3).
    /// - Returns: `phone_confirmed` with next `face` or `complete`.
    public func confirmPhone(session: String, code: String) async throws -> StepResult {
        try await step("phone confirmation", session, "phone/confirm", EnrollmentWire.ConfirmRequest(code: code))
    }

    /// Sends a live face image for comparison with the chip's portrait (§4).
    /// - Parameters:
    ///   - session: the session id.
    ///   - image: a JPEG.
    /// - Returns: `face_matched` with next `complete`.
    public func submitFace(session: String, image: [UInt8]) async throws -> StepResult {
        try await step("face", session, "face", EnrollmentWire.FaceRequest(image: Base64URL.encode(image)))
    }

    /// Sends the certification request and receives the network number and certificate (§5).
    /// The step is idempotent: repeating it returns the same issuance.
    /// - Parameters:
    ///   - session: the session id.
    ///   - csrPEM: a PKCS#10 request for the wallet's P-256 key, PEM.
    public func complete(session: String, csrPEM: String) async throws -> Issued {
        let answer = try await call(
            "complete", sessionPath(session, "complete"), EnrollmentWire.CompleteRequest(csr: csrPEM),
            as: EnrollmentWire.IssuedAnswer.self)
        return Issued(
            networkNumber: answer.networkNumber, assuranceLevel: answer.assuranceLevel,
            certificatePEM: answer.certificate, chainPEM: answer.chain)
    }

    /// Sends a ``CertificateRequest`` (§5); see ``complete(session:csrPEM:)``.
    public func complete(session: String, request: CertificateRequest) async throws -> Issued {
        try await complete(session: session, csrPEM: request.pemEncoded)
    }

    /// A guardian approves a 14–17-year-old's session (§7), whose id the teenager's wallet shows.
    /// - Parameters:
    ///   - session: the teenager's session id.
    ///   - approvalJWS: the guardian's wallet JWS with `purpose: guardian-approval` and this
    ///     `session_id` (see ``Wallet/sign(purpose:sessionID:audience:now:)``).
    /// - Returns: the session's new state when the service describes it, else `nil`.
    @discardableResult
    public func approveAsGuardian(session: String, approvalJWS: String) async throws -> StepResult? {
        let data = try await exchange(
            "guardian approval", sessionPath(session, "guardian-approval"),
            EnrollmentWire.ApprovalRequest(approval: approvalJWS))
        guard let answer = try? JSONDecoder().decode(EnrollmentWire.StepAnswer.self, from: data) else { return nil }
        return try Self.stepResult(answer)
    }

    /// Turns a non-2xx answer into an error: a CyberID problem document becomes
    /// ``WalletError/problem(code:status:detail:)``, anything else (a proxy's HTML page, …)
    /// ``WalletError/unexpectedStatus(_:_:)``.
    static func failure(status: Int, body: Data) -> WalletError {
        if let problem = try? JSONDecoder().decode(EnrollmentWire.ProblemDocument.self, from: body),
            let type = problem.type, type.hasPrefix(problemTypePrefix)
        {
            return .problem(
                code: String(type.dropFirst(problemTypePrefix.count)), status: status, detail: problem.detail)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return .unexpectedStatus(status, text.isEmpty ? "no problem document" : text)
    }

    // MARK: - Plumbing

    /// `/enrollment/v1/sessions/{id}/{step}`, the id percent-encoded so a strange id can never
    /// change the path.
    func sessionPath(_ session: String, _ step: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        let escaped = session.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return "/enrollment/v1/sessions/\(escaped)/\(step)"
    }

    /// Posts to a session step and decodes the common step answer.
    private func step(_ name: String, _ session: String, _ suffix: String, _ body: some Encodable) async throws
        -> StepResult
    {
        let answer = try await call(name, sessionPath(session, suffix), body, as: EnrollmentWire.StepAnswer.self)
        return try Self.stepResult(answer)
    }

    private static func stepResult(_ answer: EnrollmentWire.StepAnswer) throws -> StepResult {
        var codeExpiresAt: Date? = nil
        if let text = answer.codeExpiresAt {
            guard let date = RFC3339.parse(text) else {
                throw WalletError.invalidResponse("code_expires_at is not an RFC 3339 time")
            }
            codeExpiresAt = date
        }
        return StepResult(
            state: answer.state, next: answer.next, ageBand: answer.ageBand, documentExpires: answer.documentExpires,
            codeExpiresAt: codeExpiresAt)
    }

    /// Posts JSON and decodes a 2xx answer.
    /// - Parameter name: the step's name for error messages (never the path: it holds the
    ///   session id, a bearer secret).
    private func call<Answer: Decodable>(
        _ name: String, _ path: String, _ body: some Encodable, as type: Answer.Type
    ) async throws -> Answer {
        let data = try await exchange(name, path, body)
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw WalletError.invalidResponse("the \(name) answer is not what the protocol describes: \(error)")
        }
    }

    /// Posts JSON; returns the body of a 2xx answer and throws for anything else.
    func exchange(_ name: String, _ path: String, _ body: some Encodable) async throws -> Data {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + path) else {
            throw WalletError.transport("cannot build the \(name) URL from \(baseURL.absoluteString)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, application/problem+json", forHTTPHeaderField: "Accept")
        request.httpBody = try encoder.encode(body)
        let result: (Data, URLResponse)
        do {
            result = try await urlSession.data(for: request)
        } catch {
            throw WalletError.transport("the \(name) request failed: \(error.localizedDescription)")
        }
        guard let response = result.1 as? HTTPURLResponse else {
            throw WalletError.invalidResponse("the \(name) answer is not HTTP")
        }
        guard (200..<300).contains(response.statusCode) else {
            throw Self.failure(status: response.statusCode, body: result.0)
        }
        return result.0
    }
}
