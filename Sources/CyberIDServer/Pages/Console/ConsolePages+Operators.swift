import CyberIDCore
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation

extension ConsolePages {
    /// An operator as the Operators page lists them.
    typealias OperatorRow = (name: String, networkNumber: String?, roles: [OperatorRole])

    /// `/console/operators`: every operator with their number and roles; for `admin` operators a
    /// revoke button per role and the grant form (granting `admin` or `records` needs a second admin).
    func operators(_ frame: ConsoleFrame, operators: [OperatorRow]) -> String {
        let language = frame.language
        let canGrant = OperatorRules.allows(frame.roles, .grantRole)
        let rows: [[String: Any]] = operators.enumerated().map {
            operatorRow($0.element, index: $0.offset + 1, canGrant: canGrant, language)
        }
        let values: [String: Any] = [
            "operatorRows": rows, "hasOperators": !rows.isEmpty, "canGrant": canGrant,
            "columns": canGrant ? "4" : "3",
            "roleOptions": OperatorRole.allCases.map { option($0.rawValue, role($0, language)) },
        ]
        return render("operators", frame, title: text("console_nav_operators", language), values)
    }

    /// One operator's row; `index` is 1-based (the revoke buttons' ids: `revoke-INDEX-ROLE`).
    func operatorRow(_ item: OperatorRow, index: Int, canGrant: Bool, _ language: Language) -> [String: Any] {
        var row: [String: Any] = [
            "operatorIndex": String(index), "operatorName": item.name,
            "operatorRoles": item.roles.isEmpty ? text("common_none", language) : roleList(item.roles, language),
        ]
        if let number = item.networkNumber {
            row["operatorNumber"] = Self.displayNumber(number)
            if canGrant {
                row["revocations"] = item.roles.sorted().map { role -> [String: Any] in
                    [
                        "revokeNumber": Self.formNumber(number), "revokeRole": role.rawValue,
                        "revokeID": "revoke-\(index)-\(role.rawValue)",
                        "revokeLabel": text("console_revoke_role", language, ["role": self.role(role, language)]),
                    ]
                }
            }
        }
        return row
    }

    /// `/console/audit`: the filter form, the verify button and its result (as the route words
    /// it), the checkpoint download, and the entries, newest first as given, each with the
    /// operator's display name.
    func audit(
        _ frame: ConsoleFrame, entries: [AuditEntryRecord], verification: String?, filter: AuditFilter = AuditFilter(),
        total: Int? = nil
    ) -> String {
        let language = frame.language
        let rows: [[String: Any]] = entries.map { entry -> [String: Any] in
            [
                "entrySeq": String(entry.seq), "entryWhen": DateText.dateTime(entry.occurredAt, language, frame.zone),
                "entryActor": entry.actor, "entryAction": entry.action, "entryTarget": entry.target,
                "entryReason": entry.reason.isEmpty ? "—" : entry.reason,
            ]
        }
        var values: [String: Any] = [
            "entries": rows, "hasEntries": !rows.isEmpty, "filterActor": filter.actor, "filterAction": filter.action,
            "filterFrom": filter.from, "filterTo": filter.to,
            "shownText": text("console_audit_shown", language, ["shown": String(rows.count), "total": String(total ?? rows.count)]),
        ]
        if let verification { values["verification"] = verification }
        return render("audit", frame, title: text("console_nav_audit", language), values)
    }
}

/// The audit page's filter, as typed: the operator's name (contains), the action (starts
/// with), and a range of days (`YYYY-MM-DD`, in the operator's zone, both included).
struct AuditFilter: Sendable {
    var actor = ""
    var action = ""
    var from = ""
    var to = ""

    /// The store's query for this filter between `start` and `end` (the typed days, parsed in the
    /// operator's zone before this is asked): the database picks and counts the entries.
    func query(from start: Date?, until end: Date?) -> AuditQuery {
        AuditQuery(actorContains: actor, actionPrefix: action, from: start, until: end)
    }
}
