import CyberIDCore
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation

extension ConsolePages {
    /// The lifecycle acts the person-action form offers, in this order.
    static let lifecycleActs: [LifecycleEvent] = [.suspend, .resume, .restrict, .lift]

    /// `/console/persons`: the look-up form (a POST, by network number only), then — for a number
    /// looked up — its state, certificates and events, and the forms the roles allow: lifecycle
    /// acts and the cancellation request (`support`), the record request (`records`).
    /// - Parameters:
    ///   - lookedUp: the number asked for, if any (shown formatted, sent back canonical).
    ///   - summary: what the service knows of it; nil with `lookedUp` set: never issued.
    func persons(_ frame: ConsoleFrame, lookedUp: String?, summary: PersonSummary?) -> String {
        let language = frame.language
        var values: [String: Any] = ["lookupValue": lookedUp.map(Self.displayNumber) ?? ""]
        if let lookedUp, let summary {
            values.merge(summaryValues(summary, frame)) { _, new in new }
            values["hasSummary"] = true
            values["personNumber"] = Self.displayNumber(lookedUp)
            values["hiddenNumber"] = Self.formNumber(lookedUp)
            values["canAct"] = OperatorRules.allows(frame.roles, .suspendPerson)
            values["canRead"] = OperatorRules.allows(frame.roles, .readRecord)
            values["lifecycleOptions"] = Self.lifecycleActs.map {
                option($0.rawValue, label("console_do_", $0.rawValue, language))
            }
        } else if let lookedUp {
            values["notFound"] = text(
                "console_person_not_found", language, ["number": Self.displayNumber(lookedUp)])
        }
        return render("persons", frame, title: text("console_nav_persons", language), values)
    }

    /// The summary's facts, certificates and events as the template reads them.
    func summaryValues(_ summary: PersonSummary, _ frame: ConsoleFrame) -> [String: Any] {
        let language = frame.language
        let certificates: [[String: Any]] = summary.certificates.map { certificate -> [String: Any] in
            [
                "certSerial": certificate.serial,
                "certStatus": label("cert_", certificate.status.rawValue, language),
                "certExpires": DateText.date(certificate.notAfter, language, frame.zone),
            ]
        }
        let events: [[String: Any]] = summary.events.map { eventRow($0, frame) }
        return [
            "personState": label("state_", summary.state.rawValue, language),
            "personNumberStatus": label("console_number_", summary.numberStatus, language),
            "personLevel": label("level_", summary.level.rawValue, language),
            "certificates": certificates, "hasCertificates": !certificates.isEmpty,
            "events": events, "hasEvents": !events.isEmpty,
        ]
    }

    /// One lifecycle event: when, what, from → to, who (a kind of actor), why.
    func eventRow(_ event: LifecycleEventRecord, _ frame: ConsoleFrame) -> [String: Any] {
        let language = frame.language
        return [
            "eventWhen": DateText.dateTime(event.occurredAt, language, frame.zone),
            "eventName": label("event_", event.event, language),
            "eventFrom": label("state_", event.from.rawValue, language),
            "eventTo": label("state_", event.to.rawValue, language),
            "eventActor": label("console_actor_", event.actor, language),
            "eventReason": event.reason.isEmpty ? "—" : reason(event.reason, language),
        ]
    }

    /// A reason as written, or in the page's language when the portal wrote it.
    func reason(_ reason: String, _ language: Language) -> String {
        PortalPages.Reason.keys[reason].map { text($0, language) } ?? reason
    }
}
