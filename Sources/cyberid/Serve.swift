import ArgumentParser
import CyberIDServer
import CyberIDStore
import Hummingbird
import Logging

/// `cyberid serve`: runs the HTTP service until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the CyberID service.",
        discussion: """
            Applies pending database migrations, loads (or on first start generates) the signing keys, \
            and serves HTTP until SIGTERM or SIGINT, then finishes in-flight requests and exits.
            """)

    @Option(help: "Listen on this port instead of CYBERID_PORT.")
    var port: Int?

    func run() async throws {
        var settings = try await loadSettings()
        if let port {
            guard (0...65_535).contains(port) else { throw configurationFailure("--port must be 0–65535") }
            settings.port = port
        }
        let logger = makeLogger(settings)
        let finalSettings = settings
        try await runOrExit {
            try await withRuntime(settings: finalSettings, logger: logger) { runtime in
                let app = buildApplication(runtime: runtime, logger: logger) { port in
                    print("CyberID issuer: \(runtime.settings.issuer)")
                    print("listening on:   http://\(runtime.settings.host):\(port)")
                    print("database:       \(runtime.settings.database.redacted)")
                    print("data directory: \(runtime.settings.dataDirectory)")
                    print("master key:     \(describe(runtime.masterKeySource))")
                    if runtime.generatedSigningKey { print("generated the first signing key") }
                }
                try await runUntilSignalled(app, logger: logger)
            }
        }
    }
}
