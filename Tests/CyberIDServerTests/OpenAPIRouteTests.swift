import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationCompat
import Testing

@testable import CyberIDServer

/// The OpenAPI document (`GET /openapi.json`) is kept true: it describes exactly the routes
/// the router has — no route undocumented, no documented route missing (issue 13).
@Suite struct OpenAPIRouteTests {
    /// `METHOD /path/{}` with every path parameter reduced to `{}`.
    static func normalized(_ method: String, _ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    static func documented() throws -> Set<String> {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return Set(paths.flatMap { path, operations in
            operations.keys.filter(methods.contains).map { normalized($0, path) }
        })
    }

    @Test func theDocumentDescribesExactlyTheRoutes() async throws {
        let (settings, directory) = try await testSettings()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withRuntime(settings: settings, logger: Logger(label: "test")) { runtime in
            let all = Set(buildRouter(runtime: runtime).routes.map { Self.normalized($0.method.rawValue, "\($0.path)") })
            // The portal's browser pages answer HTML and are documented in docs/portal.md.
            #expect(WebRoutes.browserPaths.subtracting(all).sorted() == [], "browser pages the router does not have")
            let routes = all.subtracting(WebRoutes.browserPaths)
            let documented = try Self.documented()
            #expect(routes.subtracting(documented).sorted() == [], "routes without a description")
            #expect(documented.subtracting(routes).sorted() == [], "described routes the router does not have")
            #expect(routes.count > 30)
        }
    }

    @Test func theDocumentIsServedAsOpenAPI31() async throws {
        try await withTestApp { client, _ in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect((body["openapi"] as? String)?.hasPrefix("3.1") == true)
                #expect((body["paths"] as? [String: Any])?["/openapi.json"] != nil)
            }
        }
    }
}
