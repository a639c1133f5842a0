import CyberIDCore
import CyberIDServices
import CyberIDWeb
import Foundation

extension PortalPages {
    /// `/account`: the number (copyable), level, state with what to do, restrictions,
    /// certificates, phone, guardian or wards, and the actions.
    func overview(_ frame: PageFrame, _ overview: PortalOverview) -> String {
        let language = frame.language
        let restrictions: [String] = overview.restrictions.map { restriction in
            let since = DateText.date(restriction.since, language, frame.zone)
            let values = ["platform": restriction.clientName, "reason": restriction.reason, "since": since]
            return text("portal_restriction_line", language, values)
        }
        let certificates: [[String: Any]] = overview.certificates.map { certificateRow($0, frame) }
        let wards: [[String: Any]] = overview.wards.enumerated().map {
            wardRow($0.element, index: $0.offset + 1, frame)
        }
        var values: [String: Any] = [
            "number": Self.displayNumber(overview.networkNumber),
            "level": label("level_", overview.level.rawValue, language),
            "stateText": label("state_", overview.state.rawValue, language),
            "phone": overview.maskedPhone ?? text("common_none", language),
            "enrolled": DateText.date(overview.enrolledAt, language, frame.zone),
            "certificates": certificates, "hasCertificates": !certificates.isEmpty,
            "restrictions": restrictions, "hasRestrictions": !restrictions.isEmpty,
            "wards": wards, "hasWards": !wards.isEmpty,
        ]
        if overview.state != .active {
            values["stateHelp"] = text(Self.key("portal_state_help_", overview.state.rawValue), language)
            if let reason = overview.stateReason, !reason.isEmpty {
                values["stateReason"] = reasonText(reason, language)
            }
        }
        if let guardian = overview.guardianNumber { values["guardian"] = guardian }
        return render("overview", frame, title: text("nav_overview", language), values)
    }

    func certificateRow(_ certificate: PortalOverview.Certificate, _ frame: PageFrame) -> [String: Any] {
        [
            "certSerial": certificate.serial, "certStatus": label("cert_", certificate.status, frame.language),
            "certIssued": DateText.date(certificate.issuedAt, frame.language, frame.zone),
            "certExpires": DateText.date(certificate.notAfter, frame.language, frame.zone),
        ]
    }

    /// A ward's row: suspend while active, resume while suspended (restricted and cancelled
    /// numbers are not the guardian's to change).
    func wardRow(_ ward: PortalOverview.Ward, index: Int, _ frame: PageFrame) -> [String: Any] {
        var row: [String: Any] = [
            "wardIndex": String(index), "wardNumber": Self.displayNumber(ward.networkNumber),
            "wardState": label("state_", ward.state.rawValue, frame.language),
            "wardCanSuspend": ward.state == .active, "wardCanResume": ward.state == .suspended,
        ]
        if ward.state != .active, let reason = ward.stateReason, !reason.isEmpty {
            row["wardReason"] = reasonText(reason, frame.language)
        }
        return row
    }

    /// `/account/platforms`: every platform used, what it learned, how it knows the person,
    /// the consent to withdraw and a pending re-verification.
    func platforms(_ frame: PageFrame, _ platforms: [PlatformUse]) -> String {
        let sections: [[String: Any]] = platforms.map { platformSection($0, frame) }
        return render(
            "platforms", frame, title: text("nav_platforms", frame.language),
            ["platforms": sections, "hasPlatforms": !sections.isEmpty])
    }

    func platformSection(_ use: PlatformUse, _ frame: PageFrame) -> [String: Any] {
        let language = frame.language
        let learned =
            [text("portal_learned_verified", language), text("portal_learned_level", language)]
            + use.claimsReleased.map { claim($0, language) }
        var section: [String: Any] = [
            "clientID": use.clientID, "platformName": use.clientName, "verifications": String(use.verifications),
            "learned": learned,
        ]
        if let first = use.firstUsed { section["firstUsed"] = DateText.dateTime(first, language, frame.zone) }
        if let last = use.lastUsed { section["lastUsed"] = DateText.dateTime(last, language, frame.zone) }
        if let pairwise = use.pairwiseSubject { section["pairwise"] = pairwise }
        if let consent = use.consent {
            let claims =
                consent.claims.isEmpty
                ? text("portal_detail_confirmation_only", language)
                : list(consent.claims.map { claim($0, language) }, language)
            section["consent"] = text(
                "portal_consent_text", language,
                ["date": DateText.date(consent.grantedAt, language, frame.zone), "claims": claims])
        }
        if let reason = use.reverificationReason {
            let since = use.reverificationSince.map { DateText.date($0, language, frame.zone) } ?? "—"
            section["reverification"] = text(
                "portal_reverification_pending", language, ["reason": reason, "since": since])
        }
        return section
    }
}
