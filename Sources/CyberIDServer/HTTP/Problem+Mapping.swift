import CyberIDCore
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDProvider
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
        switch error {
        case let problem as Problem:
            return problem
        case let error as CoreError:
            return Problem(
                code: error.code.description.replacingUnderscores, title: "Invalid value", status: .badRequest,
                detail: error.reason)
        case let error as EnrollmentError:
            return Problem(
                code: error.code, title: Self.title(error.code), status: HTTPResponse.Status(code: error.status),
                detail: error.reason)
        case let error as LifecycleError:
            let status: HTTPResponse.Status =
                switch error.code {
                case .reasonRequired: .badRequest
                case .actorNotAllowed: .forbidden
                case .transitionNotAllowed, .cancelled: .conflict
                }
            return Problem(code: error.code.rawValue, title: Self.title(error.code.rawValue), status: status, detail: error.reason)
        case let error as ProviderError:
            return Problem(
                code: error.code.replacingUnderscores, title: Self.title(error.code.replacingUnderscores),
                status: HTTPResponse.Status(code: error.status), detail: error.reason)
        case let error as DocumentError:
            let code = error.code.description
            return Problem(
                code: code, title: Self.title(code), status: code == "unparseable-document" ? .badRequest : .unprocessableContent,
                detail: error.reason)
        case let error as StoreError where error == .conflict:
            return Problem(code: "conflict", title: "Conflict", status: .conflict, detail: error.reason)
        case let error as StoreError where error == .notFound:
            return Problem(code: "not-found", title: "Not found", status: .notFound, detail: error.reason)
        case let error as StoreError where error == .unavailable:
            return Problem(
                code: "store-unavailable", title: "Service unavailable", status: .serviceUnavailable,
                detail: "The data store is unavailable; try again shortly.")
        case is NIOTooManyBytesError:
            return Problem(
                code: "body-too-large", title: "Request body too large", status: .contentTooLarge,
                detail: "The request body exceeds the service's limit.")
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return .notFound()
            case .badRequest:
                return Problem(
                    code: "malformed-request", title: "Malformed request", status: .badRequest,
                    detail: error.body ?? "The request body is not the JSON this endpoint expects.")
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
        case let error as any HTTPResponseError:
            return Problem(code: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status)
        default:
            return Problem(
                code: "internal-error", title: "Internal error", status: .internalServerError,
                detail: "The service failed to handle this request; it has been logged.")
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
