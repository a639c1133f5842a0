import CyberIDBase64URL
import CyberIDBytes
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import Crypto
import Foundation
import Testing

@testable import CyberIDProvider

@Suite struct SealerTests {
    @Test func sealedValuesOpenOnlyForTheirPurposeAndUntampered() throws {
        let key = MasterKey.random()
        let tickets = Sealer(masterKey: key, purpose: "login-ticket v1")
        let codes = Sealer(masterKey: key, purpose: "authorization-code v1")
        let sealed = try tickets.seal(["a": "b"])
        #expect(tickets.open(sealed, as: [String: String].self) == ["a": "b"])
        #expect(codes.open(sealed, as: [String: String].self) == nil)
        #expect(Sealer(masterKey: MasterKey.random(), purpose: "login-ticket v1").open(sealed, as: [String: String].self) == nil)
        var bytes = try #require(Base64URL.decode(sealed))
        for index in [0, 5, 20, bytes.count - 1] {
            bytes[index] ^= 0x40
            #expect(tickets.open(Base64URL.encode(bytes), as: [String: String].self) == nil)
            bytes[index] ^= 0x40
        }
        #expect(try tickets.seal(["a": "b"]) != sealed)
    }

    /// A sealer told to seal an older form (`CYBERID_SEALING_FORM=2` or `3`) does, and each
    /// form's sealer opens the others' tokens: JSON values (no binary layout) as forms 2 and 3, a
    /// binary-layout value as form 4 only where told 4 — JSON otherwise.
    @Test func everyFormOpensTheOthersTokens() throws {
        let master = MasterKey.random()
        let sealers = [2, 3, 4].map { Sealer(masterKey: master, purpose: "access-token v1", form: UInt8($0)) }
        let json = try sealers.map { try $0.seal(["a": "b"]) }
        #expect(json.map { Base64URL.decode($0)?.first } == [2, 3, 3])
        let state = AccessTokenState(transactionID: "t-1", clientID: "c-1", expiresAt: 1_767_225_600.25)
        let binary = try sealers.map { try $0.seal(state) }
        #expect(binary.map { Base64URL.decode($0)?.first } == [2, 3, 4])
        // The JSON forms carry JSON, the fourth the layout: its number, then the fields.
        #expect(sealers[0].openBytes(binary[1]).map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("{") == true)
        #expect(sealers[2].openBytes(binary[2]) == nil)
        for sealer in sealers {
            for token in json { #expect(sealer.open(token, as: [String: String].self) == ["a": "b"]) }
            for token in binary {
                let opened = sealer.open(token, as: AccessTokenState.self)
                #expect(opened?.transactionID == "t-1" && opened?.clientID == "c-1" && opened?.expiresAt == 1_767_225_600.25)
            }
        }
    }

    /// The form byte is authenticated where it decides the plaintext's reading: a form-3 token
    /// turned into a 4 (the same message key) and a form-4 token turned into a 3 both fail their
    /// tag, and a form-4 plaintext whose layout number or length is wrong opens as nothing.
    @Test func aChangedFormOrLayoutDoesNotOpen() throws {
        let master = MasterKey.random()
        let purpose = "access-token v1"
        let state = AccessTokenState(transactionID: "t-1", clientID: "c-1", expiresAt: 5)
        for (form, other) in [(UInt8(3), UInt8(4)), (4, 3)] {
            let sealer = Sealer(masterKey: master, purpose: purpose, form: form)
            var token = try #require(Base64URL.decode(try sealer.seal(state)))
            #expect(token[0] == form)
            token[0] = other
            #expect(sealer.open(Base64URL.encode(token), as: AccessTokenState.self) == nil)
            #expect(sealer.openBytes(Base64URL.encode(token)) == nil)
        }
        // A valid layout sealed with form 3's key (the same message key as form 4's) and then
        // labelled 4: only the form byte in form 4's AAD keeps it from opening as a layout.
        let sealer = Sealer(masterKey: master, purpose: purpose)
        var relabelled = try #require(
            Base64URL.decode(try Sealer(masterKey: master, purpose: purpose, form: 3).seal(bytes: state.layoutBytes)))
        #expect(relabelled[0] == 3)
        relabelled[0] = 4
        #expect(sealer.open(Base64URL.encode(relabelled), as: AccessTokenState.self) == nil)
        // Layouts sealed as form 4 by hand: the right one opens, a wrong layout number, a field
        // short or a byte left over do not.
        var writer = ByteWriter()
        state.write(to: &writer)
        let fields = writer.bytes
        #expect(sealer.open(try sealer.seal(Layout<One>(fields: fields)), as: AccessTokenState.self)?.clientID == "c-1")
        for token in [
            try sealer.seal(Layout<Two>(fields: fields)), try sealer.seal(Layout<One>(fields: fields.dropLast())),
            try sealer.seal(Layout<One>(fields: fields + [0])),
        ] {
            #expect(Base64URL.decode(token)?.first == 4)
            #expect(sealer.open(token, as: AccessTokenState.self) == nil)
        }
    }

    /// Raw fields under a chosen layout number, sealed as form 4 (the test's stand-in for a
    /// mistaken writer).
    private struct Layout<Number: LayoutNumber>: BinarySealable {
        static var layout: UInt8 { Number.value }
        var fields: [UInt8]
        func write(to writer: inout ByteWriter) { for byte in fields { writer.byte(byte) } }
        init(fields: [UInt8]) { self.fields = fields }
        init(from reader: inout ByteReader) throws(ByteReader.Malformed) { throw ByteReader.Malformed() }
    }
    private protocol LayoutNumber { static var value: UInt8 { get } }
    private enum One: LayoutNumber { static let value: UInt8 = 1 }
    private enum Two: LayoutNumber { static let value: UInt8 = 2 }

    /// A decision row whose grant cannot be read — damaged, or in a layout of a later release —
    /// is the service's fault at each step that needs the grant: the continue, the code exchange
    /// and userinfo throw `UnreadableGrant` (a logged 500), not an error blaming the browser or
    /// the platform.
    @Test func anUnreadableGrantIsTheServicesFault() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, secret) = try await h.client()
            func damage(_ login: LoginStart) async throws {
                try await h.store.database.write { connection in
                    _ = try await connection.execute(
                        "UPDATE login_transactions SET payload = '~AgAA' WHERE id = $1", [.text(login.transactionID)])
                }
            }
            // The continue.
            let first = try await h.start(ProviderHarness.request(client: client.id))
            _ = try await h.approve(first, with: wallet)
            try await damage(first)
            await #expect(throws: UnreadableGrant.self) { _ = try await h.finish(first) }
            // The code exchange.
            let request = ProviderHarness.request(client: client.id)
            let second = try await h.start(request)
            _ = try await h.approve(second, with: wallet)
            let code = try #require(try await h.finish(second)["code"])
            try await damage(second)
            await #expect(throws: UnreadableGrant.self) {
                _ = try await h.provider.tokens.exchange(
                    ProviderHarness.tokenRequest(client, secret: secret, code: code, verifier: request.verifier))
            }
            // Userinfo.
            let third = ProviderHarness.request(client: client.id)
            let login = try await h.start(third)
            _ = try await h.approve(login, with: wallet)
            let thirdCode = try #require(try await h.finish(login)["code"])
            let tokens = try await h.provider.tokens.exchange(
                ProviderHarness.tokenRequest(client, secret: secret, code: thirdCode, verifier: third.verifier))
            try await damage(login)
            await #expect(throws: UnreadableGrant.self) { _ = try await h.provider.tokens.userinfo(accessToken: tokens.accessToken) }
        }
    }

    /// A rolling upgrade: nodes sealing forms 2, 3 and 4 continue each other's logins — started
    /// and finished on one, approved on another, the code exchanged on the other — and each seals
    /// what it makes (request, code, access token) in its own form.
    @Test func nodesOfEveryFormContinueEachOthersLogins() async throws {
        try await ProviderHarness.with { newest in
            let nodes = [newest.node { $0.sealingForm = 2 }, newest.node { $0.sealingForm = 3 }, newest]
            #expect(nodes.map(\.provider.configuration.sealingForm) == [2, 3, 4])
            let (client, secret) = try await newest.client()
            let wallet = try await newest.wallet()
            for first in nodes {
                for second in nodes where second.provider.configuration.sealingForm != first.provider.configuration.sealingForm {
                    let form = first.provider.configuration.sealingForm
                    let request = ProviderHarness.request(client: client.id)
                    let login = try await first.start(request)
                    #expect(Base64URL.decode(login.requestToken)?.first == form)
                    _ = try await second.approve(login, with: wallet)
                    // The decision row's grant in the approving node's form: JSON, or the layout.
                    let payload = try await newest.store.transaction(id: login.transactionID)?.payload
                    #expect(payload?.first == (second.provider.configuration.sealingForm == 4 ? "~" : "{"))
                    let code = try #require(try await first.finish(login)["code"])
                    #expect(Base64URL.decode(code)?.first == form)
                    let tokens = try await second.provider.tokens.exchange(
                        ProviderHarness.tokenRequest(client, secret: secret, code: code, verifier: request.verifier))
                    #expect(Base64URL.decode(tokens.accessToken)?.first == second.provider.configuration.sealingForm)
                    _ = try await first.verify(tokens.idToken, audience: client.id)
                    let claims = try await first.provider.tokens.userinfo(accessToken: tokens.accessToken)
                    #expect(claims["sub"] != nil)
                }
            }
        }
    }

    /// The layouts of the login's state round-trip every field, optional ones absent and present;
    /// the decision row's grant is read back the same from every form's payload.
    @Test func theLoginsLayoutsKeepEveryField() throws {
        func roundTrip<T: BinarySealable>(_ value: T) throws -> T {
            var writer = ByteWriter()
            value.write(to: &writer)
            var reader = ByteReader(writer.bytes)
            let read = try T(from: &reader)
            try reader.end()
            return read
        }
        let full = AuthorizationRequest(
            clientID: "c-1", redirectURI: "https://rp.example/cb?x=1", scopes: [.openid, .age], state: "状态", nonce: "n-1",
            codeChallenge: "cc", requiredLevel: .high, maxAge: 600, prompt: ["login", "consent"], mode: .r02, modeInACR: false)
        let bare = AuthorizationRequest(
            clientID: "c-2", redirectURI: "https://rp.example/cb", scopes: [.openid], state: nil, nonce: nil, codeChallenge: "c",
            requiredLevel: nil, maxAge: nil, prompt: [])
        for request in [full, bare] {
            let state = LoginState(
                transactionID: "t", nonce: "n", request: request, expiresAt: 1_767_225_600.5, browserBinding: "b", ticket: "k",
                startedAt: 1_767_225_000)
            let read = try roundTrip(state)
            #expect(read.request == request)
            #expect(
                [read.transactionID, read.nonce, read.browserBinding, read.ticket] == ["t", "n", "b", "k"]
                    && read.expiresAt == 1_767_225_600.5 && read.startedAt == 1_767_225_000)
            let code = CodeState(
                transactionID: "t", clientID: request.clientID, redirectURI: request.redirectURI, codeChallenge: "cc",
                nonce: request.nonce, scopes: request.scopes, issuedAt: 7.25)
            let readCode = try roundTrip(code)
            #expect(
                readCode.transactionID == "t" && readCode.clientID == request.clientID
                    && readCode.redirectURI == request.redirectURI && readCode.codeChallenge == "cc"
                    && readCode.nonce == request.nonce && readCode.scopes == request.scopes && readCode.issuedAt == 7.25)
        }
        let proof = try roundTrip(ScanProof(transactionID: "t", scannedAt: 3.5))
        #expect(proof.transactionID == "t" && proof.scannedAt == 3.5)

        // The decision row's grant, every field set and none, written in either form and read
        // back whichever it is; anything else is no grant.
        let fullGrant = LoginGrant(
            subject: "s", level: .substantial, authTime: 1_767_225_600, released: ["age_over_18", "name"], error: "e",
            errorDescription: "d", certificate: "c", responseCodeHash: "h", reason: "r", mode: .r02, amr: ["hwk", "pin"])
        for grant in [fullGrant, LoginGrant(released: [])] {
            for form: UInt8 in [2, 3, 4] {
                let payload = try grant.payload(form: form)
                #expect(payload.first == (form == 4 ? "~" : "{"))
                let read = try #require(LoginGrant(payload: payload))
                let texts: [String?] = [read.subject, read.error, read.errorDescription, read.certificate, read.responseCodeHash, read.reason]
                let expected: [String?] = [grant.subject, grant.error, grant.errorDescription, grant.certificate, grant.responseCodeHash, grant.reason]
                #expect(texts == expected)
                #expect(read.level == grant.level && read.authTime == grant.authTime && read.mode == grant.mode)
                #expect(read.released == grant.released && read.amr == grant.amr)
            }
        }
        let payload = try fullGrant.payload(form: 4)
        for bad in ["", "~", "~" + payload.dropFirst().dropLast(2), "~AgAA", "{", "[]", String(payload.dropFirst())] {
            #expect(LoginGrant(payload: bad) == nil)
        }
    }

    /// Known answers, computed outside Swift (Python's `cryptography`: HKDF, HMAC and AES-GCM by
    /// the format's definition) for master key bytes 1…32, salt 0xa0…0xaf and `{"a":"b"}`: the
    /// `0x02` token is what releases before 2026-12-05 sealed for it, so those still open.
    @Test func knownTokensOfBothFormsOpen() throws {
        let master = try MasterKey(bytes: Array(UInt8(1)...UInt8(32)))
        let tickets = Sealer(masterKey: master, purpose: "login-ticket v1")
        for token in [
            "AqChoqOkpaanqKmqq6ytrq_qBCnKLz2haTOmmnOpJndbRXbqWDrGIRPS",
            "A6ChoqOkpaanqKmqq6ytrq-qleDz8N4NhbRSWyZ9ZTHbhS3FKZ0a-bcT",
        ] {
            #expect(tickets.openBytes(token) == Array(#"{"a":"b"}"#.utf8))
            #expect(Sealer(masterKey: master, purpose: "authorization-code v1").openBytes(token) == nil)
        }
        // Form 4, computed the same way with the AAD `qr-scan v1` ‖ 0x04 and the plaintext
        // 01 ‖ 04 "AAAA" ‖ 1767225600.5 as a big-endian IEEE 754 double: a scan proof.
        let form4 = "BKChoqOkpaanqKmqq6ytrq8wjPns-4Ud7nNEkARwb0MhT5qDIlR0Siq_-3xbiew"
        let proof = Sealer(masterKey: master, purpose: "qr-scan v1").open(form4, as: ScanProof.self)
        #expect(proof?.transactionID == "AAAA" && proof?.scannedAt == 1_767_225_600.5)
        #expect(Sealer(masterKey: master, purpose: "login-ticket v1").open(form4, as: ScanProof.self) == nil)
    }

    /// The format as RFC 5869 and AES-GCM define it, checked with swift-crypto's own HKDF: a
    /// token opens with HKDF-Expand(purpose key, purpose ‖ salt) and a zero nonce; a version-2
    /// token (what nodes sealed before: HKDF-Extract with the salt, then Expand) still opens; the
    /// same bytes under another version byte do not.
    @Test func theFormatIsHKDFExpandAndVersionTwoStillOpens() throws {
        let master = MasterKey.random()
        let purpose = "login-ticket v1"
        let sealer = Sealer(masterKey: master, purpose: purpose)
        let purposeKey = master.derive("sealer \(purpose)")
        let plain = Array(#"{"a":"b"}"#.utf8)
        for version: UInt8 in [3, 2] {
            let sealed = try Sealer(masterKey: master, purpose: purpose, form: version).seal(bytes: plain)
            let token = try #require(Base64URL.decode(sealed))
            #expect(token[0] == version && token.count == 1 + 16 + plain.count + 16)
            let salt = Array(token[1..<17])
            let key =
                version == 3
                ? HKDF<SHA256>.expand(pseudoRandomKey: purposeKey, info: Array(purpose.utf8) + salt, outputByteCount: 32)
                : HKDF<SHA256>.deriveKey(
                    inputKeyMaterial: purposeKey, salt: salt, info: Array(purpose.utf8), outputByteCount: 32)
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)), ciphertext: token[17..<(token.count - 16)],
                tag: token[(token.count - 16)...])
            #expect(Array(try AES.GCM.open(box, using: key, authenticating: Array(purpose.utf8))) == plain)
            #expect(sealer.openBytes(sealed) == plain)
            var other = token
            for byte: UInt8 in [version == 3 ? 2 : 3, 1, 4, 5] {
                other[0] = byte
                #expect(sealer.openBytes(Base64URL.encode(other)) == nil)
            }
        }
        // Two sealings of one value differ (fresh salt, so a fresh key).
        #expect(try sealer.seal(bytes: plain) != sealer.seal(bytes: plain))
    }
}

@Suite struct SealingBenchmarkTests {
    /// The benchmark runs every operation of a login in both forms — it throws if one of them
    /// fails to seal or open, or if a form's tokens and grant are not of that form — and reports
    /// a cost for each.
    @Test func everyOperationRunsInBothForms() throws {
        let lines = try SealingBenchmark.run(iterations: 3, rounds: 1)
        #expect(lines.count == (SealingBenchmark.perLogin.count + 1) * 2)
        for operation in SealingBenchmark.perLogin.map(\.operation) + [SealingBenchmark.login] {
            #expect(lines.filter { $0.operation == operation }.map(\.form).sorted() == [3, 4])
        }
        #expect(lines.allSatisfy { $0.nanoseconds > 0 })
    }
}
