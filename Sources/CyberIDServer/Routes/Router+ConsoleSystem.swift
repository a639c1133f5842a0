import CyberIDCore
import CyberIDLifecycle
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

extension Router where Context == AppRequestContext {
    /// The trust store (`registrar`), the keys (`keys`), the statistics and the audit log
    /// (`auditor`, `admin`); the auditor reads everything and changes nothing.
    func addConsoleSystemRoutes(_ console: Console) {
        consoleGet("console/trust", .trust, console) { request, call in
            try call.require(.viewTrustStore)
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            return Console.html(console.pages.trust(frame, anchors: try await console.admin.trustStoreView()))
        }
        consolePost("console/trust/add", .trust, console) { _, call in
            try call.require(.changeTrustStore)
            let pem = Array(try Self.field("pem", call.form).utf8)
            let kind = try Self.field("kind", call.form)
            guard kind == "csca" || kind == "crl" else { throw Self.invalid("kind") }
            let added: Bool
            do {
                if kind == "crl" {
                    added = try await call.admin.loadCRL(pem).added
                } else {
                    added = try await call.admin.trustCSCAs(pem).contains { $0.added }
                }
            } catch let error as AdminError where error.code.hasPrefix("invalid-") {
                let text = Catalogue.standard.text("console_trust_invalid", call.frame.language)
                let anchors = try await console.admin.trustStoreView()
                return Console.html(console.pages.trust(call.frame, anchors: anchors, problem: text), status: .badRequest)
            }
            return Portal.seeOther("/console/trust?done=" + (added ? "trust-added" : "trust-already"))
        }
        consolePost("console/trust/remove", .trust, console) { _, call in
            try call.require(.changeTrustStore)
            let prefix = try Self.field("fingerprint", call.form)
            guard prefix.count >= 16 else { throw Self.invalid("fingerprint") }
            _ = try await call.admin.removeTrustAnchor(fingerprintPrefix: prefix)
            return Portal.seeOther("/console/trust?done=trust-removed")
        }
        consoleGet("console/keys", .keys, console) { request, call in
            try call.require(.viewKeys)
            var frame = call.frame
            frame.flash = Self.consoleFlash(request)
            return Console.html(
                console.pages.keys(
                    frame, signingKeys: console.admin.signingKeySummaries(), authorities: try await console.admin.authorities(),
                    masterKeys: try await console.admin.masterKeys()))
        }
        consoleGet("console/statistics", .statistics, console) { _, call in
            try call.require(.viewStatistics)
            let statistics = try await console.admin.statistics(days: 30, zone: call.frame.zone)
            return Console.html(console.pages.statistics(call.frame, statistics))
        }
        addConsoleAuditRoutes(console)
    }

    /// The audit log: browse (latest 200), filter, verify the chain, download the latest
    /// signed checkpoint.
    func addConsoleAuditRoutes(_ console: Console) {
        consoleGet("console/audit", .audit, console) { _, call in
            try call.require(.readAudit)
            return Console.html(try await Self.auditPage(console, call, filter: AuditFilter(), verification: nil))
        }
        consolePost("console/audit", .audit, console) { _, call in
            try call.require(.readAudit)
            let form = call.form
            let filter = AuditFilter(
                actor: form["actor"] ?? "", action: form["action"] ?? "", from: form["from"] ?? "", to: form["to"] ?? "")
            return Console.html(try await Self.auditPage(console, call, filter: filter, verification: nil))
        }
        consolePost("console/audit/verify", .audit, console) { _, call in
            try call.require(.readAudit)
            let verification: String
            switch try await console.admin.verifyAudit() {
            case .intact(let entries, _):
                verification = Catalogue.standard.text("console_audit_verified", call.frame.language, ["count": String(entries)])
            case .broken(let seq, _):
                verification = Catalogue.standard.text("console_audit_broken", call.frame.language, ["seq": String(seq)])
            }
            return Console.html(try await Self.auditPage(console, call, filter: AuditFilter(), verification: verification))
        }
        consoleGet("console/audit/checkpoint", .audit, console) { _, call in
            try call.require(.readAudit)
            guard let latest = try await console.admin.latestAuditCheckpoint() else { throw AdminError.noCheckpoint() }
            let name = "cyberid-audit-checkpoint-\(latest.seq).json"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"\(name)\"", .init("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: try AuditCheckpointDocument(latest).json())))
        }
    }

    /// The audit page: the entries passing `filter`, newest first, at most 200 — chosen and counted
    /// by the database, not by reading the whole log.
    static func auditPage(_ console: Console, _ call: ConsoleCall, filter: AuditFilter, verification: String?) async throws
        -> String
    {
        let zone = call.frame.zone
        var start: Date?
        var end: Date?
        if !filter.from.isEmpty {
            guard let day = DateText.parseDay(filter.from, zone) else { throw Self.invalid("from") }
            start = day
        }
        if !filter.to.isEmpty {
            guard let day = DateText.parseDay(filter.to, zone) else { throw Self.invalid("to") }
            end = DateText.parseDay(DateText.isoDay(day.addingTimeInterval(25 * 3_600), zone), zone)
        }
        let (entries, total) = try await console.admin.auditEntries(
            matching: filter.query(from: start, until: end), limit: 200)
        return console.pages.audit(call.frame, entries: entries, verification: verification, filter: filter, total: total)
    }
}
