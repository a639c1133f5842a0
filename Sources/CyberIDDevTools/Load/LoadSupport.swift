import AsyncHTTPClient
public import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

public struct LoadError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A JSON-over-HTTP client on AsyncHTTPClient's shared pool.
public struct LoadClient: Sendable {
    let base: String

    /// A client of the server at `base`.
    public init(base: String) { self.base = base }

    /// POSTs JSON and expects `status`.
    public func post(_ path: String, _ body: [String: String], expect status: UInt) async throws -> [String: Any] {
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
public actor OutboxReader {
    private let path: String
    private var offset: UInt64 = 0
    private var codes: [String: String] = [:]

    /// Reads the outbox at `path` from its current end.
    public init(path: String) {
        self.path = path
        offset = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
    }

    /// The next code sent to `phone`.
    public func code(for phone: String) async throws -> String {
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

/// The ES256 operations a login needs, measured in this process: the rate ceiling of one core.
public struct ES256Ceiling: Sendable {
    public var signPerSecond: Double
    public var verifyPerSecond: Double

    /// Measures `iterations` signatures and verifications.
    public static func measure(iterations: Int = 2000) -> ES256Ceiling {
        let key = P256.Signing.PrivateKey()
        let message = Array(repeating: UInt8(7), count: 300)
        var signature = try! key.signature(for: message)
        let signStart = ContinuousClock.now
        for _ in 0..<iterations { signature = try! key.signature(for: message) }
        let signTime = ContinuousClock.now - signStart
        var valid = 0
        let verifyStart = ContinuousClock.now
        for _ in 0..<iterations where key.publicKey.isValidSignature(signature, for: message) { valid += 1 }
        let verifyTime = ContinuousClock.now - verifyStart
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        precondition(valid == iterations)
        return ES256Ceiling(
            signPerSecond: Double(iterations) / seconds(signTime), verifyPerSecond: Double(iterations) / seconds(verifyTime))
    }
}

/// CPU time (user + system) of a process, from /proc (Linux) or getrusage for this process.
public enum ProcessCPU {
    /// The CPU seconds of `pid` (this process when `nil`).
    public static func seconds(pid: Int32?) -> Double? {
        let path = pid.map { "/proc/\($0)/stat" } ?? "/proc/self/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
