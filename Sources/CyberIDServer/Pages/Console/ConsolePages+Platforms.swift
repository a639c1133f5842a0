import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation

extension ConsolePages {
    /// A client secret shown once, on the page that answers the registration.
    typealias Registered = (clientID: String, name: String, secret: String?)

    /// `/console/platforms`: every platform (CyberID's own applications aside) with its state,
    /// legal basis, events URL and Security Event delivery; for `platforms` operators the
    /// edit links, enable/disable buttons and the registration form.
    func platforms(
        _ frame: ConsoleFrame, clients: [Client], delivery: [DeliveryStatusRecord], registered: Registered? = nil,
        problem: String? = nil
    ) -> String {
        let language = frame.language
        let canChange = OperatorRules.allows(frame.roles, .changePlatform)
        let deliveries = Dictionary(delivery.map { ($0.clientID, $0) }, uniquingKeysWith: { a, _ in a })
        let rows: [[String: Any]] = clients.enumerated().map { index, client in
            var row: [String: Any] = [
                "platformIndex": String(index + 1), "platformID": client.id, "platformName": client.name,
                "platformState": text(client.disabled ? "console_platform_disabled" : "console_platform_enabled", language),
                "platformBasis": client.metadata.legalBasis ?? "—", "platformEvents": client.metadata.eventsURI ?? "—",
                "platformDelivery": deliveryText(deliveries[client.id], frame), "platformCreated": DateText.date(client.createdAt, language, frame.zone),
                "platformScopes": client.metadata.scopes.map(\.rawValue).joined(separator: " "),
                "disableValue": client.disabled ? "0" : "1",
                "disableLabel": text(client.disabled ? "console_platform_enable" : "console_platform_disable", language),
            ]
            if let error = deliveries[client.id]?.lastError { row["platformError"] = error }
            return row
        }
        var values: [String: Any] = [
            "platformRows": rows, "hasPlatforms": !rows.isEmpty, "canChange": canChange, "columns": canChange ? "7" : "6",
            "authOptions": [
                option(ClientAuthMethod.clientSecretBasic.rawValue, text("console_auth_basic", language)),
                option(ClientAuthMethod.clientSecretPost.rawValue, text("console_auth_post", language)),
            ],
        ]
        if let registered {
            values["registeredID"] = registered.clientID
            values["registeredName"] = registered.name
            if let secret = registered.secret { values["registeredSecret"] = secret }
        }
        if let problem { values["problem"] = problem }
        return render("platforms", frame, title: text("console_nav_platforms", language), values)
    }

    /// What the delivery column says: "12 delivered, 1 waiting · last 2 Dec 2026 10:00".
    func deliveryText(_ status: DeliveryStatusRecord?, _ frame: ConsoleFrame) -> String {
        guard let status else { return text("console_delivery_none", frame.language) }
        var line = text(
            "console_delivery_counts", frame.language,
            ["delivered": String(status.delivered), "waiting": String(status.waiting)])
        if status.abandoned > 0 {
            line += text("common_list_separator", frame.language)
                + text("console_delivery_abandoned", frame.language, ["count": String(status.abandoned)])
        }
        if status.dropped > 0 {
            line += text("common_list_separator", frame.language)
                + text("console_delivery_dropped", frame.language, ["count": String(status.dropped)])
        }
        if let last = status.lastDeliveredAt {
            line += " · " + text("console_delivery_last", frame.language, ["when": DateText.dateTime(last, frame.language, frame.zone)])
        }
        return line
    }

    /// `/console/platforms/edit?id=…`: the name, legal basis and events URL of one platform.
    func platformEdit(_ frame: ConsoleFrame, client: Client) -> String {
        let values: [String: Any] = [
            "platformID": client.id, "platformName": client.name, "platformBasis": client.metadata.legalBasis ?? "",
            "platformEvents": client.metadata.eventsURI ?? "", "platformRedirects": client.metadata.redirectURIs.joined(separator: " "),
            "platformSector": client.metadata.sector,
        ]
        return render(
            "platform-edit", frame, title: text("console_platform_edit_title", frame.language, ["name": client.name]), values)
    }

    /// `/console/policy`: the re-verification intervals (global and per platform) and, for
    /// `platforms` operators, the forms to set and clear them.
    func policy(_ frame: ConsoleFrame, intervals: [(scope: String, seconds: Int64, setAt: Date)], clients: [Client]) -> String {
        let language = frame.language
        let names = Dictionary(clients.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let canChange = OperatorRules.allows(frame.roles, .setPolicy)
        let rows: [[String: Any]] = intervals.enumerated().map { index, interval in
            [
                "policyIndex": String(index + 1), "policyScope": interval.scope,
                "policyScopeLabel": interval.scope == "*" ? text("console_policy_global", language) : (names[interval.scope] ?? interval.scope),
                "policyDays": Self.days(interval.seconds), "policySetAt": DateText.dateTime(interval.setAt, language, frame.zone),
            ]
        }
        let values: [String: Any] = [
            "policyRows": rows, "hasPolicies": !rows.isEmpty, "canChange": canChange, "columns": canChange ? "4" : "3",
            "scopeOptions": [option("*", text("console_policy_global", language))]
                + clients.map { option($0.id, "\($0.name) (\($0.id))") },
        ]
        return render("policy", frame, title: text("console_nav_policy", language), values)
    }

    /// An interval in days, as a number a person reads ("30", "0.5").
    static func days(_ seconds: Int64) -> String {
        seconds % 86_400 == 0 ? String(seconds / 86_400) : String(format: "%.2f", Double(seconds) / 86_400)
    }
}
