import CyberIDCore
import CyberIDServices
import CyberIDWeb
import Foundation

extension ConsolePages {
    /// `/console/pending`: the four-eyes requests, each with what it asks, for whom, why, who
    /// asked and when, where it stands, and the forms this operator may use (approve or refuse;
    /// carry out or show the record once approved).
    func pending(_ frame: ConsoleFrame, requests: [ConsoleRequest]) -> String {
        let rows: [[String: Any]] = requests.map { requestRow($0, frame) }
        return render(
            "pending", frame, title: text("console_nav_pending", frame.language),
            ["requests": rows, "hasRequests": !rows.isEmpty])
    }

    /// One request's row.
    func requestRow(_ request: ConsoleRequest, _ frame: ConsoleFrame) -> [String: Any] {
        let language = frame.language
        var row: [String: Any] = [
            "requestID": request.id, "requestAction": label("action_", request.action, language),
            "requestReason": request.reason, "requester": request.requesterName,
            "requestedAt": DateText.dateTime(request.requestedAt, language, frame.zone),
            "requestStatus": label("console_status_", request.status, language),
            "decider": request.deciderName ?? "—",
            "canDecide": request.canDecide, "canCarryOut": request.canCarryOut,
            "hasDecision": request.canDecide || request.canCarryOut,
            "openLabel": text(
                request.action == OperatorAction.readRecord.rawValue ? "console_open_record" : "console_carry_out",
                language),
        ]
        let target = Self.target(request.target)
        row["requestNumber"] =
            request.target == "signing-key"
            ? text("console_target_signing_key", language) : Self.displayNumber(target.number)
        if let role = target.role { row["requestRole"] = self.role(role, language) }
        return row
    }

    /// A request's target: a network number, or `NUMBER:ROLE` for a role grant.
    static func target(_ target: String) -> (number: String, role: OperatorRole?) {
        guard let colon = target.lastIndex(of: ":"),
            let role = OperatorRole(rawValue: String(target[target.index(after: colon)...]))
        else { return (target, nil) }
        return (String(target[..<colon]), role)
    }

    /// `/console/requests/open` for an approved record request: the identity record, once, to the
    /// requester, with the legal basis and the warning that the person sees the look-up.
    /// - Parameter fields: catalogue keys (`console_record_surname`, …) and their values.
    func record(_ frame: ConsoleFrame, request: ConsoleRequest, fields: [(key: String, value: String)]) -> String {
        let language = frame.language
        let rows: [[String: Any]] = fields.map { field -> [String: Any] in
            ["fieldLabel": has(field.key, language) ? text(field.key, language) : field.key, "fieldValue": field.value]
        }
        let values: [String: Any] = [
            "fields": rows, "recordNumber": Self.displayNumber(Self.target(request.target).number),
            "recordBasis": request.reason, "recordRequester": request.requesterName,
            "recordDecider": request.deciderName ?? "—",
        ]
        return render("record", frame, title: text("console_record_title", language), values)
    }
}
