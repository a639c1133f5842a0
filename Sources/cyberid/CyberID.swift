import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `cyberid`: the CyberID service and its tools.
@main
struct CyberID: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberid",
        abstract: "CyberID — national online identity authentication service.",
        discussion: """
            Configuration comes from CYBERID_* environment variables (and an optional JSON file named by \
            CYBERID_CONFIG_FILE); see docs/configuration.md. With no configuration, CyberID runs on \
            http://127.0.0.1:8080 with SQLite and keys under ./data/.
            """,
        subcommands: [
            Serve.self, Admin.self, WalletCommand.self, VerifierCommand.self, VerifyCodeCommand.self, Dev.self, Bench.self,
        ])

    /// Runs the command, with usage errors exiting 2 (as configuration errors do) rather than
    /// ArgumentParser's 64, so scripts see one convention: 0 ok, 1 failure, 2 usage or configuration.
    static func main() async {
        // Swift Concurrency's jobs run on NIO's event loops: a request's handler then continues
        // on the thread that does its I/O instead of hopping between two thread pools (NIO's
        // recommendation for servers; measured in docs/benchmarks.md).
        if ProcessInfo.processInfo.environment["CYBERID_NIO_EXECUTOR"] != "0" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
