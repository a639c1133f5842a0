import Benchmark
import Crypto
import CyberIDCore
import CyberIDDocuments
import CyberIDKeys
import CyberIDStore
import Foundation
import Logging

/// The ceilings later work is measured against: how fast the pure core, the ES256 primitive and
/// the embedded store are on this machine, in one process.
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

    // The embedded store: a file SQLite database in WAL mode, as `cyberid serve` uses it, with
    // 1,000 persons, set up once per benchmark (not measured).
    Benchmark(
        "SQLite.history.insert", configuration: .init(maxDuration: .seconds(5)),
        closure: { benchmark in
            let store = try BenchmarkStore.current()
            let start = Date()
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                try await store.append(
                    HistoryEntry(
                        personID: "p\(index % 1_000)", clientID: "rp", event: "login", outcome: "success",
                        occurredAt: start.addingTimeInterval(Double(index))))
            }
            benchmark.stopMeasurement()
        }, setup: BenchmarkStore.setUp, teardown: BenchmarkStore.tearDown)

    Benchmark(
        "SQLite.person.lookupByNumber", configuration: .init(maxDuration: .seconds(5)),
        closure: { benchmark in
            let store = try BenchmarkStore.current()
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                blackHole(try await store.person(networkNumber: "N\(index % 1_000)"))
            }
            benchmark.stopMeasurement()
        }, setup: BenchmarkStore.setUp, teardown: BenchmarkStore.tearDown)

    Benchmark(
        "SQLite.code.insert+redeem", configuration: .init(maxDuration: .seconds(5)),
        closure: { benchmark in
            let store = try BenchmarkStore.current()
            let now = Date()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let hash = (0..<32).map { _ in UInt8.random(in: 0...255) }
                try await store.insert(
                    AuthorizationCodeRecord(
                        codeHash: hash, clientID: "rp", personID: "p1", payload: "{}", createdAt: now,
                        expiresAt: now.addingTimeInterval(60)))
                blackHole(try await store.redeem(codeHash: hash, at: now))
            }
            benchmark.stopMeasurement()
        }, setup: BenchmarkStore.setUp, teardown: BenchmarkStore.tearDown)
}

/// A migrated SQLite store in a temporary directory with 1,000 persons and one client, shared by
/// the iterations of one benchmark and removed afterwards.
enum BenchmarkStore {
    nonisolated(unsafe) static var state: (store: SQLStore, database: SQLiteStoreDatabase, directory: URL)?

    struct NotSetUp: Error {}

    static func current() throws -> SQLStore {
        guard let state else { throw NotSetUp() }
        return state.store
    }

    @Sendable static func setUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("bench.sqlite").path)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        try await Migrator().migrate(database, logger: logger)
        let store = SQLStore(database: database)
        let now = Date()
        try await store.create(ClientRecord(clientID: "rp", name: "Bench RP", secretHash: nil, metadata: "{}", createdAt: now))
        for index in 0..<1_000 {
            var blind = [UInt8](repeating: 0, count: 32)
            blind[0] = UInt8(index & 0xFF)
            blind[1] = UInt8(index >> 8)
            try await store.create(
                PersonRecord(
                    id: "p\(index)", state: .active, blindIndex: blind, assuranceLevel: .substantial, ageBand: .adult,
                    recordCiphertext: [UInt8](repeating: 1, count: 300), recordWrappedKey: [UInt8](repeating: 2, count: 60),
                    createdAt: now, updatedAt: now),
                networkNumber: "N\(index)")
        }
        state = (store, database, directory)
    }

    @Sendable static func tearDown() async throws {
        guard let current = state else { return }
        await current.database.close()
        try? FileManager.default.removeItem(at: current.directory)
        state = nil
    }
}
