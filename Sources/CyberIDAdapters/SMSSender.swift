public import Foundation

/// Sends one-time codes by SMS. Implementations must not log the phone number or the code.
public protocol SMSSender: Sendable {
    /// Sends `text` to `phone` (E.164).
    func send(to phone: String, text: String) async throws
}

/// The development sender: appends one JSON line per message to an outbox file
/// (`data/sms-outbox.jsonl`), which `cyberid wallet enroll` reads in development.
///
/// The outbox holds phone numbers and codes in clear: it is a development tool, created with
/// mode 0600; configure a gateway (``WebhookSMSSender``) in production.
public actor OutboxSMSSender: SMSSender {
    private let path: String
    private let now: @Sendable () -> Date

    /// Creates a sender writing to `path`.
    public init(path: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.path = path
        self.now = now
    }

    public func send(to phone: String, text: String) async throws {
        let line: [String: String] = ["to": phone, "text": text, "at": ISO8601DateFormatter().string(from: now())]
        var data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        data.append(0x0A)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        // No fsync: a development outbox need not survive a power cut, and an fsync per code
        // would dominate the enrollment path.
        try handle.write(contentsOf: data)
    }
}
