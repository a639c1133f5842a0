import CyberIDCore
import Foundation
import Hummingbird
import NIOCore

/// `POST /v1/network-numbers/check` body.
struct NetworkNumberCheckRequest: Decodable {
    let networkNumber: String

    enum CodingKeys: String, CodingKey {
        case networkNumber = "network_number"
    }
}

/// `POST /v1/network-numbers/check` answer.
struct NetworkNumberCheckResponse: Encodable, ResponseEncodable {
    let valid: Bool
    let formatted: String
    let canonical: String
}

extension Router where Context == AppRequestContext {
    /// `POST /v1/network-numbers/check`: validates a typed network number (format and check
    /// character) and returns its canonical forms. It looks nothing up, so it reveals nothing
    /// about whether the number was issued; support desks and platforms use it to catch typos.
    func addNetworkNumberRoutes() {
        post("v1/network-numbers/check") { request, context in
            let body = try await request.decode(as: NetworkNumberCheckRequest.self, context: context)
            let number = try NetworkNumber(parsing: body.networkNumber)
            return NetworkNumberCheckResponse(valid: true, formatted: number.formatted, canonical: number.canonical)
        }
    }
}
