import Configuration
import CyberIDKeys
import CyberIDStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import CyberIDServer

/// Settings for a test: SQLite in a fresh temporary directory, plus any overrides.
func testSettings(_ overrides: [String: String] = [:]) async throws -> (ServerSettings, String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-server-\(UUID().uuidString)").path
    var environment = ["CYBERID_DATA_DIR": directory, "CYBERID_PORT": "0"]
    environment.merge(overrides) { $1 }
    return (try await ServerSettings.load(environment: environment), directory)
}

/// Runs `body` against the full router on a fresh runtime.
func withTestApp(
    _ overrides: [String: String] = [:], _ body: @escaping @Sendable (any TestClientProtocol, Runtime) async throws -> Void
) async throws {
    let (settings, directory) = try await testSettings(overrides)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await withRuntime(settings: settings, logger: Logger(label: "test")) { runtime in
        let app = Application(router: buildRouter(runtime: runtime), logger: Logger(label: "test"))
        try await app.test(.router) { client in try await body(client, runtime) }
    }
}

/// `POST /v1/network-numbers/check` with a JSON body.
func checkNumber(
    _ client: any TestClientProtocol, _ body: String, _ check: @escaping @Sendable (TestResponse) async throws -> Void
) async throws {
    try await client.execute(
        uri: "/v1/network-numbers/check", method: .post, headers: [.contentType: "application/json"],
        body: ByteBuffer(string: body), testCallback: check)
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
