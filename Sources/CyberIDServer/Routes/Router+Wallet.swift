import CyberIDBase64URL
import CyberIDCore
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDVault
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension Router where Context == AppRequestContext {
    /// The wallet's login API (docs/relying-parties.md §5): fetch a transaction, decide it, and
    /// manage remembered consents.
    func addWalletRoutes(provider: OpenIDProvider, holderService: HolderService) {
        addWalletLoginRoutes(provider.login)
        addWalletHolderRoutes(provider.login, holderService: holderService)
        addWalletLifecycleRoutes(provider.login, holderService: holderService)
        addWardRoutes(provider.login, holderService: holderService)
    }

    /// `/wallet/v1/login`: fetch a login transaction, decide it.
    func addWalletLoginRoutes(_ provider: LoginService) {
        let group = group("wallet/v1")
        group.get("login") { request, _ in
            let parameters = try FormParameters(encoded: request.uri.query ?? "")
            guard let ticket = parameters["t"] else {
                throw Problem(code: "invalid-login-ticket", title: "Invalid login ticket", status: .badRequest, detail: "t is missing")
            }
            // The bytes the same-device link's `v` carries for the same view.
            let view = try await provider.walletView(ticket: ticket, qrStep: parameters["qt"], qrAuthenticator: parameters["qa"])
            return Self.oauthJSON(bytes: view.json())
        }
        group.post("login") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let body = try? JSONDecoder.enrollment.decode(WalletDecisionBody.self, from: Data(buffer: buffer)) else {
                throw Problem.malformedRequest("send JSON {\"ticket\": …, \"approval\": JWS, \"face_image\"?: base64url, \"request\"?: …}")
            }
            var faceImage: [UInt8]? = nil
            if let text = body.faceImage {
                guard let bytes = Base64URL.decode(text) else {
                    throw Problem.malformedRequest("face_image must be base64url")
                }
                faceImage = bytes
            }
            let document = try body.document.map { document throws -> PresentedDocument in
                guard let presented = document.presented else {
                    throw Problem.malformedRequest("document: dg1, sod and aa_signature (and dg2, dg15 if sent) must be base64url")
                }
                return presented
            }
            return Self.oauthJSON(
                try await provider.decide(
                    ticket: body.ticket, approval: body.approval, faceImage: faceImage, request: body.request,
                    document: document, password: body.password))
        }
    }

    /// The holder's own requests, each authenticated by a wallet JWS: consents, history,
    /// lifecycle, renewal.
    func addWalletHolderRoutes(_ provider: LoginService, holderService: HolderService) {
        let group = group("wallet/v1")
        group.get("consents") { request, _ in
            let holder = try await provider.authenticateWallet(
                request.headers[.authorization], method: "GET", path: "/wallet/v1/consents")
            return Self.oauthJSON(try await holderService.consents(personID: holder.personID))
        }
        group.get("history") { request, _ in
            let holder = try await provider.authenticateWallet(
                request.headers[.authorization], method: "GET", path: "/wallet/v1/history")
            return Self.oauthJSON(try await holderService.history(personID: holder.personID))
        }
        group.delete("consents/:client") { request, context in
            let client = try context.parameters.require("client")
            let holder = try await provider.authenticateWallet(
                request.headers[.authorization], method: "DELETE", path: "/wallet/v1/consents/\(client)")
            try await holderService.withdrawConsent(personID: holder.personID, clientID: client)
            return Response(status: .noContent, headers: [.cacheControl: "no-store"])
        }
        group.post("renewal") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            // A revoked certificate may sign a renewal: the one whose answer was lost asks again.
            let (holder, _) = try await provider.authenticateWalletRequest(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/renewal",
                body: Array(buffer: buffer), renewal: true)
            let issued: CertificateIssued
            do {
                guard let body = try? JSONDecoder().decode([String: String].self, from: Data(buffer: buffer)), let csr = body["csr"]
                else {
                    throw Problem.malformedRequest("send JSON {\"csr\": PEM}")
                }
                issued = try await holderService.renew(
                    personID: holder.personID, csr: Array(csr.utf8), presentedSerial: holder.certificateSerial)
            } catch {
                // A revoked certificate learns nothing from how its request fails (not even that
                // the person is still active): one refusal for all — but a store outage stays a
                // 503 (it says nothing of the person, and the wallet should try again).
                guard holder.certificateStatus == .valid || (error as? StoreError) == .unavailable || error is CancellationError
                else {
                    throw ProviderError.revokedCertificate()
                }
                throw error
            }
            return Response(
                status: .created, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.enrollment.encode(issued))))
        }
    }

    /// The holder's own lifecycle (suspend, resume, cancel) and the chip challenge a cancel or
    /// resume answers: the two requests a suspended holder's wallet may still make.
    func addWalletLifecycleRoutes(_ provider: LoginService, holderService: HolderService) {
        let group = group("wallet/v1")
        group.post("lifecycle") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let (holder, jti) = try await provider.authenticateWalletRequest(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/lifecycle",
                body: Array(buffer: buffer), lifecycle: true)
            let (event, reason) = try WalletLifecycleBody.parse(buffer, allowed: [.suspend, .resume, .cancel])
            let proof = try? JSONDecoder.enrollment.decode(WalletDocumentBody.self, from: Data(buffer: buffer))
            let document = try proof?.document
                .map { document throws -> PresentedDocument in
                    guard let presented = document.presented else {
                        throw Problem.malformedRequest("document: dg1, sod and aa_signature (and dg2, dg15 if sent) must be base64url")
                    }
                    return presented
                }
            // The chip answers the service's fresh challenge, bound to this request's jti.
            var challenge = [UInt8]()
            if document != nil, event == .cancel || event == .resume {
                _ = try PersonLifecycle.checkedReason(reason, for: event)  // a refused reason costs no challenge
                challenge = try provider.chipChallengeBytes(
                    proof?.chipChallenge, purpose: .lifecycle, jti: jti, personID: holder.personID)
            }
            let transition = try await holderService.apply(
                event, personID: holder.personID, reason: reason, document: document, challenge: challenge)
            return Self.oauthJSON(["event": event.rawValue, "state": transition.to.rawValue])
        }
        // A fresh challenge for the chip of the holder's next cancel, resume or late first password
        // (allowed while suspended: a resume needs it).
        group.post("chip-challenge") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let (holder, _) = try await provider.authenticateWalletRequest(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/chip-challenge",
                body: Array(buffer: buffer), lifecycle: true)
            let issued = try provider.chipChallenge(for: holder)
            return Self.oauthJSON(
                ChipChallengeAnswer(chipChallenge: issued.challenge, expiresIn: Int(LoginService.chipChallengeLifetime)),
                status: .created)
        }
    }

    /// A guardian acts for a minor (the link ends at 18).
    func addWardRoutes(_ provider: LoginService, holderService: HolderService) {
        let group = group("wallet/v1")
        group.post("wards/:number/lifecycle") { request, context in
            let number = try context.parameters.require("number")
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let guardian = try await provider.authenticateWallet(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/wards/\(number)/lifecycle",
                body: Array(buffer: buffer))
            let ward = try await holderService.ward(number, guardianID: guardian.personID)
            let (event, reason) = try WalletLifecycleBody.parse(buffer, allowed: [.suspend, .resume])
            let transition = try await holderService.applyToWard(event, wardID: ward, reason: reason)
            return Self.oauthJSON(["event": event.rawValue, "state": transition.to.rawValue])
        }
        group.get("wards/:number/history") { request, context in
            let number = try context.parameters.require("number")
            let guardian = try await provider.authenticateWallet(
                request.headers[.authorization], method: "GET", path: "/wallet/v1/wards/\(number)/history")
            let ward = try await holderService.ward(number, guardianID: guardian.personID)
            return Self.oauthJSON(try await holderService.history(personID: ward))
        }
    }
}

/// `POST /wallet/v1/login`'s body.
struct WalletDecisionBody: Decodable {
    var ticket: String
    var approval: String
    /// A live face image for a re-verification (base64url).
    var faceImage: String?
    /// A same-device approval: the link's `r`, for the return URL.
    var request: String?
    /// A re-verification's chip (base64url files and active-authentication signature), as the
    /// enrollment API takes it.
    var document: EnrollmentRequest.Document?
    /// The network-identity password, when the platform's mode asks for it (R02, R04).
    var password: String?
}

extension EnrollmentRequest.Document {
    /// The presented document, or `nil` if a field is not base64url.
    var presented: PresentedDocument? {
        guard let dg1 = Base64URL.decode(dg1), let sod = Base64URL.decode(sod),
            let signature = Base64URL.decode(aaSignature)
        else { return nil }
        let dg2 = self.dg2.map(Base64URL.decode)
        let dg15 = self.dg15.map(Base64URL.decode)
        if dg2 == .some(nil) || dg15 == .some(nil) { return nil }
        return PresentedDocument(dg1: dg1, dg2: dg2 ?? nil, dg15: dg15 ?? nil, sod: sod, aaSignature: signature)
    }
}

/// `POST /wallet/v1/chip-challenge`'s answer.
struct ChipChallengeAnswer: Encodable {
    var chipChallenge: String
    var expiresIn: Int

    enum CodingKeys: String, CodingKey { case chipChallenge = "chip_challenge", expiresIn = "expires_in" }
}

/// The `document` member of a cancel or resume (a fresh proof with the chip), and the
/// `chip_challenge` it answers.
struct WalletDocumentBody: Decodable {
    var document: EnrollmentRequest.Document?
    var chipChallenge: String?
}

/// `POST /wallet/v1/lifecycle`'s (and a ward's) body.
struct WalletLifecycleBody: Decodable {
    var event: String
    var reason: String

    /// The event (one of `allowed`) and reason, or a 400 problem naming the expected JSON.
    static func parse(_ buffer: ByteBuffer, allowed: [LifecycleEvent]) throws -> (LifecycleEvent, String) {
        guard let body = try? JSONDecoder().decode(Self.self, from: Data(buffer: buffer)),
            let event = LifecycleEvent(rawValue: body.event), allowed.contains(event)
        else {
            let events = allowed.map { "\"\($0.rawValue)\"" }.joined(separator: "|")
            throw Problem.malformedRequest("send JSON {\"event\": \(events), \"reason\": …}")
        }
        return (event, body.reason)
    }
}
