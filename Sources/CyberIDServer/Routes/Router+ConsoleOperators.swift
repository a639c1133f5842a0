import CyberIDCore
import CyberIDServices
import CyberIDStore
import Foundation
import Hummingbird

extension Router where Context == AppRequestContext {
    /// Operators: the list, and `admin` operators granting and revoking roles (granting `admin`
    /// or `records` is a four-eyes act).
    func addConsoleOperatorRoutes(_ console: Console) {
        consoleGet("console/operators", .operators, console) { request, call in
            try call.require(.viewOperators)
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            let operators = try await console.admin.operators().map { entry in
                (
                    name: entry.record.displayName, networkNumber: entry.networkNumber,
                    roles: entry.record.roles.compactMap(OperatorRole.init(rawValue:)).sorted()
                )
            }
            return Console.html(console.pages.operators(frame, operators: operators))
        }
        consolePost("console/operators/grant", .operators, console) { _, call in
            guard let role = OperatorRole(rawValue: try Self.field("role", call.form)) else { throw Self.invalid("role") }
            let number = try Self.field("number", call.form)
            let name = try AdminService.checkedDisplayName(try Self.field("name", call.form))
            let action = OperatorAction.granting(role)
            try call.require(action)
            // No one grants themselves a role (an admin would otherwise take support alone).
            guard try await console.admin.personID(networkNumber: number) != call.operatorID else {
                throw AdminError.selfGrant()
            }
            guard OperatorRules.needsSecondOperator(action) else {
                _ = try await call.admin.grantRole(role, networkNumber: number, displayName: name)
                return Portal.seeOther("/console/operators?done=granted")
            }
            try call.requireFresh(console.freshness)
            let canonical = (try? NetworkNumber(parsing: number))?.canonical ?? number
            let person = try await call.admin.summary(networkNumber: canonical).personID
            try await call.admin.checkDisplayNameFree(name, for: person)
            _ = try await call.admin.requestFourEyes(
                action, target: "\(canonical):\(role.rawValue)",
                detail: ["role": role.rawValue, "name": name, "number": canonical, "reason": "grant \(role.rawValue) to \(name)"],
                by: call.operatorID)
            return Portal.seeOther("/console/pending?done=grant-requested")
        }
        // Revoking `admin` or `records` is a four-eyes act too: one admin cannot remove the
        // others (nor the last admin) alone.
        consolePost("console/operators/revoke", .operators, console) { _, call in
            guard let role = OperatorRole(rawValue: try Self.field("role", call.form)) else { throw Self.invalid("role") }
            let number = try Self.field("number", call.form)
            let action = OperatorAction.granting(role)
            try call.require(action)
            guard OperatorRules.needsSecondOperator(action) else {
                _ = try await call.admin.revokeRole(role, networkNumber: number)
                return Portal.seeOther("/console/operators?done=revoked")
            }
            try call.requireFresh(console.freshness)
            let canonical = (try? NetworkNumber(parsing: number))?.canonical ?? number
            _ = try await call.admin.requestFourEyes(
                action, target: "\(canonical):\(role.rawValue)",
                detail: ["role": role.rawValue, "number": canonical, "operation": "revoke", "reason": "revoke \(role.rawValue)"],
                by: call.operatorID)
            return Portal.seeOther("/console/pending?done=grant-requested")
        }
    }
}
