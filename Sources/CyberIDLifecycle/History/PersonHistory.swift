public import CyberIDCore
public import CyberIDStore
public import Foundation

/// One line of the person's history as the wallet and the portal show it.
public struct HistoryView: Sendable, Encodable {
    public var id: Int64?
    public var event: String
    public var outcome: String
    public var clientID: String?
    public var clientName: String?
    public var detail: [String: JSONValue]
    public var occurredAt: Date

    public init(
        id: Int64?, event: String, outcome: String, clientID: String?, clientName: String?, detail: [String: JSONValue],
        occurredAt: Date
    ) {
        (self.id, self.event, self.outcome, self.clientID, self.clientName, self.detail, self.occurredAt) = (
            id, event, outcome, clientID, clientName, detail, occurredAt
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, event, outcome, clientID = "client_id", clientName = "client_name", detail, occurredAt = "occurred_at"
    }
}

/// The person's history: the one writer of lines outside a larger transaction, and the reader
/// that shows them with the platforms' current names. (Lines that belong to a change — a login
/// decision, a transition, a renewal — are written by the store in that change's transaction,
/// built with the same typed ``HistoryEvent`` vocabulary.)
public struct PersonHistory: Sendable {
    let store: any HistoryStore
    let clientName: @Sendable (_ clientID: String) async throws -> String?

    /// Creates the history.
    /// - Parameter clientName: a platform's current name.
    public init(store: any HistoryStore, clientName: @escaping @Sendable (_ clientID: String) async throws -> String?) {
        self.store = store
        self.clientName = clientName
    }

    /// Appends a line.
    @discardableResult
    public func record(_ entry: HistoryEntry) async throws -> HistoryEntry { try await store.append(entry) }

    /// The person's history, newest first, with the platforms' current names.
    /// - Parameter limit: at most this many lines (1…1000).
    public func lines(personID: String, limit: Int = 100) async throws -> [HistoryView] {
        try await views(try await store.history(personID: personID, limit: max(1, min(limit, 1000))))
    }

    /// Lines as shown, with the platforms' current names (each name read once).
    public func views(_ entries: [HistoryEntry]) async throws -> [HistoryView] {
        var names = [String: String?]()
        var out = [HistoryView]()
        for entry in entries {
            var name: String?
            if let client = entry.clientID {
                if let known = names[client] {
                    name = known
                } else {
                    name = try await clientName(client)
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
