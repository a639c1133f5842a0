import Crypto
import CyberIDBase64URL

/// A document's chip presented to re-verify at a login (docs/lifecycle.md, re-verification):
/// the files and the chip's active-authentication answer to the login's `aa_challenge`.
public struct ReverificationDocument: Sendable, Equatable {
    public var files: ChipFiles
    public var aaSignature: [UInt8]

    public init(files: ChipFiles, aaSignature: [UInt8]) {
        self.files = files
        self.aaSignature = aaSignature
    }

    /// Reads the chip and runs active authentication over the login's challenge.
    /// - Throws: ``WalletError/invalidResponse(_:)`` when the service sent no challenge; the
    ///   chip's errors.
    public static func read(from chip: any ChipReader, for login: LoginRequestView) async throws -> ReverificationDocument {
        guard let text = login.aaChallenge, let challenge = Base64URL.decode(text) else {
            throw WalletError.invalidResponse("the service sent no aa_challenge for a re-verification")
        }
        let files = try await chip.readFiles()
        return ReverificationDocument(files: files, aaSignature: try await chip.internalAuthenticate(challenge: challenge))
    }

    /// What the approval signs: base64url(SHA-256(SOD ‖ active-authentication signature)).
    public var digest: String { Base64URL.encode(Array(SHA256.hash(data: files.sod + aaSignature))) }

    /// The request body's `document` member.
    var json: [String: String] {
        var object = [
            "dg1": Base64URL.encode(files.dg1), "sod": Base64URL.encode(files.sod),
            "aa_signature": Base64URL.encode(aaSignature),
        ]
        if let dg2 = files.dg2 { object["dg2"] = Base64URL.encode(dg2) }
        if let dg15 = files.dg15 { object["dg15"] = Base64URL.encode(dg15) }
        return object
    }
}
