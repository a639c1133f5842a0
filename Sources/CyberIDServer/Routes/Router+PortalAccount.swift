import CyberIDCore
import CyberIDLifecycle
import CyberIDProvider
import CyberIDServices
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

extension Router where Context == AppRequestContext {
    /// The signed-in pages: overview, platforms, history and its downloads.
    func addPortalAccountRoutes(_ portal: Portal) {
        portalGet("account", .overview, portal) { request, call in
            var frame = call.frame
            frame.flash = Self.flash(request)
            return Portal.html(portal.pages.overview(frame, try await portal.holder.overview(personID: call.session.personID)))
        }
        portalGet("account/platforms", .platforms, portal) { request, call in
            var frame = call.frame
            frame.flash = Self.flash(request)
            return Portal.html(
                portal.pages.platforms(frame, try await portal.holder.platforms(personID: call.session.personID)))
        }
        portalGet("account/history", .history, portal) { request, call in
            let person = call.session.personID
            let (query, before) = try Self.historyQuery(request, zone: call.frame.zone)
            let page = try await portal.holder.historyPage(personID: person, query: query, before: before)
            let platforms = try await portal.holder.platformChoices(personID: person)
            let weeks = try await portal.holder.weeklyVerifications(personID: person, zone: call.frame.zone)
            return Portal.html(
                portal.pages.history(call.frame, page, query: query, platforms: platforms, weeks: weeks, before: before))
        }
        portalGet("account/history.json", .history, portal) { request, call in
            let (query, _) = try Self.historyQuery(request, zone: call.frame.zone)
            let lines = try await portal.holder.historyExport(personID: call.session.personID, query: query)
            return Self.download(Array(try HistoryExport.json(lines)), type: "application/json", ext: "json", call.frame)
        }
        portalGet("account/history.csv", .history, portal) { request, call in
            let (query, _) = try Self.historyQuery(request, zone: call.frame.zone)
            let lines = try await portal.holder.historyExport(personID: call.session.personID, query: query)
            return Self.download(Array(HistoryExport.csv(lines).utf8), type: "text/csv; charset=utf-8", ext: "csv", call.frame)
        }
    }

    /// The actions: withdraw a consent, suspend one's own number, a guardian's suspend and resume.
    func addPortalActionRoutes(_ portal: Portal) {
        portalPost("account/platforms/withdraw", .platforms, portal) { _, call in
            guard let client = call.form["client"] else { throw Self.missing("client") }
            try await portal.holder.withdrawConsent(personID: call.session.personID, clientID: client)
            return Portal.seeOther("/account/platforms?done=withdrawn")
        }
        portalGet("account/suspend", .suspend, portal) { _, call in
            Portal.html(portal.pages.suspendConfirm(call.frame))
        }
        portalPost("account/suspend", .suspend, portal) { _, call in
            guard call.form["confirm"] == "yes" else { return Portal.seeOther("/account/suspend") }
            let person = call.session.personID
            _ = try await portal.holder.apply(.suspend, personID: person, reason: PortalPages.Reason.selfSuspended)
            try await portal.sessions.signOutEverywhere(personID: person, audience: portal.audience)
            return Self.signedOut(portal, call, "portal_suspended_done")
        }
        portalPost("account/wards/suspend", .overview, portal) { _, call in
            guard let number = call.form["ward"] else { throw Self.missing("ward") }
            let wardID = try await portal.holder.ward(number, guardianID: call.session.personID)
            guard call.form["confirm"] == "yes" else {
                let wards = try await portal.holder.wards(guardianID: call.session.personID)
                let canonical = (try? NetworkNumber(parsing: number))?.canonical ?? number
                guard let index = wards.firstIndex(where: { $0.networkNumber == canonical }) else { throw Problem.notFound() }
                return Portal.html(portal.pages.wardConfirm(call.frame, ward: wards[index], index: index + 1))
            }
            _ = try await portal.holder.applyToWard(.suspend, wardID: wardID, reason: PortalPages.Reason.guardianSuspended)
            return Portal.seeOther("/account?done=ward-suspended")
        }
        portalPost("account/wards/resume", .overview, portal) { _, call in
            guard let number = call.form["ward"] else { throw Self.missing("ward") }
            let wardID = try await portal.holder.ward(number, guardianID: call.session.personID)
            _ = try await portal.holder.applyToWard(.resume, wardID: wardID, reason: PortalPages.Reason.guardianResumed)
            return Portal.seeOther("/account?done=ward-resumed")
        }
    }

    /// The notice after an action (`?done=…`, one of a fixed list).
    static func flash(_ request: Request) -> String? {
        switch (try? FormParameters(encoded: request.uri.query ?? ""))?["done"] {
        case "withdrawn": "portal_flash_withdrawn"
        case "ward-suspended": "portal_flash_ward_suspended"
        case "ward-resumed": "portal_flash_ward_resumed"
        default: nil
        }
    }

    /// The History filter and cursor from the query: `platform`, `kind` (an event name), `from`
    /// and `to` (days in the person's zone, `to` inclusive), `before` (a line id).
    static func historyQuery(_ request: Request, zone: TimeZone) throws -> (HistoryQuery, Int64?) {
        let parameters = try FormParameters(encoded: request.uri.query ?? "")
        func value(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }
        var query = HistoryQuery(clientID: value("platform"))
        if let kind = value("kind") {
            guard HistoryEvent(rawValue: kind) != nil else { throw Self.invalid("kind") }
            query.event = kind
        }
        if let from = value("from") {
            guard let day = DateText.parseDay(from, zone) else { throw Self.invalid("from") }
            query.from = day
        }
        if let to = value("to") {
            guard let day = DateText.parseDay(to, zone) else { throw Self.invalid("to") }
            // The start of the next day: 25 hours on lands in it whatever the clocks do.
            query.until = DateText.parseDay(DateText.isoDay(day.addingTimeInterval(25 * 3_600), zone), zone)
        }
        var before: Int64?
        if let text = value("before") {
            guard let id = Int64(text), id > 0 else { throw Self.invalid("before") }
            before = id
        }
        return (query, before)
    }

    /// A download: `cyberid-history-YYYY-MM-DD.EXT` (no number or name in the file name).
    static func download(_ bytes: [UInt8], type: String, ext: String, _ frame: PageFrame) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"cyberid-history-\(DateText.isoDay(Date(), frame.zone)).\(ext)\""
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func missing(_ field: String) -> Problem {
        Problem.malformedRequest("\(field) is missing")
    }

    static func invalid(_ field: String) -> Problem {
        Problem.malformedRequest("\(field) is not valid")
    }
}
