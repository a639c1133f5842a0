public import CyberIDCore
import CyberIDLifecycle
import CyberIDProvider
import CyberIDStore
import CyberIDVault
public import Foundation

extension HolderService {
    /// The portal's overview of a person (issue 14).
    /// - Throws: ``HolderError`` `unknown-person` when there is none.
    public func overview(personID: String, now: Date = Date()) async throws -> PortalOverview {
        guard let person = try await store.person(id: personID) else { throw HolderError.unknownPerson() }
        let number = try await store.activeNetworkNumber(personID: personID) ?? ""
        let certificates = try await store.networkCertificates(personID: personID).map { record in
            PortalOverview.Certificate(
                serial: record.serial,
                status: record.status == .valid && record.notAfter <= now ? "expired" : record.status.rawValue,
                notAfter: record.notAfter, issuedAt: record.issuedAt)
        }
        var guardianNumber: String?
        if let guardianID = person.guardianID, person.ageBand != .adult {
            guardianNumber = try await store.activeNetworkNumber(personID: guardianID)
        }
        return PortalOverview(
            networkNumber: number, level: person.assuranceLevel, state: person.state,
            stateReason: person.state == .active ? nil : try await lastReason(personID: personID),
            certificates: certificates, maskedPhone: try phone(of: person).map(Self.mask),
            guardianNumber: guardianNumber, wards: try await wards(guardianID: personID),
            restrictions: try await restrictions(personID: personID), enrolledAt: person.createdAt)
    }

    /// The minors the person is guardian of today (the link ends at 18), with their state.
    public func wards(guardianID: String) async throws -> [PortalOverview.Ward] {
        var out = [PortalOverview.Ward]()
        for ward in try await store.wards(guardianID: guardianID) {
            guard (try? await guardianship.ward(networkNumber: ward.networkNumber, guardianID: guardianID)) != nil else { continue }
            out.append(
                PortalOverview.Ward(
                    networkNumber: ward.networkNumber, state: ward.state,
                    stateReason: ward.state == .active ? nil : try await lastReason(personID: ward.personID)))
        }
        return out
    }

    /// Every platform the person has used (CyberID's own applications aside): when, how
    /// often, what it learned, the pairwise identifier it knows them by, the consent and a
    /// pending re-verification demand.
    public func platforms(personID: String) async throws -> [PlatformUse] {
        let uses = try await store.platformUse(personID: personID)
        let consents = try await consents(personID: personID)
        let subjects = try await store.pairwiseSubjects(personID: personID)
        let restrictions = try await store.restrictions(personID: personID)
        let released = try await releasedClaims(personID: personID)
        var ids = uses.map(\.clientID)
        for id in consents.map(\.clientID) + restrictions.map(\.clientID) where !ids.contains(id) { ids.append(id) }
        var out = [PlatformUse]()
        for id in ids where !FirstPartyClient.isReserved(id) {
            let use = uses.first { $0.clientID == id }
            let restriction = restrictions.first { $0.clientID == id }
            out.append(
                PlatformUse(
                    clientID: id, clientName: try await clients.client(id: id)?.name ?? id, firstUsed: use?.first,
                    lastUsed: use?.last, verifications: use?.count ?? 0, claimsReleased: (released[id] ?? []).sorted(),
                    pairwiseSubject: subjects[id], consent: consents.first { $0.clientID == id },
                    reverificationReason: restriction?.reason, reverificationSince: restriction?.createdAt))
        }
        return out
    }

    /// The platforms the history can be filtered by (those the person used, CyberID's own
    /// applications aside), with their names: one grouped read, not the Platforms page's work.
    public func platformChoices(personID: String) async throws -> [(id: String, name: String)] {
        var out = [(id: String, name: String)]()
        for use in try await store.platformUse(personID: personID) where !FirstPartyClient.isReserved(use.clientID) {
            out.append((use.clientID, try await clients.client(id: use.clientID)?.name ?? use.clientID))
        }
        return out
    }

    /// The claims each platform was given, from the login lines' details.
    func releasedClaims(personID: String) async throws -> [String: Set<String>] {
        let logins = try await store.history(
            personID: personID, filter: HistoryFilter(event: HistoryEvent.login.rawValue), beforeID: nil, limit: 10_000)
        var out = [String: Set<String>]()
        for line in logins where line.outcome == HistoryOutcome.success.rawValue {
            guard let client = line.clientID,
                let object = try? JSONSerialization.jsonObject(with: Data(line.detail.utf8)) as? [String: Any],
                let claims = object["claims_released"] as? [String]
            else { continue }
            out[client, default: []].formUnion(claims)
        }
        return out
    }

    func restrictions(personID: String) async throws -> [PortalOverview.Restriction] {
        var out = [PortalOverview.Restriction]()
        for restriction in try await store.restrictions(personID: personID) {
            out.append(
                PortalOverview.Restriction(
                    clientID: restriction.clientID,
                    clientName: try await clients.client(id: restriction.clientID)?.name ?? restriction.clientID,
                    reason: restriction.reason, since: restriction.createdAt))
        }
        return out
    }

    func lastReason(personID: String) async throws -> String? {
        try await store.lifecycleEvents(personID: personID).last?.reason
    }

    func phone(of person: PersonRecord) throws -> String? {
        guard let vault else { return nil }
        return try vault.open(person)?.phone
    }

    /// An E.164 number with all but its country code, first three and last four digits
    /// hidden: `+8613800000000` → `+86 138****0000`.
    public static func mask(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber)
        let country = phone.hasPrefix("+86") ? "86" : String(digits.prefix(max(0, digits.count - 10)))
        let national = Array(digits.dropFirst(country.count))
        guard national.count >= 7 else { return String(repeating: "*", count: national.count) }
        let hidden = String(repeating: "*", count: national.count - 7)
        return (country.isEmpty ? "" : "+\(country) ") + String(national.prefix(3)) + hidden + String(national.suffix(4))
    }
}

extension DomainError where Domain == HolderDomain {
    static func unknownPerson() -> Self { Self(code: "unknown-person", kind: .notFound, reason: "no such person") }
}
