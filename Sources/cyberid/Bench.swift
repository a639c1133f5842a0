import ArgumentParser
import AsyncHTTPClient
import Crypto
import CyberIDCore
import CyberIDDocuments
import CyberIDEnrollment
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import SwiftASN1
import Synchronization
import X509

/// `cyberid bench`: load generators against a running server (loopback only).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load generators against a running CyberID server.", subcommands: [Enroll.self, Login.self])

    /// `cyberid bench enroll`.
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run complete HTTP enrollments (document, phone OTP via the outbox, CSR) and report the rate.",
            discussion: """
                The server must trust the development CSCA kept in --document-dir (cyberid dev document --out DIR \
                --trust) and write SMS to the outbox file it is given (the default when no gateway is configured). \
                Documents for distinct persons are made before the clock starts.
                """)

        @Option(help: "Server base URL.") var server = "http://127.0.0.1:8080"
        @Option(help: "Directory holding the trusted development CSCA.") var documentDir: String
        @Option(help: "The server's SMS outbox file.") var outbox = "./data/sms-outbox.jsonl"
        @Option(help: "Concurrent clients.") var clients = 8
        @Option(help: "Enrollments in total.") var count = 200

        func validate() throws {
            guard clients > 0, count > 0 else { throw ValidationError("--clients and --count must be positive") }
            guard let url = URL(string: server), ["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") else {
                throw ValidationError("bench runs against a loopback server only")
            }
        }

        func run() async throws {
            let csca = try DevDocumentFactory.CSCA.loadOrMake(directory: URL(fileURLWithPath: documentDir))
            let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36).uppercased()
            print("making \(count) documents…")
            var made = [DevDocumentFactory.Document]()
            for index in 0..<count {
                made.append(
                    try DevDocumentFactory.make(
                        holder: DevDocumentFactory.Holder(
                            birthDate: try CalendarDate(iso8601: "1985-05-05"), documentNumber: "B\(runID.prefix(4))\(index)",
                            expiryDate: try CalendarDate(iso8601: "2033-01-01")),
                        csca: csca))
            }
            let codes = OutboxReader(path: outbox)
            let client = LoadClient(base: server)
            let next = Locked(0)
            let latencies = Locked<[Double]>([])
            let failures = Locked<[String: Int]>([:])
            let documents = made
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        while true {
                            let index = next.withLock { value -> Int? in
                                guard value < documents.count else { return nil }
                                defer { value += 1 }
                                return value
                            }
                            guard let index else { return }
                            let began = ContinuousClock.now
                            do {
                                try await Self.enroll(
                                    documents[index], phone: "+86139\(String(format: "%08d", index))", client: client, codes: codes)
                                let elapsed = ContinuousClock.now - began
                                latencies.withLock { $0.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000) }
                            } catch {
                                failures.withLock { $0["\(error)", default: 0] += 1 }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = ContinuousClock.now - start
            let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
            let sorted = latencies.withLock { $0 }.sorted()
            func percentile(_ p: Double) -> String {
                guard !sorted.isEmpty else { return "-" }
                return String(format: "%.1f ms", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
            }
            print(String(format: "completed %d enrollments in %.2f s: %.1f enrollments/s with %d clients", sorted.count, seconds, Double(sorted.count) / seconds, clients))
            print("latency p50 \(percentile(0.5))  p90 \(percentile(0.9))  p99 \(percentile(0.99))")
            let failed = failures.withLock { $0 }
            for (reason, number) in failed { print("failed \(number)×: \(reason)") }
            if !failed.isEmpty { throw ExitCode(1) }
        }

        @discardableResult
        static func enroll(_ document: DevDocumentFactory.Document, phone: String, client: LoadClient, codes: OutboxReader) async throws
            -> (P256.Signing.PrivateKey, [String: Any])
        {
            let started = try await client.post("/enrollment/v1/sessions", [:], expect: 201)
            guard let id = started["session_id"] as? String, let challengeText = started["aa_challenge"] as? String,
                let challenge = base64URL(challengeText)
            else { throw LoadError("bad start answer") }
            let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
            _ = try await client.post(
                "/enrollment/v1/sessions/\(id)/document",
                [
                    "dg1": base64URL(document.chip.dg1), "dg2": base64URL(document.chip.dg2 ?? []),
                    "dg15": base64URL(document.chip.dg15 ?? []), "sod": base64URL(document.chip.sod),
                    "aa_signature": base64URL(answer),
                ], expect: 200)
            _ = try await client.post("/enrollment/v1/sessions/\(id)/phone", ["phone": phone], expect: 202)
            let code = try await codes.code(for: phone)
            _ = try await client.post("/enrollment/v1/sessions/\(id)/phone/confirm", ["code": code], expect: 200)
            let key = P256.Signing.PrivateKey()
            let csr = try CertificateSigningRequest(
                version: .v1, subject: try DistinguishedName { CommonName("bench wallet") }, privateKey: .init(key),
                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
            let issued = try await client.post(
                "/enrollment/v1/sessions/\(id)/complete", ["csr": try csr.serializeAsPEM().pemString], expect: 201)
            return (key, issued)
        }
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

struct LoadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A JSON-over-HTTP client on AsyncHTTPClient's shared pool.
struct LoadClient: Sendable {
    let base: String

    func post(_ path: String, _ body: [String: String], expect status: UInt) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
        guard response.status.code == status else {
            throw LoadError("\(path.split(separator: "/").last ?? ""): \(response.status.code) \(object["type"] ?? "")")
        }
        return object
    }
}

/// Reads one-time codes from the server's development SMS outbox as they arrive.
actor OutboxReader {
    private let path: String
    private var offset: UInt64 = 0
    private var codes: [String: String] = [:]

    init(path: String) {
        self.path = path
        offset = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
    }

    func code(for phone: String) async throws -> String {
        for _ in 0..<500 {
            if let code = codes.removeValue(forKey: phone) { return code }
            readNewLines()
            if let code = codes.removeValue(forKey: phone) { return code }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw LoadError("no code arrived in the outbox for a phone")
    }

    private func readNewLines() {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return }
        // Only whole lines; a partial last line is read next time.
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return }
        let complete = data[data.startIndex...lastNewline]
        offset += UInt64(complete.count)
        for line in complete.split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: String],
                let to = object["to"], let text = object["text"]
            else { continue }
            let words = text.split(separator: " ")
            if words.count > 2 { codes[to] = String(words[2].filter(\.isNumber)) }
        }
    }
}

func base64URL(_ bytes: [UInt8]) -> String { EnrollmentCoding.base64URLEncode(bytes) }

func base64URL(_ text: String) -> [UInt8]? { EnrollmentCoding.base64URLDecode(text) }
