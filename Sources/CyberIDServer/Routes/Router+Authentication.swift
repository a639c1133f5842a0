import CyberIDEnrollment
import CyberIDProvider
import CyberIDStore
import CyberIDVault
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Request bodies of the password and in-person code routes (snake_case JSON).
enum AuthenticationRequest {
    /// `POST /wallet/v1/password`: `password` alone sets the first one; with
    /// `current_password` it changes it.
    struct Password: Decodable {
        var password: String
        var currentPassword: String?
        /// A first password set more than a day after enrollment: the chip over the service's
        /// `chip_challenge` (``LoginService/chipChallengeBytes(_:purpose:jti:personID:now:)``).
        var document: EnrollmentRequest.Document?
        var chipChallenge: String?
    }
    /// `POST /enrollment/v1/sessions/{id}/password`: the new password of a reset session.
    struct NewPassword: Decodable { var password: String }
    /// `POST /wallet/v1/codes`: what the verifier may learn (`age`, `name`).
    struct Code: Decodable { var disclose: [String]? }
}

extension Router where Context == AppRequestContext {
    /// The network-identity password (issue 17): its state and setting or changing it from the
    /// wallet, and the end of a reset session (chip + bound phone).
    func addPasswordRoutes(_ login: LoginService, passwords: PasswordService, enrollment: EnrollmentService) {
        let wallet = group("wallet/v1")
        wallet.get("password") { request, _ in
            let holder = try await login.authenticateWallet(
                request.headers[.authorization], method: "GET", path: "/wallet/v1/password")
            let status = try await passwords.status(personID: holder.personID)
            return Self.oauthJSON(["set": status.set, "locked": status.locked])
        }
        wallet.post("password") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let (holder, jti) = try await login.authenticateWalletRequest(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/password", body: Array(buffer: buffer))
            guard let body = try? JSONDecoder.enrollment.decode(AuthenticationRequest.Password.self, from: Data(buffer: buffer))
            else {
                throw Problem.malformedRequest("send JSON {\"password\": digits, \"current_password\"?: digits}")
            }
            if let current = body.currentPassword {
                try await passwords.change(personID: holder.personID, current: current, new: body.password)
                return Self.oauthJSON(["status": "changed"])
            }
            var chipProven = false
            if let document = body.document {
                guard let presented = document.presented else {
                    throw Problem.malformedRequest("document: dg1, sod and aa_signature (and dg2, dg15 if sent) must be base64url")
                }
                let challenge = try login.chipChallengeBytes(
                    body.chipChallenge, purpose: .password, jti: jti, personID: holder.personID)
                try await login.reproveForPassword(presented, challenge: challenge, personID: holder.personID)
                chipProven = true
            }
            try await passwords.set(personID: holder.personID, password: body.password, chipProven: chipProven)
            return Self.oauthJSON(["status": "set"], status: .created)
        }
        group("enrollment/v1/sessions").post(":id/password") { request, context in
            let id = try context.parameters.require("id")
            guard let body = try await Self.decode(AuthenticationRequest.NewPassword.self, request, context) else {
                throw Self.emptyBody()
            }
            // A weak password is refused before the session is spent; the session is spent once
            // (of two concurrent requests one wins) in the write that sets the password.
            let holder = try await enrollment.passwordResetHolder(sessionID: id)
            try await passwords.reset(personID: holder, password: body.password) {
                try await enrollment.consumePasswordReset(sessionID: id)
            }
            return Self.oauthJSON(["status": "reset"])
        }
    }

    /// In-person verification codes (issue 17): the wallet makes one, a registered platform
    /// verifies it once.
    func addInPersonCodeRoutes(_ login: LoginService, tokens: TokenService) {
        group("wallet/v1").post("codes") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let holder = try await login.authenticateWallet(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/codes", body: Array(buffer: buffer))
            var body = AuthenticationRequest.Code()
            if buffer.readableBytes > 0 {
                guard let decoded = try? JSONDecoder.enrollment.decode(AuthenticationRequest.Code.self, from: Data(buffer: buffer))
                else {
                    throw Problem.malformedRequest("send JSON {\"disclose\": [\"age\", \"name\"]} (each optional)")
                }
                body = decoded
            }
            return Self.oauthJSON(try await login.makeInPersonCode(holder: holder, disclose: body.disclose ?? []), status: .created)
        }
        post("rp/v1/codes/verify") { request, context in
            try await Self.oauthRoute {
                let form = try await Self.jsonOrForm(
                    request, context, expecting: "JSON {\"code\": the typed form or the QR code's content}")
                return Self.oauthJSON(
                    try await tokens.verifyInPersonCode(ClientCredentials(authorization: request.headers[.authorization], form: form)))
            }
        }
    }
}
