import CyberIDCore
import CyberIDStore
import Hummingbird
import NIOCore

extension Problem {
    /// The route does not exist.
    static func notFound() -> Problem {
        Problem(code: "not-found", title: "Not found", status: .notFound, detail: "No resource at this path and method.")
    }

    /// Maps any error thrown below the HTTP layer to a problem, once, here.
    ///
    /// Domain errors carry their own stable codes; Hummingbird's decoding errors become
    /// `malformed-request`; anything unknown becomes a generic 500 whose detail reveals nothing.
    static func from(_ error: any Error) -> Problem {
        if let problem = domain(error) { return problem }
        switch error {
        case is NIOTooManyBytesError:
            return Problem(
                code: "body-too-large", title: "Request body too large", status: .contentTooLarge,
                detail: "The request body exceeds the service's limit.")
        case let error as HTTPError:
            return http(error)
        case let error as any HTTPResponseError:
            return Problem(code: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status)
        default:
            return Problem(
                code: "internal-error", title: "Internal error", status: .internalServerError,
                detail: "The service failed to handle this request; it has been logged.")
        }
    }

    /// A domain error's problem: its own stable code, its kind's status.
    static func domain(_ error: any Error) -> Problem? {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError where error == .unavailable:
            return Problem(
                code: "store-unavailable", title: "Service unavailable", status: .serviceUnavailable,
                detail: "The data store is unavailable; try again shortly.")
        case let error as any ServiceError where error.kind != .failure:
            let code = error.code.replacingUnderscores
            return Problem(code: code, title: Self.title(code), status: .init(error.kind), detail: error.reason)
        default:
            // A fault of the service (`.failure`) or an unknown error: a generic 500.
            return nil
        }
    }

    /// Hummingbird's own errors: decoding, body size, media type, unknown routes.
    static func http(_ error: HTTPError) -> Problem {
        switch error.status {
        case .notFound:
            return .notFound()
        case .badRequest:
            return .malformedRequest(error.body ?? "The request body is not the JSON this endpoint expects.")
        case .contentTooLarge:
            return Problem(
                code: "body-too-large", title: "Request body too large", status: .contentTooLarge,
                detail: "The request body exceeds the service's limit.")
        case .unsupportedMediaType:
            return Problem(
                code: "unsupported-media-type", title: "Unsupported media type", status: .unsupportedMediaType,
                detail: error.body ?? "Send application/json.")
        default:
            return Problem(
                code: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status,
                detail: error.body)
        }
    }
}

extension Problem {
    /// `dg-hash-mismatch` → `Dg hash mismatch`: a readable title from a code.
    static func title(_ code: String) -> String {
        let words = code.split(separator: "-").joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension String {
    /// `check_character_mismatch` → `check-character-mismatch`, the style of problem codes.
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}

extension HTTPResponse.Status {
    /// The one mapping from a module's ``ErrorKind`` to an HTTP status.
    init(_ kind: ErrorKind) {
        let code =
            switch kind {
            case .invalid: 400
            case .unauthenticated: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .gone: 410
            case .unprocessable: 422
            case .locked: 423
            case .rateLimited: 429
            case .unavailable: 503
            case .failure: 500
            }
        self.init(code: code)
    }
}
