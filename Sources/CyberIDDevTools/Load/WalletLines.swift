public import CyberIDWallet
public import Foundation
import Synchronization

/// Many wallets in one file, one wallet file's JSON a line (the format `cyberid wallet` keeps,
/// so each line is a wallet): what `cyberid dev seed --wallets-out` appends and `cyberid bench
/// login --wallet-file` reads, so that a load generator logs in as persons spread over a seeded
/// store. The file holds private keys: it is created with mode 0600.
public final class WalletLines: Sendable {
    private let state: Mutex<(handle: FileHandle?, written: Int, failure: String?)>

    /// Opens `path` for appending, creating it (mode 0600) when it does not exist.
    public init(appendingTo path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        // An existing file is made private too before a key is added to it.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.state = Mutex((handle, 0, nil))
    }

    /// Appends wallets, one line each, in one write. A failure is kept for ``close()`` (the
    /// caller's work goes on; nothing more is written).
    public func append(_ wallets: [WalletFile]) {
        state.withLock { state in
            guard let handle = state.handle, state.failure == nil else { return }
            do {
                var lines = Data()
                for wallet in wallets {
                    lines += try wallet.json(pretty: false)
                    lines.append(UInt8(ascii: "\n"))
                }
                try handle.write(contentsOf: lines)
                state.written += wallets.count
            } catch {
                state.failure = error.localizedDescription
            }
        }
    }

    /// Closes the file: how many wallets were written, and the first failure.
    public func close() -> (written: Int, failure: String?) {
        state.withLock { state in
            if let handle = state.handle {
                do { try handle.close() } catch { state.failure = state.failure ?? error.localizedDescription }
            }
            state.handle = nil
            return (state.written, state.failure)
        }
    }

    /// The wallets in the file at `path`, each pointed at `server` (the seed wrote the issuer it
    /// was configured with). Empty lines are skipped.
    /// - Throws: ``WalletLinesError`` naming the first line that is not a wallet.
    public static func read(_ path: String, server: String) throws -> [Wallet] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var wallets = [Wallet]()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            do {
                var file = try WalletFile(json: Data(line))
                file.server = server
                wallets.append(try Wallet(file: file))
            } catch {
                throw WalletLinesError(line: number + 1, reason: "\(error)")
            }
        }
        return wallets
    }
}

/// A line of a wallets file that is not a wallet.
public struct WalletLinesError: Error, CustomStringConvertible {
    /// The line, from 1.
    public let line: Int
    /// Why.
    public let reason: String

    public var description: String { "line \(line) is not a wallet: \(reason)" }
}
