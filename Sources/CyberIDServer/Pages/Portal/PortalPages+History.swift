import CyberIDCore
import CyberIDLifecycle
import CyberIDProvider
import CyberIDServices
import CyberIDWeb
import Foundation

extension PortalPages {
    /// A platform the history can be filtered by: its client id and name.
    typealias PlatformChoice = (id: String, name: String)

    /// `/account/history`: the filter form, the downloads, one page of lines, the paging links
    /// and the weekly chart (with its numbers in a visually hidden table).
    /// - Parameters:
    ///   - query: the filter shown; `until` is exclusive, so the "to" field shows the day before.
    ///   - platforms: the platform choices of the filter.
    ///   - before: the cursor this page was asked with (then a link to the newest page shows).
    func history(
        _ frame: PageFrame, _ page: HistoryPage, query: HistoryQuery, platforms: [(id: String, name: String)],
        weeks: [WeekCount], before: Int64?
    ) -> String {
        let filter = Self.filterQuery(query, zone: frame.zone)
        let lines: [[String: Any]] = page.lines.map { historyLine($0, frame) }
        var values = filterValues(frame, query: query, platforms: platforms)
        values["lines"] = lines
        values["hasLines"] = !lines.isEmpty
        values["jsonHref"] = "/account/history.json" + (filter.isEmpty ? "" : "?" + filter)
        values["csvHref"] = "/account/history.csv" + (filter.isEmpty ? "" : "?" + filter)
        if let older = page.olderCursor {
            values["olderHref"] = "/account/history?" + (filter.isEmpty ? "" : filter + "&") + "before=\(older)"
        }
        if page.hasNewer || before != nil {
            values["newerHref"] = "/account/history" + (filter.isEmpty ? "" : "?" + filter)
        }
        values["hasPaging"] = values["olderHref"] != nil || values["newerHref"] != nil
        values.merge(chartValues(frame, weeks)) { _, chart in chart }
        return render("history", frame, title: text("nav_history", frame.language), values)
    }

    /// The filter as query parameters, only those set, percent-encoded:
    /// `platform=…&kind=…&from=yyyy-MM-dd&to=yyyy-MM-dd` (`to` is the last day included).
    static func filterQuery(_ query: HistoryQuery, zone: TimeZone) -> String {
        var pairs = [(String, String)]()
        if let client = query.clientID, !client.isEmpty { pairs.append(("platform", client)) }
        if let event = query.event, !event.isEmpty { pairs.append(("kind", event)) }
        if let from = query.from { pairs.append(("from", DateText.isoDay(from, zone))) }
        if let until = query.until { pairs.append(("to", lastDay(before: until, zone))) }
        return pairs.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// The day an exclusive end closes: the day of the second before it.
    static func lastDay(before until: Date, _ zone: TimeZone) -> String {
        DateText.isoDay(until.addingTimeInterval(-1), zone)
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// The filter form's choices and values.
    func filterValues(_ frame: PageFrame, query: HistoryQuery, platforms: [PlatformChoice]) -> [String: Any] {
        let language = frame.language
        let client = query.clientID ?? ""
        let event = query.event ?? ""
        let platformOptions: [[String: Any]] =
            [option("", text("portal_history_all_platforms", language), selected: client.isEmpty)]
            + platforms.map { option($0.id, $0.name, selected: $0.id == client) }
        let kindOptions: [[String: Any]] =
            [option("", text("portal_history_all_kinds", language), selected: event.isEmpty)]
            + HistoryEvent.allCases.map {
                option($0.rawValue, label("event_", $0.rawValue, language), selected: $0.rawValue == event)
            }
        var values: [String: Any] = ["platformOptions": platformOptions, "kindOptions": kindOptions]
        if let from = query.from { values["from"] = DateText.isoDay(from, frame.zone) }
        if let until = query.until { values["to"] = Self.lastDay(before: until, frame.zone) }
        return values
    }

    func option(_ value: String, _ label: String, selected: Bool) -> [String: Any] {
        ["optionValue": value, "optionLabel": label, "optionSelected": selected]
    }

    /// One line: when, what, how it ended, which platform, and the details worth reading.
    func historyLine(_ line: HistoryView, _ frame: PageFrame) -> [String: Any] {
        let language = frame.language
        return [
            "lineWhen": DateText.dateTime(line.occurredAt, language, frame.zone),
            "lineEvent": label("event_", line.event, language),
            "lineOutcome": label("outcome_", line.outcome, language),
            "linePlatform": line.clientID.map(FirstPartyClient.isReserved) == true
                ? text("portal_self_name", language) : line.clientName ?? line.clientID ?? "—",
            "lineDetails": details(line, language),
        ]
    }

    /// A line's details: the legal basis (and operators' roles) of a look-up, the claims a login
    /// released (and why one failed), a password line's action, any other line's reason.
    func details(_ line: HistoryView, _ language: Language) -> [String] {
        var out = [String]()
        switch line.event {
        case HistoryEvent.recordAccessed.rawValue:
            if let basis = Self.string(line.detail["legal_basis"]) {
                out.append(text("portal_detail_legal_basis", language, ["basis": basis]))
            }
            if let roles = Self.strings(line.detail["roles"]), !roles.isEmpty {
                let names = roles.flatMap { $0.components(separatedBy: ", ") }.map { label("role_", $0, language) }
                out.append(text("portal_detail_roles", language, ["roles": list(names, language)]))
            }
        case HistoryEvent.login.rawValue:
            if let claims = Self.strings(line.detail["claims_released"]) {
                out.append(
                    claims.isEmpty
                        ? text("portal_detail_confirmation_only", language)
                        : text(
                            "portal_detail_released", language,
                            ["claims": list(claims.map { claim($0, language) }, language)]))
            }
            if line.outcome != HistoryOutcome.success.rawValue, let reason = Self.string(line.detail["reason"]) {
                out.append(text("portal_detail_reason", language, ["reason": reason]))
            }
        case HistoryEvent.password.rawValue:
            if let action = Self.string(line.detail["action"]) {
                out.append(label("portal_password_", action, language))
            }
        default:
            if let reason = Self.string(line.detail["reason"]), !reason.isEmpty {
                out.append(reasonText(reason, language))
            }
        }
        return out
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .some(.string(let text)) = value { return text }
        return nil
    }

    static func strings(_ value: JSONValue?) -> [String]? {
        switch value {
        case .some(.strings(let list)): list
        case .some(.string(let text)): text.isEmpty ? [] : [text]
        default: nil
        }
    }

    /// The weekly chart: an SVG bar per week, labelled by its Monday, and the same numbers as rows.
    func chartValues(_ frame: PageFrame, _ weeks: [WeekCount]) -> [String: Any] {
        let language = frame.language
        let bars = weeks.map { week in
            BarChart.Bar(
                label: DateText.monthDay(week.weekStart, language, frame.zone), value: week.count,
                title: text(
                    "portal_chart_bar", language,
                    ["week": DateText.date(week.weekStart, language, frame.zone), "count": String(week.count)]))
        }
        let rows: [[String: Any]] = weeks.map { week in
            ["weekLabel": DateText.date(week.weekStart, language, frame.zone), "weekCount": String(week.count)]
        }
        let title = text("portal_verifications_per_week", language)
        let description = text("portal_chart_description", language, ["weeks": String(weeks.count)])
        return [
            "chart": BarChart(bars: bars).svg(title: title, description: description, width: 640), "chartDescription": description,
            "weekRows": rows, "hasWeeks": !weeks.isEmpty,
        ]
    }
}
