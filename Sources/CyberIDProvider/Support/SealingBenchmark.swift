import CyberIDBase64URL
import CyberIDCore
import CyberIDKeys
import Foundation

/// `cyberid bench sealing`: the CPU a login's sealed state costs in each form, in this process —
/// the same ``Sealer`` and layouts a login uses, on values of a login's usual size. A benchmark,
/// not a test: it prints what it measured and asserts nothing.
public enum SealingBenchmark {
    /// One operation's cost: nanoseconds per call (the elapsed time of one thread that only
    /// runs these calls), median of the rounds.
    public struct Line: Sendable {
        public var operation: String
        public var form: UInt8
        public var nanoseconds: Double
    }

    /// What one login does (`cyberid bench login`, same-device): the request sealed once and
    /// opened twice (the wallet's decision, the continue), the grant written once and read twice
    /// (the continue's response code, the code exchange), the code sealed and opened once, the
    /// access token sealed once. The page's status polls open the request again each.
    public static let perLogin: [(operation: String, times: Int)] = [
        ("request seal", 1), ("request open", 2), ("grant write", 1), ("grant read", 2), ("code seal", 1),
        ("code open", 1), ("access token seal", 1),
    ]

    /// The name of the whole ``perLogin`` mix run as one operation.
    public static let login = "a login's share"

    /// Runs each operation of ``perLogin``, then their mix as one (``login``), `iterations`
    /// times per round, `rounds` rounds, forms 3 and 4 in turn within each round (so that neither
    /// form has the warm caches of going second), after one unmeasured round.
    public static func run(iterations: Int, rounds: Int) throws -> [Line] {
        precondition(iterations > 0 && rounds > 0)
        let master = MasterKey.random()
        let forms: [UInt8] = [3, 4]
        let operations = try forms.map { try self.operations(LoginSealers(masterKey: master, form: $0)) }
        var samples = [String: [UInt8: [Double]]]()
        for round in 0...rounds {
            for (index, form) in forms.enumerated() {
                for (name, operation) in operations[index] {
                    let start = ContinuousClock.now
                    for _ in 0..<iterations {
                        guard try operation() else { throw BenchmarkFailed(operation: name) }
                    }
                    let elapsed = (ContinuousClock.now - start).components
                    let nanoseconds = (Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9) / Double(iterations)
                    if round > 0 { samples[name, default: [:]][form, default: []].append(nanoseconds) }
                }
            }
        }
        return (perLogin.map(\.operation) + [login]).flatMap { operation in
            forms.map { form in
                let sorted = (samples[operation]?[form] ?? [0]).sorted()
                return Line(operation: operation, form: form, nanoseconds: sorted[sorted.count / 2])
            }
        }
    }

    /// The operations of ``perLogin`` with one form's sealers, on values of a login's size.
    private static func operations(_ sealers: LoginSealers) throws -> [(String, () throws -> Bool)] {
        let form = sealers.form
        let state = try sampleState(sealers)
        let code = CodeState(
            transactionID: state.transactionID, clientID: state.request.clientID, redirectURI: state.request.redirectURI,
            codeChallenge: state.request.codeChallenge, nonce: state.request.nonce, scopes: state.request.scopes,
            issuedAt: 1_767_225_601.25)
        let grant = LoginGrant(
            subject: String(repeating: "s", count: 43), level: .substantial, authTime: 1_767_225_600.5,
            released: ["cyberid_verified", "age_over_18"], certificate: String(repeating: "c", count: 32),
            responseCodeHash: String(repeating: "h", count: 43), amr: ["hwk"])
        let sealedState = try sealers.request.seal(state)
        let sealedCode = try sealers.code.seal(code)
        let payload = try grant.payload(form: form)
        // What is measured is the form it is labelled: the tokens' form byte, the grant's kind.
        guard Base64URL.decode(sealedState)?.first == form, Base64URL.decode(sealedCode)?.first == form,
            payload.first == (form == 4 ? "~" : "{")
        else { throw BenchmarkFailed(operation: "form \(form)") }
        let access = AccessTokenState(transactionID: state.transactionID, clientID: code.clientID, expiresAt: 1_767_225_900)
        let each: [(String, () throws -> Bool)] = [
            ("request seal", { try !sealers.request.seal(state).isEmpty }),
            ("request open", { sealers.request.open(sealedState, as: LoginState.self) != nil }),
            ("grant write", { try !grant.payload(form: form).isEmpty }),
            ("grant read", { LoginGrant(payload: payload) != nil }),
            ("code seal", { try !sealers.code.seal(code).isEmpty }),
            ("code open", { sealers.code.open(sealedCode, as: CodeState.self) != nil }),
            ("access token seal", { try !sealers.accessToken.seal(access).isEmpty }),
        ]
        let mix = perLogin.flatMap { operation, times in
            Array(repeating: each.first { $0.0 == operation }!.1, count: times)
        }
        return each + [(login, { try mix.allSatisfy { try $0() } })]
    }

    struct BenchmarkFailed: Error, CustomStringConvertible {
        var operation: String
        var description: String { "sealing benchmark: \(operation) failed" }
    }

    /// A login's request of the usual size: a platform's id, redirect, state, nonce and PKCE
    /// challenge as `cyberid bench login` sends them, and a real sealed ticket.
    private static func sampleState(_ sealers: LoginSealers) throws -> LoginState {
        let request = AuthorizationRequest(
            clientID: String(repeating: "k", count: 22), redirectURI: "http://127.0.0.1:18481/callback",
            scopes: [.openid, .age], state: String(repeating: "t", count: 22), nonce: String(repeating: "n", count: 22),
            codeChallenge: String(repeating: "c", count: 43), requiredLevel: nil, maxAge: nil, prompt: [])
        let ticket = LoginTicket(
            transaction: Array(repeating: 7, count: 16), nonce: Array(repeating: 9, count: 16), clientID: request.clientID,
            sector: "127.0.0.1", scopes: request.scopes, requiredLevel: nil, prompt: [], expiresAt: 1_767_225_900,
            startedAt: 1_767_225_600, browserAddress: [127, 0, 0, 1])
        return LoginState(
            transactionID: ticket.transactionID, nonce: ticket.nonceText, request: request, expiresAt: 1_767_225_900,
            browserBinding: String(repeating: "b", count: 43), ticket: try sealers.ticket.seal(bytes: ticket.bytes),
            startedAt: 1_767_225_600)
    }
}
