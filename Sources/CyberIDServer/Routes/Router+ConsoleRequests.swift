import CyberIDCore
import CyberIDLifecycle
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDVault
import CyberIDWeb
import Foundation
import Hummingbird

extension Router where Context == AppRequestContext {
    /// Four-eyes requests: ask (cancel a person, read a record), list, approve or refuse, and
    /// carry out once.
    func addConsoleRequestRoutes(_ console: Console) {
        consolePost("console/requests", .pending, console) { _, call in try await Self.fileRequest(console, call) }
        consoleGet("console/pending", .pending, console) { request, call in
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            return Console.html(console.pages.pending(frame, requests: try await Self.requests(console, call)))
        }
        consolePost("console/requests/decide", .pending, console) { _, call in
            let approve = call.form["decision"] == "approve"
            guard approve || call.form["decision"] == "refuse" else { throw Self.invalid("decision") }
            try call.requireFresh(console.freshness)
            let reason = call.form["reason"].flatMap { $0.isEmpty ? nil : $0 }
            _ = try await call.admin.decideFourEyes(
                id: try Self.field("id", call.form), approve: approve, by: call.operatorID, reason: reason)
            return Portal.seeOther("/console/pending?done=" + (approve ? "approved" : "refused"))
        }
        consolePost("console/requests/open", .record, console) { _, call in
            try call.requireFresh(console.freshness)
            let id = try Self.field("id", call.form)
            // A record read already carried out is shown again, to its requester, for 15 minutes.
            if try await console.admin.fourEyesRequest(id: id).status == .executed {
                let (request, record) = try await call.admin.showRecordAgain(id: id, by: call.operatorID)
                let view = try await Self.requestView(console, call, request, names: try await Self.operatorNames(console))
                return Console.html(console.pages.record(call.frame, request: view, fields: Self.recordFields(record)))
            }
            if try await console.admin.fourEyesRequest(id: id).action == OperatorAction.readRecord.rawValue {
                // Both operators hold `records` (the rules allow no other): the person sees the
                // legal basis and the two roles, never the names.
                let (request, record) = try await call.admin.readApprovedRecord(
                    id: id, by: call.operatorID, roles: ["records", "records"])
                let view = try await Self.requestView(console, call, request, names: try await Self.operatorNames(console))
                return Console.html(console.pages.record(call.frame, request: view, fields: Self.recordFields(record)))
            }
            // An operator is not cancelled from the console: checked again before the approval is
            // used up (the person may have been made an operator since the request).
            let approved = try await console.admin.fourEyesRequest(id: id)
            if approved.action == OperatorAction.cancelPerson.rawValue, approved.requestedBy == call.operatorID {
                try await Self.refuseOperatorTarget(console, approved.target)
            }
            let claimed = try await call.admin.claimApproved(id: id, by: call.operatorID)
            return try await Self.carryOut(console, call, claimed)
        }
    }

    /// Files a four-eyes request from the Pending form: a cancellation, a record read or a
    /// signing-key rotation.
    static func fileRequest(_ console: Console, _ call: ConsoleCall) async throws -> Response {
        guard let action = OperatorAction(rawValue: try Self.field("action", call.form)),
            [.cancelPerson, .readRecord, .rotateSigningKey].contains(action)
        else { throw Self.invalid("action") }
        try call.require(action)
        try call.requireFresh(console.freshness)
        if action == .rotateSigningKey {
            _ = try await call.admin.requestFourEyes(
                action, target: "signing-key", detail: ["reason": try Self.field("reason", call.form)], by: call.operatorID)
            return Portal.seeOther("/console/pending?done=requested")
        }
        let number = try Self.field("number", call.form)
        let canonical = (try? NetworkNumber(parsing: number))?.canonical ?? number
        let reason = try AdminService.checkedReason(try Self.field("reason", call.form), for: action.rawValue)
        if action == .cancelPerson {
            try await Self.lookUpForAct(console, call, canonical)
        } else {
            _ = try await call.admin.lookUp(networkNumber: canonical)  // an unknown number is refused now
        }
        _ = try await call.admin.requestFourEyes(action, target: canonical, detail: ["reason": reason], by: call.operatorID)
        return Portal.seeOther("/console/pending?done=requested")
    }

    /// Carries out an approved act for its requester (a record read is `readApprovedRecord`):
    /// the cancellation, the signing-key rotation, or the role grant.
    static func carryOut(_ console: Console, _ call: ConsoleCall, _ request: FourEyesRequestRecord) async throws -> Response {
        let detail = request.detailFields
        let reason = detail["reason"] ?? ""
        switch OperatorAction(rawValue: request.action) {
        case .cancelPerson:
            _ = try await call.admin.apply(.cancel, networkNumber: request.target, reason: reason)
        case .rotateSigningKey:
            _ = try await call.admin.rotateSigningKey(reason: "four-eyes \(request.id): \(reason)")
        case .grantSensitiveRole:
            guard let role = detail["role"].flatMap(OperatorRole.init(rawValue:)), let number = detail["number"] else {
                throw Self.invalid("request")
            }
            if detail["operation"] == "revoke" {
                _ = try await call.admin.revokeRole(role, networkNumber: number)
            } else {
                _ = try await call.admin.grantRole(role, networkNumber: number, displayName: detail["name"] ?? "")
            }
        default:
            throw Self.invalid("action")
        }
        return Portal.seeOther("/console/pending?done=carried-out")
    }

    static func recordFields(_ record: IdentityRecord) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [
            ("console_record_surname", record.surname), ("console_record_given_names", record.givenNames),
            ("console_record_birth_date", record.birthDate.description), ("console_record_nationality", record.nationality),
            ("console_record_sex", record.sex), ("console_record_document_number", record.documentNumber),
            ("console_record_document_expiry", record.documentExpiry.description),
        ]
        if let number = record.personalNumber { fields.append(("console_record_personal_number", number)) }
        if let phone = record.phone { fields.append(("console_record_phone", phone)) }
        return fields
    }

    /// Person id → display name of every operator.
    static func operatorNames(_ console: Console) async throws -> [String: String] {
        Dictionary(
            try await console.admin.operators().map { ($0.record.personID, $0.record.displayName) }, uniquingKeysWith: { a, _ in a })
    }

    /// Pending requests and the operator's own approved ones, as the page lists them.
    static func requests(_ console: Console, _ call: ConsoleCall) async throws -> [ConsoleRequest] {
        let names = try await operatorNames(console)
        // An operator sees a request only if their roles concern it or they asked for it: the
        // targets and legal bases are not for every operator's eyes.
        let pending = try await console.admin.fourEyesRequests(status: .pending).filter { request in
            request.requestedBy == call.operatorID
                || OperatorAction(rawValue: request.action).map { OperatorRules.allows(call.roles, $0) } == true
        }
        let approved = try await console.admin.fourEyesRequests(status: .approved).filter { $0.requestedBy == call.operatorID }
        // The operator's own record reads of the last 15 minutes, to show again.
        let reads = try await console.admin.recentRecordReads(by: call.operatorID)
        var out = [ConsoleRequest]()
        for request in pending + approved + reads { out.append(try await requestView(console, call, request, names: names)) }
        return out
    }

    static func requestView(
        _ console: Console, _ call: ConsoleCall, _ request: FourEyesRequestRecord, names: [String: String]
    ) async throws -> ConsoleRequest {
        let detail = request.detailFields
        let now = Date()
        let action = OperatorAction(rawValue: request.action)
        let subject = request.status == .pending ? try await console.admin.fourEyesSubject(request) : nil
        let canDecide =
            action.map {
                OperatorRules.approvalRefusal(
                    action: $0, requestedBy: request.requestedBy, requestedAt: request.requestedAt,
                    pending: request.status == .pending, approver: call.operatorID, approverRoles: call.roles,
                    subject: subject, now: now) == nil
            } ?? false
        return ConsoleRequest(
            id: request.id, action: request.action, target: request.target, reason: detail["reason"] ?? "",
            requesterName: names[request.requestedBy] ?? request.requestedBy, requestedAt: request.requestedAt,
            status: request.status.rawValue, deciderName: request.decidedBy.map { names[$0] ?? $0 }, canDecide: canDecide,
            canCarryOut: request.requestedBy == call.operatorID
                && (request.status == .approved && now < request.expiresAt
                    || request.status == .executed && action == .readRecord
                        && (request.executedAt.map { now < $0 + AdminService.recordShowWindow } ?? false)))
    }

    /// The notice after a console action (`?done=…`, one of a fixed list).
    static func consoleFlash(_ request: Request) -> String? {
        let known = [
            "applied", "requested", "approved", "refused", "granted", "grant-requested", "revoked", "carried-out", "changed",
            "disabled", "enabled", "policy-set", "policy-cleared", "trust-added", "trust-already", "trust-removed",
        ]
        guard let done = (try? FormParameters(encoded: request.uri.query ?? ""))?["done"], known.contains(done) else {
            return nil
        }
        return "console_flash_" + done.replacingOccurrences(of: "-", with: "_")
    }
}
