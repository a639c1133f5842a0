import CyberIDKeys
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation

extension ConsolePages {
    /// `/console/trust`: the trusted CSCAs (country, end of validity) and the loaded CRLs (next
    /// update), the soonest first, with what is expiring or overdue marked in words and colour;
    /// for `registrar` operators the forms to add (PEM) and the remove buttons.
    func trust(_ frame: ConsoleFrame, anchors: [TrustAnchorView], problem: String? = nil) -> String {
        let language = frame.language
        let canChange = OperatorRules.allows(frame.roles, .changeTrustStore)
        let rows: [[String: Any]] = anchors.enumerated().map { index, anchor in
            var row: [String: Any] = [
                "anchorIndex": String(index + 1), "anchorKind": text("console_trust_kind_" + anchor.kind.rawValue, language),
                "anchorLabel": anchor.label, "anchorCountry": anchor.country ?? "—",
                "anchorUntil": anchor.until.map { DateText.date($0, language, frame.zone) } ?? "—",
                "anchorFingerprint": String(anchor.fingerprint.prefix(16)), "anchorPrefix": String(anchor.fingerprint.prefix(32)),
            ]
            if anchor.expired {
                row["anchorStatus"] = text(anchor.kind == .crl ? "console_trust_overdue" : "console_trust_expired", language)
                row["anchorClass"] = "alert"
            } else if anchor.expiringSoon {
                row["anchorStatus"] = text("console_trust_expiring", language)
                row["anchorClass"] = "alert"
            } else {
                row["anchorStatus"] = text("console_trust_valid", language)
            }
            return row
        }
        var values: [String: Any] = [
            "anchorRows": rows, "hasAnchors": !rows.isEmpty, "canChange": canChange, "columns": canChange ? "7" : "6",
        ]
        if let problem { values["problem"] = problem }
        return render("trust", frame, title: text("console_nav_trust", language), values)
    }

    /// `/console/keys`: the token-signing keys, the service's CAs and the master-key
    /// generations (identifiers and dates, never a key); for `keys` operators the request to
    /// rotate the signing key (a four-eyes act).
    func keys(
        _ frame: ConsoleFrame, signingKeys: [SigningKeySet.Summary], authorities: [AuthorityView], masterKeys: [MasterKeyView]
    ) -> String {
        let language = frame.language
        let when = { (date: Date?) in date.map { DateText.dateTime($0, language, frame.zone) } ?? "—" }
        let signing: [[String: Any]] = signingKeys.map { key in
            [
                "keyID": key.kid, "keyCreated": when(key.createdAt), "keyUntil": when(key.publishUntil),
                "keyState": text(key.active ? "console_key_active" : "console_key_retired", language),
            ]
        }
        let cas: [[String: Any]] = authorities.map { authority in
            [
                "caName": text("console_ca_" + authority.name, language), "caSubject": authority.subject,
                "caSerial": authority.serial, "caUntil": DateText.date(authority.notAfter, language, frame.zone),
            ]
        }
        let masters: [[String: Any]] = masterKeys.map { key in
            [
                "masterID": key.keyID, "masterCreated": when(key.createdAt),
                "masterState": text(key.retiredAt == nil ? "console_key_active" : "console_key_retired", language),
            ]
        }
        let values: [String: Any] = [
            "signingRows": signing, "caRows": cas, "hasCAs": !cas.isEmpty, "masterRows": masters, "hasMasters": !masters.isEmpty,
            "canRotate": OperatorRules.allows(frame.roles, .rotateSigningKey),
        ]
        return render("keys", frame, title: text("console_nav_keys", language), values)
    }

    /// `/console/statistics`: four charts per day (enrollments, logins, refusals, active
    /// persons), each with its numbers in a table, then refusals by reason, logins per
    /// platform and persons per state. Counts only.
    func statistics(_ frame: ConsoleFrame, _ statistics: ConsoleStatistics) -> String {
        let language = frame.language
        let series: [(id: String, key: String, values: [Int])] = [
            ("enrollments", "console_stats_enrollments", statistics.enrollments),
            ("logins", "console_stats_logins", statistics.logins),
            ("refusals", "console_stats_refusals", statistics.refusals),
            ("active", "console_stats_active", statistics.activePersons),
        ]
        let charts: [[String: Any]] = series.map { item in
            let name = text(item.key, language)
            let bars = zip(statistics.days, item.values).map { day, value in
                BarChart.Bar(
                    label: DateText.monthDay(day, language, frame.zone), value: value,
                    title: text("console_stats_bar", language, ["day": DateText.date(day, language, frame.zone), "count": String(value)]))
            }
            let description = text("console_stats_description", language, ["what": name, "days": String(statistics.days.count)])
            return [
                "chartID": item.id, "chartName": name, "chartTotal": String(item.values.reduce(0, +)),
                "chart": BarChart(bars: bars).svg(title: name, description: description, width: 720, id: "chart-\(item.id)"),
                "chartRows": zip(statistics.days, item.values).map { day, value in
                    ["rowDay": DateText.date(day, language, frame.zone), "rowCount": String(value)]
                },
            ]
        }
        let named = { (counts: [NamedCount], prefix: String?) -> [[String: Any]] in
            counts.map { count -> [String: Any] in
                let name = prefix.map { self.label($0, count.name, language) } ?? count.name
                return ["countName": name, "countValue": String(count.count)]
            }
        }
        let values: [String: Any] = [
            "charts": charts, "days": String(statistics.days.count),
            "reasonRows": named(statistics.refusalReasons, "refusal_"), "hasReasons": !statistics.refusalReasons.isEmpty,
            "platformRows": named(statistics.platforms, nil), "hasPlatformCounts": !statistics.platforms.isEmpty,
            "stateRows": named(statistics.personsByState, "state_"),
        ]
        return render("statistics", frame, title: text("console_nav_statistics", language), values)
    }
}
