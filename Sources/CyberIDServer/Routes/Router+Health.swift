import CyberIDKeys
import CyberIDStore
import Hummingbird
import NIOCore

extension Router where Context == AppRequestContext {
    /// `GET /health`: the process is alive (no dependencies checked, so orchestrators do not
    /// restart a healthy process because the database blinked). `GET /ready`: the store answers
    /// and a signing key is loaded, so this process can serve logins.
    func addHealthRoutes(database: any SQLDatabase, signingKeys: SigningKeySet) {
        get("health") { _, _ in
            Response.json(#"{"status":"ok"}"#)
        }
        get("ready") { _, _ in
            do {
                try await database.ping()
            } catch {
                throw Problem(
                    code: "not-ready", title: "Not ready", status: .serviceUnavailable,
                    detail: "The data store does not answer.")
            }
            guard (try? signingKeys.activeKey()) != nil else {
                throw Problem(
                    code: "not-ready", title: "Not ready", status: .serviceUnavailable, detail: "No signing key is loaded.")
            }
            return Response.json(#"{"status":"ready"}"#)
        }
    }
}

extension Response {
    /// A JSON response from already-encoded text.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
