public import CyberIDCore
public import CyberIDStore
public import CyberIDVault
public import Foundation

extension DomainError where Domain == AdminDomain {
    public static func roleRequired(_ action: OperatorAction) -> Self {
        Self(code: "role-required", kind: .forbidden, reason: "\(action.rawValue) needs one of the roles \(OperatorRules.roles(for: action).map(\.rawValue).sorted().joined(separator: ", "))")
    }
    public static func notAnOperator() -> Self { Self(code: "not-an-operator", kind: .forbidden, reason: "this person holds no operator role") }
    public static func displayNameTaken() -> Self {
        Self(
            code: "display-name-taken", kind: .conflict,
            reason: "another operator has this display name (or one that looks the same): the audit names operators by it")
    }
    public static func invalidDisplayName() -> Self {
        Self(code: "invalid-display-name", kind: .invalid, reason: "a display name is 1 to 100 characters, no control characters")
    }
    public static func operatorTarget() -> Self {
        Self(
            code: "operator-target", kind: .forbidden,
            reason: "an operator's own number is suspended, restricted or cancelled from the server, not the console")
    }
    public static func noCheckpoint() -> Self {
        Self(code: "no-checkpoint", kind: .notFound, reason: "the audit log has no signed checkpoint yet")
    }
    public static func selfGrant() -> Self {
        Self(code: "self-grant", kind: .forbidden, reason: "an operator cannot grant roles to themselves")
    }
    public static func unknownRequest(_ id: String) -> Self { Self(code: "unknown-request", kind: .notFound, reason: "no four-eyes request \(id)") }
    public static func notFourEyes(_ action: OperatorAction) -> Self {
        Self(code: "not-four-eyes", kind: .invalid, reason: "\(action.rawValue) needs no second operator")
    }
    public static func approvalRefused(_ why: String) -> Self {
        let text =
            switch why {
            case "self-approval": "the second operator must be another person"
            case "target": "the request is about the second operator: another operator decides it"
            case "role-required": "the second operator must hold a role the act needs"
            case "expired": "the request is older than 24 hours"
            case "not-approved": "the request is not approved (or was already carried out)"
            case "not-requester": "only the operator who asked carries the act out"
            default: "the request was already decided"
            }
        return Self(code: "four-eyes-\(why)", kind: why == "expired" ? .gone : .forbidden, reason: text)
    }
}

/// Operators and four-eyes control (issue 15): who may do what is ``OperatorRules``; this is
/// where it is enforced and audited.
extension AdminService {
    /// Grants a role from the server (`cyberid admin operator grant`: the bootstrap — whoever
    /// runs commands on the server is trusted, and named in the audit by `--operator`).
    /// - Returns: `false` when the person already held the role.
    public func grantRole(_ role: OperatorRole, networkNumber: String, displayName: String, now: Date = Date())
        async throws -> Bool
    {
        let name = try Self.checkedDisplayName(displayName)
        let person = try await personID(networkNumber: networkNumber)
        // The audit names an operator by display name: two operators must not look the same there
        // (an accomplice granted an admin's name, or that name with an invisible character, acted
        // in the admin's name — a review's finding).
        try await checkDisplayNameFree(name, for: person)
        let (store, actor) = (self.store, self.actor)
        return try await audited("operator.grant", target: person, reason: "\(role.rawValue) to \(name)", at: now) {
            try await store.grantRole(personID: person, displayName: name, role: role.rawValue, grantedBy: actor, at: now)
        }
    }

    /// Revokes a role from the server. - Returns: `false` when the person did not hold it.
    public func revokeRole(_ role: OperatorRole, networkNumber: String, now: Date = Date()) async throws -> Bool {
        let person = try await personID(networkNumber: networkNumber)
        let store = self.store
        return try await audited("operator.revoke", target: person, reason: role.rawValue, at: now) {
            try await store.revokeRole(personID: person, role: role.rawValue)
        }
    }

    /// Every operator with their roles and network number.
    public func operators() async throws -> [(record: OperatorRecord, networkNumber: String?)] {
        var out = [(record: OperatorRecord, networkNumber: String?)]()
        for record in try await store.operatorRecords() {
            out.append((record, try await store.activeNetworkNumber(personID: record.personID)))
        }
        return out
    }

    /// The operator record of a person (their display name and roles), if they are one.
    public func operatorRecord(personID: String) async throws -> OperatorRecord? {
        try await store.operatorRecord(personID: personID)
    }

    /// Four-eyes requests in a state, oldest first.
    /// The record reads `operatorID` carried out within ``recordShowWindow`` of `now` (their
    /// requests are at most a day and 15 minutes old: only those are read).
    public func recentRecordReads(by operatorID: String, now: Date = Date()) async throws -> [FourEyesRequestRecord] {
        let since = now - OperatorRules.approvalWindow - Self.recordShowWindow
        return try await store.fourEyesRequests(status: .executed, requestedSince: since).filter {
            $0.requestedBy == operatorID && $0.action == OperatorAction.readRecord.rawValue
                && ($0.executedAt.map { now < $0 + Self.recordShowWindow } ?? false)
        }
    }

    public func fourEyesRequests(status: FourEyesRequestRecord.Status) async throws -> [FourEyesRequestRecord] {
        try await store.fourEyesRequests(status: status)
    }

    /// The roles a person holds as an operator (none for anyone else).
    public func operatorRoles(personID: String) async throws -> Set<OperatorRole> {
        Set((try await store.operatorRecord(personID: personID)?.roles ?? []).compactMap(OperatorRole.init(rawValue:)))
    }

    /// Asks for a four-eyes act; a second operator approves or refuses it within 24 hours.
    /// - Throws: ``AdminError`` `not-an-operator`, `role-required`, `not-four-eyes`.
    public func requestFourEyes(
        _ action: OperatorAction, target: String, detail: [String: String], by operatorID: String, now: Date = Date()
    ) async throws -> FourEyesRequestRecord {
        guard OperatorRules.needsSecondOperator(action) else { throw AdminError.notFourEyes(action) }
        try await requireRole(action, operatorID: operatorID)
        // The reason is checked now, by the rule the act applies to it: an approved request whose
        // act then refused its reason would be used up with nothing done.
        var detail = detail
        if let reason = detail["reason"] { detail["reason"] = try Self.checkedReason(reason, for: action.rawValue) }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        let request = FourEyesRequestRecord(
            id: "fe_" + SecureRandom.token(bytes: 12), action: action.rawValue, target: target, detail: json,
            requestedBy: operatorID, requestedAt: now, expiresAt: now + OperatorRules.approvalWindow)
        let store = self.store
        // The audit names the request, not its target (a citizen's number does not belong in the
        // immutable chain); the request row holds the target.
        try await audited("four-eyes.request", target: request.id, reason: action.rawValue, at: now) {
            try await store.createFourEyesRequest(request)
        }
        return request
    }

    /// A second operator approves or refuses a pending request.
    /// - Throws: ``AdminError`` `unknown-request`, `four-eyes-self-approval`, `four-eyes-target`,
    ///   `four-eyes-role-required`, `four-eyes-not-pending`, `four-eyes-expired`.
    public func decideFourEyes(id: String, approve: Bool, by operatorID: String, reason: String? = nil, now: Date = Date())
        async throws -> FourEyesRequestRecord
    {
        guard let request = try await store.fourEyesRequest(id: id), let action = OperatorAction(rawValue: request.action)
        else { throw AdminError.unknownRequest(id) }
        if let refusal = OperatorRules.approvalRefusal(
            action: action, requestedBy: request.requestedBy, requestedAt: request.requestedAt,
            pending: request.status == .pending, approver: operatorID,
            approverRoles: try await operatorRoles(personID: operatorID), subject: try await fourEyesSubject(request), now: now)
        {
            throw AdminError.approvalRefused(refusal)
        }
        // The decision's reason is optional; given, it is plain text like any other.
        let reason = try reason.flatMap {
            $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : try Self.checkedReason($0, for: "a decision")
        }
        let store = self.store
        let status: FourEyesRequestRecord.Status = approve ? .approved : .refused
        try await audited(approve ? "four-eyes.approve" : "four-eyes.refuse", target: id, reason: reason ?? action.rawValue, at: now) {
            guard try await store.decideFourEyesRequest(id: id, status: status, decidedBy: operatorID, reason: reason, at: now)
            else { throw AdminError.approvalRefused("not-pending") }
        }
        return try await store.fourEyesRequest(id: id) ?? request
    }

    /// The person a four-eyes request is about, if it is about one: whose record is read, who is
    /// cancelled, who gains or loses `admin` or `records` (their person id; `nil` for a key
    /// rotation or a number no one holds).
    public func fourEyesSubject(_ request: FourEyesRequestRecord) async throws -> String? {
        let number: String? =
            switch OperatorAction(rawValue: request.action) {
            case .readRecord?, .cancelPerson?: request.target
            case .grantSensitiveRole?: request.detailFields["number"]
            default: nil
            }
        guard let number else { return nil }
        do {
            return try await personID(networkNumber: number)
        } catch let error as AdminError where error == .unknownNumber {
            return nil
        }
    }

    /// The requester carries out an approved act, once, within 24 hours of the request; the
    /// caller then does the act itself (audited as usual).
    /// - Throws: ``AdminError`` `unknown-request`, `four-eyes-not-requester`, `four-eyes-not-approved`, `four-eyes-expired`.
    public func claimApproved(id: String, by operatorID: String, now: Date = Date()) async throws -> FourEyesRequestRecord {
        let request = try await approvedRequest(id: id, by: operatorID, now: now)
        guard try await store.markFourEyesRequestExecuted(id: id, at: now) else { throw AdminError.approvalRefused("not-approved") }
        return request
    }

    /// The approved request `id`, checked for its requester (still holding the role) and age.
    func approvedRequest(id: String, by operatorID: String, now: Date) async throws -> FourEyesRequestRecord {
        guard let request = try await store.fourEyesRequest(id: id) else { throw AdminError.unknownRequest(id) }
        guard request.requestedBy == operatorID else { throw AdminError.approvalRefused("not-requester") }
        guard request.status == .approved else { throw AdminError.approvalRefused("not-approved") }
        guard now < request.expiresAt else { throw AdminError.approvalRefused("expired") }
        // The requester must still hold the role when the act is done (it may have been revoked).
        if let action = OperatorAction(rawValue: request.action) { try await requireRole(action, operatorID: operatorID) }
        return request
    }

    /// Carries out an approved record read: the record is opened first, then the request is
    /// marked carried out, the person's history line and the audit entry written — one
    /// transaction, so a request is never "carried out" without the read in the person's
    /// history (nor the history without the request).
    /// - Parameter roles: the two operators' roles, shown to the person.
    public func readApprovedRecord(id: String, by operatorID: String, roles: [String], now: Date = Date()) async throws
        -> (request: FourEyesRequestRecord, record: IdentityRecord)
    {
        let request = try await approvedRequest(id: id, by: operatorID, now: now)
        guard request.action == OperatorAction.readRecord.rawValue else { throw AdminError.approvalRefused("not-a-record-read") }
        let basis = request.detailFields["reason"] ?? ""
        let store = self.store
        let record = try await readRecord(networkNumber: request.target, legalBasis: basis, roles: roles, now: now) {
            guard try await store.markFourEyesRequestExecuted(id: id, at: now) else {
                throw AdminError.approvalRefused("not-approved")
            }
        }
        return (request, record)
    }

    /// How long an approved record read stays readable by its requester, from the request's page.
    public static let recordShowWindow: TimeInterval = 15 * 60

    /// A request by id.
    /// - Throws: ``AdminError`` `unknown-request`.
    public func fourEyesRequest(id: String) async throws -> FourEyesRequestRecord {
        guard let request = try await store.fourEyesRequest(id: id) else { throw AdminError.unknownRequest(id) }
        return request
    }

    /// Shows a record read again to its requester within ``recordShowWindow`` of the read: the
    /// same access (the person's history already holds it), audited as `record.show` each time.
    /// - Throws: ``AdminError`` `unknown-request`, `four-eyes-not-requester`, `four-eyes-not-approved`,
    ///   `four-eyes-expired`, `record-unavailable`.
    public func showRecordAgain(id: String, by operatorID: String, now: Date = Date()) async throws
        -> (request: FourEyesRequestRecord, record: IdentityRecord)
    {
        let request = try await fourEyesRequest(id: id)
        guard request.requestedBy == operatorID else { throw AdminError.approvalRefused("not-requester") }
        guard request.action == OperatorAction.readRecord.rawValue, request.status == .executed, let executed = request.executedAt
        else { throw AdminError.approvalRefused("not-approved") }
        guard now < executed + Self.recordShowWindow else { throw AdminError.approvalRefused("expired") }
        try await requireRole(.readRecord, operatorID: operatorID)
        let record = try await openRecord(networkNumber: request.target).record
        try await audited("record.show", target: request.id, reason: "shown again within 15 minutes", at: now) {}
        return (request, record)
    }

    /// Refuses an operator without a role that allows `action`.
    public func requireRole(_ action: OperatorAction, operatorID: String) async throws {
        let roles = try await operatorRoles(personID: operatorID)
        guard !roles.isEmpty else { throw AdminError.notAnOperator() }
        guard OperatorRules.allows(roles, action) else { throw AdminError.roleRequired(action) }
    }

    /// A display name as stored: trimmed, 1 to 100 characters of plain text (the rule of every
    /// text an operator writes: no control character, no bidirectional control; since
    /// 2026-12-04 other format characters such as the zero-width non-joiner are allowed, as in
    /// reasons).
    /// What a display name looks like, for telling two apart: compatibility-normalised (NFKC),
    /// case-folded, without the code points Unicode says to draw as nothing (Default_Ignorable:
    /// U+200B–U+200F, U+2060, U+FEFF, variation selectors, U+034F, the Hangul fillers…), runs of
    /// white space as one space.
    public static func likeness(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in folded.unicodeScalars
        where Self.blanks.contains(scalar.value)
            || !scalar.properties.isDefaultIgnorableCodePoint && scalar.properties.generalCategory != .format
        {
            if scalar.properties.isWhitespace || Self.blanks.contains(scalar.value) {
                space = !out.isEmpty
                continue
            }
            if space { out.append(" ") }
            space = false
            out.append(scalar)
        }
        return String(out)
    }

    public static func checkedDisplayName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard trimmed.isPlainText(atMost: 100), !mixesLookalikeScripts(trimmed) else { throw AdminError.invalidDisplayName() }
        return trimmed
    }

    /// Code points many fonts draw as a blank though Unicode does not call them space: the Hangul
    /// fillers and the Braille blank. The likeness reads them as a space.
    static let blanks: Set<UInt32> = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800]

    /// Whether a word of the name mixes letters of Latin, Greek and Cyrillic — scripts with letters
    /// drawn alike (a Cyrillic А in "Аlice"): such a name could pass for another operator's in the
    /// audit. Read after compatibility normalisation (mathematical and full-width letters are
    /// Latin), word by word ("Иван Петров (SOC)" is a name, not a disguise).
    static func mixesLookalikeScripts(_ name: String) -> Bool {
        let words = name.precomposedStringWithCompatibilityMapping.split(whereSeparator: \.isWhitespace)
        return words.contains { word in
            var scripts = Set<Int>()
            for scalar in word.unicodeScalars where scalar.properties.isAlphabetic {
                switch scalar.value {
                case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: scripts.insert(0)
                case 0x370...0x3FF, 0x1F00...0x1FFF: scripts.insert(1)
                case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: scripts.insert(2)
                default: continue
                }
            }
            return scripts.count > 1
        }
    }

    /// Refuses a display name that looks like another operator's (``likeness(_:)``): checked when
    /// a role is granted, and before a four-eyes grant is asked for (so that an approval is not
    /// spent on a grant that would then be refused).
    /// - Throws: ``AdminError`` `display-name-taken`.
    public func checkDisplayNameFree(_ name: String, for person: String) async throws {
        let likeness = Self.likeness(name)
        guard try await !store.operatorRecords().contains(where: { $0.personID != person && Self.likeness($0.displayName) == likeness })
        else { throw AdminError.displayNameTaken() }
    }
}
