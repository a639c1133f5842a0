import Benchmark
import Crypto
import CyberIDCore
import CyberIDDevTools
import CyberIDDocuments
import CyberIDKeys
import CyberIDQR
import Foundation

/// The ceilings later work is measured against: how fast the pure core and the cryptographic
/// primitives are on this machine, in one process. (The store's own benchmarks were removed on
/// 2026-12-05: they no longer built — persons are created only by enrollment's transaction and
/// authorization codes became login transactions — and the store is measured end to end by
/// `scripts/login-steps`, `scripts/bench-login` and `scripts/scale-login`, benchmarks.md.)
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    Benchmark("NetworkNumber.generate") { benchmark in
        var rng = SystemRandomNumberGenerator()
        for _ in benchmark.scaledIterations {
            blackHole(NetworkNumber.generate(using: &rng))
        }
    }

    Benchmark("NetworkNumber.parse") { benchmark in
        let text = NetworkNumber.generate().formatted.lowercased()
        for _ in benchmark.scaledIterations {
            blackHole(try NetworkNumber(parsing: text))
        }
    }

    // ES256 over a typical ID-token signing input (~400 bytes).
    let signingInput = Array(String(repeating: "eyJhbGciOiJFUzI1NiJ9", count: 20).utf8)
    let key = SigningKey(privateKey: P256.Signing.PrivateKey())

    Benchmark("ES256.sign") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try key.sign(signingInput))
        }
    }

    Benchmark("ES256.verify") { benchmark in
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: try key.sign(signingInput))
        let publicKey = key.privateKey.publicKey
        for _ in benchmark.scaledIterations {
            blackHole(publicKey.isValidSignature(signature, for: signingInput))
        }
    }

    Benchmark("Envelope.seal+open 1 KiB") { benchmark in
        let envelope = EnvelopeEncryption(masterKey: .random())
        let record = [UInt8](repeating: 0x41, count: 1024)
        for _ in benchmark.scaledIterations {
            let sealed = try envelope.seal(record, context: "person:p")
            blackHole(try envelope.open(sealed, context: "person:p"))
        }
    }

    // A sealed token's message key (docs/benchmarks.md, "The sixth step"): the full HKDF of the
    // 0x02 form against HKDF-Expand alone (the 0x03 form), through swift-crypto's `expand` and
    // as the one HMAC that its 32-byte output is (what the sealer does).
    let purposeKey = SymmetricKey(size: .bits256)
    let purpose = Array("login-ticket v1".utf8)
    let salt = [UInt8](repeating: 0x5a, count: 16)

    Benchmark("MessageKey.HKDF (sealed 0x02)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(HKDF<SHA256>.deriveKey(inputKeyMaterial: purposeKey, salt: salt, info: purpose, outputByteCount: 32))
        }
    }

    Benchmark("MessageKey.HKDF-Expand (sealed 0x03)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(HKDF<SHA256>.expand(pseudoRandomKey: purposeKey, info: purpose + salt, outputByteCount: 32))
        }
    }

    Benchmark("MessageKey.HMAC T(1) (sealed 0x03)") { benchmark in
        for _ in benchmark.scaledIterations {
            var info = purpose
            info.reserveCapacity(purpose.count + salt.count + 1)
            info += salt
            info.append(1)
            blackHole(SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: info, using: purposeKey)))
        }
    }

    // One AES-GCM seal, for scale.

    Benchmark("AES-GCM.seal 200 B (fixed key)") { benchmark in
        let message = [UInt8](repeating: 0x41, count: 200)
        let nonce = try AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))
        for _ in benchmark.scaledIterations {
            blackHole(try AES.GCM.seal(message, using: purposeKey, nonce: nonce, authenticating: purpose))
        }
    }

    // The login page's QR code: a wallet link of a login's length (246 bytes, version 11),
    // encoded (eight masks scored) and drawn as the SVG the page inlines and `/authorize/qr` sends.
    let loginLink =
        "cyberid://login?iss=https%3A%2F%2Fid.example.gov.cn&t=" + String(repeating: "Ab9-_xYz", count: 20) + "&qt=12&qa="
        + String(repeating: "q", count: 22)
    Benchmark("QRCode.encode login link") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try QRCode(text: loginLink, errorCorrection: .medium)) }
    }
    Benchmark("QRCode.svg login link") { benchmark in
        let code = try QRCode(text: loginLink, errorCorrection: .medium)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(code.svg(moduleSize: 4, quietZone: 4, title: "QR code")) }
        benchmark.stopMeasurement()
    }
    // The status poll's image (benchmarks.md, "The eleventh step"): as base64 of the SVG, and as
    // the text data URL written directly.
    Benchmark("QRCode.svg base64 data URL login link") { benchmark in
        let code = try QRCode(text: loginLink, errorCorrection: .medium)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole("data:image/svg+xml;base64," + Data(code.svg(moduleSize: 4, quietZone: 4, title: "QR code").utf8).base64EncodedString())
        }
        benchmark.stopMeasurement()
    }
    Benchmark("QRCode.svgDataURL login link") { benchmark in
        let code = try QRCode(text: loginLink, errorCorrection: .medium)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(code.svgDataURL(moduleSize: 4, quietZone: 4, title: "QR code")) }
        benchmark.stopMeasurement()
    }

    // Passive + active authentication of a whole eMRTD, as the document step runs it.
    for rsa in [false, true] {
        Benchmark("Document.verify PA+AA \(rsa ? "RSA-2048" : "P-256")") { benchmark in
            let csca = try DevDocumentFactory.CSCA.make()
            let document = try DevDocumentFactory.make(
                holder: DevDocumentFactory.Holder(
                    birthDate: try CalendarDate(iso8601: "1990-01-01"), expiryDate: try CalendarDate(iso8601: "2031-01-01")),
                csca: csca, rsa: rsa)
            let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
            let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
            let verifier = DocumentVerifier(trustStore: TrustStore(cscas: [csca.certificate]))
            let today = try CalendarDate(iso8601: "2026-11-25")
            let now = Date()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(
                    try verifier.verify(
                        document.chip, challenge: challenge, activeAuthenticationSignature: answer, at: now, today: today))
            }
            benchmark.stopMeasurement()
        }
    }
}
