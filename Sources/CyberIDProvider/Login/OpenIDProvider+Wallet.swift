import CyberIDBase64URL
import Crypto
import CyberIDCore
import CyberIDEnrollment
public import CyberIDStore
public import Foundation

/// A remembered consent as the wallet lists it.
public struct ConsentView: Sendable, Codable, Equatable {
    public var clientID: String
    public var clientName: String
    public var claims: [String]
    public var grantedAt: Date

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientName = "client_name", claims, grantedAt = "granted_at"
    }
}

extension OpenIDProvider {
    /// Authenticates a wallet's own request (`Authorization: CyberID-Wallet <JWS>`): the JWS
    /// binds the method and path (and a request body by its SHA-256, `bdh`), is fresh, and is
    /// signed by a valid network certificate whose holder is not cancelled.
    /// - Parameter body: the request body, for requests that have one; the JWS must bind it.
    /// - Returns: the holder.
    /// - Throws: ``ProviderError`` `invalid-wallet-signature`.
    public func authenticateWallet(
        _ authorization: String?, method: String, path: String, body: [UInt8]? = nil, now: Date = Date()
    ) async throws -> LoginHolder {
        let prefix = "CyberID-Wallet "
        guard let authorization, authorization.hasPrefix(prefix) else {
            throw ProviderError.invalidWalletSignature("send Authorization: CyberID-Wallet <JWS>")
        }
        let jws: WalletJWS
        do {
            jws = try WalletJWS(
                compact: String(authorization.dropFirst(prefix.count)), authority: authority, issuedCache: issuedCertificates,
                now: now)
        } catch {
            throw ProviderError.invalidWalletSignature(error.reason)
        }
        struct Payload: Decodable { var aud: String?, purpose: String?, htm: String?, htu: String?, iat: Double?, bdh: String? }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: jws.payload), payload.aud == issuer,
            payload.purpose == "wallet-api", payload.htm?.uppercased() == method.uppercased(), payload.htu == path
        else { throw ProviderError.invalidWalletSignature("the JWS is not for this request (aud, purpose, htm, htu)") }
        guard let iat = payload.iat, abs(now.timeIntervalSince1970 - iat) <= configuration.approvalSkew else {
            throw ProviderError.invalidWalletSignature("the JWS is not fresh (iat)")
        }
        if let body, !body.isEmpty {
            guard isSHA256(payload.bdh, of: body) else {
                throw ProviderError.invalidWalletSignature("the JWS does not bind this request body (bdh)")
            }
        }
        guard let holder = try await decisions.loginHolder(certificateSerial: jws.serial, clientID: ""),
            holder.certificateStatus == .valid, holder.personState != .cancelled
        else { throw ProviderError.invalidWalletSignature("the certificate is unknown or revoked") }
        return holder
    }

    /// The person's remembered consents, with the platforms' names.
    public func consents(personID: String) async throws -> [ConsentView] {
        var out = [ConsentView]()
        for consent in try await decisions.consents(personID: personID) {
            let name = try await registry.client(id: consent.clientID)?.name ?? consent.clientID
            out.append(
                ConsentView(clientID: consent.clientID, clientName: name, claims: consent.claims.sorted(), grantedAt: consent.grantedAt))
        }
        return out
    }

    /// Withdraws the person's consent for a platform, and records it in the history.
    /// - Throws: ``ProviderError`` `unknown-client` when there was none.
    public func withdrawConsent(personID: String, clientID: String, now: Date = Date()) async throws {
        guard try await decisions.withdrawConsent(personID: personID, clientID: clientID) else {
            throw ProviderError.unknownClient("no consent for \(clientID)")
        }
        try await history.append(
            HistoryEntry(personID: personID, clientID: clientID, event: "consent-withdrawn", outcome: "success", occurredAt: now))
    }
}

/// One line of the person's history as the wallet shows it.
public struct HistoryView: Sendable, Encodable {
    public var id: Int64?
    public var event: String
    public var outcome: String
    public var clientID: String?
    public var clientName: String?
    public var detail: [String: JSONValue]
    public var occurredAt: Date

    enum CodingKeys: String, CodingKey {
        case id, event, outcome, clientID = "client_id", clientName = "client_name", detail, occurredAt = "occurred_at"
    }
}

extension OpenIDProvider {
    /// The person's history, newest first, with the platforms' current names.
    public func history(personID: String, limit: Int = 100) async throws -> [HistoryView] {
        var names = [String: String]()
        var out = [HistoryView]()
        for entry in try await history.history(personID: personID, limit: max(1, min(limit, 1000))) {
            var name: String?
            if let client = entry.clientID {
                if let known = names[client] {
                    name = known
                } else {
                    name = try await registry.client(id: client)?.name
                    names[client] = name
                }
            }
            out.append(
                HistoryView(
                    id: entry.id, event: entry.event, outcome: entry.outcome, clientID: entry.clientID, clientName: name,
                    detail: Self.detail(entry.detail), occurredAt: entry.occurredAt))
        }
        return out
    }

    static func detail(_ json: String) -> [String: JSONValue] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        var out = [String: JSONValue]()
        for (key, value) in object {
            switch value {
            case let text as String: out[key] = .string(text)
            case let list as [String]: out[key] = .strings(list)
            case let flag as Bool: out[key] = .bool(flag)
            case let number as Double: out[key] = .number(number)
            default: continue
            }
        }
        return out
    }
}
