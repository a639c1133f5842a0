import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An in-process fake of the CyberID service for `URLSession`: each test registers a handler
/// under its own host name, so tests running in parallel never see each other's answers.
final class StubURLProtocol: URLProtocol {
    /// What the fake service answers.
    struct Answer: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]

        /// A JSON answer.
        static func json(_ status: Int, _ text: String) -> Answer {
            Answer(status: status, contentType: "application/json", body: Array(text.utf8))
        }

        /// A CyberID problem document.
        static func problem(_ code: String, _ status: Int, _ detail: String) -> Answer {
            let object: [String: Any] = [
                "type": "urn:cyberid:problem:\(code)", "title": code, "status": status, "detail": detail,
            ]
            let body = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            return Answer(status: status, contentType: "application/problem+json", body: Array(body))
        }
    }

    /// Gets the request (path, JSON body) and answers it.
    typealias Handler = @Sendable (_ path: String, _ body: [UInt8]) throws -> Answer

    private static let lock = NSLock()
    nonisolated(unsafe) private static var handlers: [String: Handler] = [:]

    /// A base URL and a session whose requests to it `handler` answers.
    static func register(_ handler: @escaping Handler) -> (baseURL: URL, session: URLSession) {
        let host = "stub-\(UUID().uuidString.lowercased()).test"
        lock.lock()
        handlers[host] = handler
        lock.unlock()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.protocolClasses = [StubURLProtocol.self]
        return (URL(string: "https://\(host)")!, URLSession(configuration: configuration))
    }

    private static func handler(for host: String) -> Handler? {
        lock.lock()
        defer { lock.unlock() }
        return handlers[host]
    }

    override class func canInit(with request: URLRequest) -> Bool { true }

    override class func canonicalRequest(for request: URLRequest) -> URLRequest { request }

    override func startLoading() {
        guard let url = request.url, let host = url.host, let handler = Self.handler(for: host) else {
            client?.urlProtocol(self, didFailWithError: URLError(.unsupportedURL))
            return
        }
        let answer: Answer
        do {
            answer = try handler(url.path, Self.body(of: request))
        } catch {
            answer = .problem("stub-failure", 500, "\(error)")
        }
        let response = HTTPURLResponse(
            url: url, statusCode: answer.status, httpVersion: "HTTP/1.1",
            headerFields: ["Content-Type": answer.contentType])!
        client?.urlProtocol(self, didReceive: response, cacheStoragePolicy: .notAllowed)
        client?.urlProtocol(self, didLoad: Data(answer.body))
        client?.urlProtocolDidFinishLoading(self)
    }

    override func stopLoading() {}

    /// The request body, whether URLSession kept it as data or turned it into a stream.
    private static func body(of request: URLRequest) -> [UInt8] {
        if let body = request.httpBody { return Array(body) }
        guard let stream = request.httpBodyStream else { return [] }
        stream.open()
        defer { stream.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = stream.read(&buffer, maxLength: buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}
