import CyberIDBase64URL
import Crypto
import Foundation
import JWTKit
@testable import CyberIDCore
@testable import CyberIDDocuments
@testable import CyberIDIssuance
@testable import CyberIDKeys
@testable import CyberIDProvider
@testable import CyberIDStore
import CyberIDSDJWT
import CyberIDStatusList
@testable import CyberIDWallet

/// One fuzz target: a parser of outside bytes. `run` must never crash, whatever the bytes;
/// errors are the expected answer to bad input.
struct FuzzTarget: @unchecked Sendable {
    let name: String
    var prepare: () -> Void = {}
    let run: ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "mrz") { bytes in
            _ = try? MRZ(parsing: String(decoding: bytes, as: UTF8.self), today: Fixtures.today)
        },
        FuzzTarget(name: "dg1") { bytes in _ = try? DataGroupReader.mrz(bytes) },
        FuzzTarget(name: "dg2") { bytes in try? DataGroupReader.checkFaceImage(bytes) },
        FuzzTarget(name: "dg15") { bytes in _ = try? DataGroupReader.activeAuthenticationKey(bytes) },
        FuzzTarget(name: "sod") { bytes in _ = try? SecurityObject(bytes: bytes) },
        FuzzTarget(name: "document-crl") { bytes in _ = try? CertificateRevocationList(bytes: bytes) },
        FuzzTarget(name: "csr") { bytes in _ = try? CSR.walletKey(from: bytes) },
        FuzzTarget(name: "wallet-jws", prepare: { _ = Fixtures.authority }) { bytes in
            _ = try? WalletToken<EnrollmentTokenPayload>(
                compact: String(decoding: bytes, as: UTF8.self), authority: Fixtures.authority, now: Date())
        },
        // The certificate chain: the bytes are the x5c leaf of an otherwise well-formed JWS.
        FuzzTarget(name: "wallet-certificate", prepare: { _ = Fixtures.authority }) { bytes in
            _ = try? WalletToken<EnrollmentTokenPayload>(
                compact: Fixtures.jws(x5c: bytes), authority: Fixtures.authority, now: Date())
        },
        // What JWTKeyCollection.verify does, synchronously: jwt-kit's parser, the claims'
        // decoding (ClientAssertion, its one-or-many `aud`), the ES256 signature check.
        FuzzTarget(name: "client-assertion") { bytes in
            guard let (_, _, signature) = try? DefaultJWTParser().parse(bytes, as: ClientAssertion.self),
                let parts = try? DefaultJWTParser().getTokenParts(bytes),
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return }
            _ = Fixtures.clientKey.publicKey.isValidSignature(ecdsa, for: Array(parts.header) + [UInt8(ascii: ".")] + Array(parts.payload))
        },
        FuzzTarget(name: "form") { bytes in _ = try? FormParameters(encoded: String(decoding: bytes, as: UTF8.self)) },
        FuzzTarget(name: "network-number") { bytes in _ = try? NetworkNumber(parsing: String(decoding: bytes, as: UTF8.self)) },
        FuzzTarget(name: "login-ticket") { bytes in _ = LoginTicket(bytes: bytes) },
        FuzzTarget(name: "login-state") { bytes in _ = try? JSONDecoder().decode(LoginState.self, from: Data(bytes)) },
        // Sealing form 4's binary layouts (CyberIDBytes' reader under each), as opened, and the
        // decision row's grant as read from the store.
        FuzzTarget(name: "login-layouts") { bytes in
            _ = LoginState(layoutBytes: bytes)
            _ = CodeState(layoutBytes: bytes)
            _ = AccessTokenState(layoutBytes: bytes)
            _ = ScanProof(layoutBytes: bytes)
            _ = LoginGrant(layoutBytes: bytes)
            _ = LoginGrant(payload: "~" + Base64URL.encode(bytes))
        },
        // The openers as the routes call them, on the text a request carries.
        FuzzTarget(name: "sealed-ticket", prepare: { _ = Fixtures.sealers }) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = Fixtures.sealers.ticket.openBytes(text).flatMap(LoginTicket.init(bytes:))
        },
        FuzzTarget(name: "sealed-state", prepare: { _ = Fixtures.sealers }) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = Fixtures.sealers.request.open(text, as: LoginState.self)
            _ = Fixtures.sealers.scan.open(text, as: ScanProof.self)
        },
        // Offline credentials (issue 18): what a verifier and a wallet parse from strangers.
        FuzzTarget(name: "sd-jwt") { bytes in
            guard let presentation = try? SDJWT(compact: String(decoding: bytes, as: UTF8.self)) else { return }
            _ = try? presentation.disclosedClaims()
            try? presentation.verifyKeyBinding(audience: "redirect_uri:https://v.test/r", nonce: "n")
        },
        FuzzTarget(name: "status-list") { bytes in
            guard let bits = bytes.first else { return }
            let list = try? StatusList(bits: Int(bits % 9), lst: String(decoding: bytes.dropFirst(), as: UTF8.self), maxBytes: 1 << 20)
            _ = list?[Int(bits) * 7]
        },
        FuzzTarget(name: "request-object") { bytes in
            guard let object = try? CompactJWS(compact: String(decoding: bytes, as: UTF8.self)) else { return }
            _ = try? PresentationClient.view(of: object, clientID: "redirect_uri:https://v.test/requests/a/response")
        },
    ]
}

/// What the targets share, made once per process.
enum Fixtures {
    static let today = try! CalendarDate(iso8601: "2026-12-01")

    /// A fixed master key: the sealers' keys are derived from it.
    static let masterKey = try! MasterKey(bytes: [UInt8](repeating: 7, count: 32))
    static let sealers = LoginSealers(masterKey: masterKey, form: Sealer.currentForm)

    /// A CyberID CA, generated into a store that keeps nothing.
    static let authority: CertificateAuthority = blockingValue {
        try await CertificateAuthority.loadOrCreate(store: NoCAStore(), masterKey: masterKey)
    }

    struct NoCAStore: CertificateAuthorityStore {
        func certificateAuthority(name: String) async throws -> CertificateAuthorityRecord? { nil }
        func createCertificateAuthorities(_ records: [CertificateAuthorityRecord]) async throws -> Bool { true }
    }

    /// A platform's registered keys (one ES256 key from fixed bytes).
    static let clientKey = try! P256.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 3, count: 32))

    /// A compact JWS with `x5c` as its leaf certificate and a payload of an enrollment request.
    static func jws(x5c: [UInt8]) -> String {
        let header = #"{"alg":"ES256","typ":"cyberid-wallet+jwt","x5c":[""# + Data(x5c).base64EncodedString() + #""]}"#
        let payload = #"{"aud":"https://id.test/enrollment","iat":1790000000,"purpose":"enroll"}"#
        return Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
            + Base64URL.encode([UInt8](repeating: 1, count: 64))
    }

    /// Runs async work to completion from the synchronous fuzz callback.
    static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }

    static func blockingValue<T>(_ body: @escaping @Sendable () async throws -> T) -> T {
        nonisolated(unsafe) var result: Result<T, any Error>?
        blocking { result = await Result { try await body() } }
        return try! result!.get()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
