public import Hummingbird
import Foundation
import NIOCore

/// An RFC 9457 problem details response (`application/problem+json`).
///
/// Every non-OAuth error the service returns is one of these, with a stable `type` URI per
/// failure so clients can branch on it without parsing English.
public struct Problem: Error, Sendable, Equatable, Codable {
    /// Stable identifier of the failure kind, `urn:cyberid:problem:<code>`.
    public var type: String
    /// Short summary of the kind.
    public var title: String
    /// The HTTP status code (JSON member `status`).
    public var statusCode: Int
    /// Explanation of this occurrence; never personal data.
    public var detail: String?

    private enum CodingKeys: String, CodingKey {
        case type, title, detail
        case statusCode = "status"
    }

    /// Creates a problem.
    /// - Parameters:
    ///   - code: the short code appended to `urn:cyberid:problem:` (e.g. `not-found`).
    ///   - title: the kind's summary.
    ///   - status: the HTTP status.
    ///   - detail: what happened this time.
    public init(code: String, title: String, status: HTTPResponse.Status, detail: String? = nil) {
        self.type = "urn:cyberid:problem:\(code)"
        self.title = title
        self.statusCode = status.code
        self.detail = detail
    }

    /// The problem's code, the last part of ``type``.
    public var code: String { String(type.split(separator: ":").last ?? "") }

    /// `400 malformed-request`: a parameter or body the endpoint cannot read; `detail` says what
    /// to send instead.
    public static func malformedRequest(_ detail: String) -> Problem {
        Problem(code: "malformed-request", title: "Malformed request", status: .badRequest, detail: detail)
    }
}

extension Problem: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data(#"{"status":500,"title":"Internal error"}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
