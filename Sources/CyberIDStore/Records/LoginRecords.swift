public import CyberIDCore
public import Foundation

/// What a login approval needs to know about the holder of a network certificate, read in
/// one query: certificate status, person state and level, and what they consented to before.
public struct LoginHolder: Sendable, Equatable {
    /// The certificate's status.
    public var certificateStatus: NetworkCertificateRecord.Status
    /// The certificate's expiry.
    public var certificateNotAfter: Date
    /// The holder.
    public var personID: String
    /// The person's lifecycle state.
    public var personState: PersonRecord.State
    /// The person's assurance level.
    public var assuranceLevel: AssuranceLevel
    /// The network number the certificate binds.
    public var networkNumber: String
    /// Claims the person consented to release to the asking client, if any.
    public var consentedClaims: Set<String>
    /// Why the asking platform flagged the person for re-verification, if it did.
    public var restrictionReason: String?
    /// When the person last proved their presence (enrollment, device replacement, a
    /// re-verification).
    public var verifiedAt: Date
    /// The re-verification interval that applies to the asking platform (its own, else the
    /// global one), if an administrator set one.
    public var reverificationInterval: TimeInterval?
    /// The serial of the certificate looked up.
    public var certificateSerial: String = ""
    /// A pairwise subject the asking client already has for the person (the least, if a change
    /// of network number gave it several): a login whose subject is this one need not write it.
    public var knownSubject: String?

    /// Creates a holder summary.
    public init(
        certificateStatus: NetworkCertificateRecord.Status, certificateNotAfter: Date, personID: String,
        personState: PersonRecord.State, assuranceLevel: AssuranceLevel, networkNumber: String,
        consentedClaims: Set<String>, restrictionReason: String? = nil, verifiedAt: Date = .distantPast,
        reverificationInterval: TimeInterval? = nil
    ) {
        (
            self.verifiedAt, self.reverificationInterval, self.certificateStatus, self.certificateNotAfter,
            self.personID, self.personState, self.assuranceLevel, self.networkNumber, self.consentedClaims,
            self.restrictionReason
        ) = (
            verifiedAt, reverificationInterval, certificateStatus, certificateNotAfter, personID, personState,
            assuranceLevel, networkNumber, consentedClaims, restrictionReason
        )
    }
}

/// A certificate's status and its holder's state (``LoginDecisionStore/certificateHolder(serial:)``).
public struct CertificateHolderState: Sendable, Equatable {
    /// The certificate's status.
    public var certificateStatus: NetworkCertificateRecord.Status
    /// The holder.
    public var personID: String
    /// The holder's lifecycle state.
    public var personState: PersonRecord.State

    /// Creates the state.
    public init(certificateStatus: NetworkCertificateRecord.Status, personID: String, personState: PersonRecord.State) {
        (self.certificateStatus, self.personID, self.personState) = (certificateStatus, personID, personState)
    }
}

/// A person's remembered consent for one client.
public struct ConsentRecord: Sendable, Equatable {
    /// Whose consent.
    public var personID: String
    /// For which platform.
    public var clientID: String
    /// The claim names consented to.
    public var claims: Set<String>
    /// When it was (last) given.
    public var grantedAt: Date

    /// Creates a consent row.
    public init(personID: String, clientID: String, claims: Set<String>, grantedAt: Date) {
        self.personID = personID
        self.clientID = clientID
        self.claims = claims
        self.grantedAt = grantedAt
    }
}

/// One recorded lifecycle transition of a person.
public struct LifecycleEventRecord: Sendable, Equatable {
    public var personID: String
    /// `suspend`, `resume`, `restrict`, `lift`, `cancel`.
    public var event: String
    public var from: PersonRecord.State
    public var to: PersonRecord.State
    /// `person`, `guardian`, `platform`, `administrator`, `policy`.
    public var actor: String
    public var reason: String
    public var occurredAt: Date

    /// Creates a record.
    public init(
        personID: String, event: String, from: PersonRecord.State, to: PersonRecord.State, actor: String, reason: String,
        occurredAt: Date
    ) {
        (
            self.personID, self.event, self.from, self.to, self.actor, self.reason, self.occurredAt
        ) = (
            personID, event, from, to, actor, reason, occurredAt
        )
    }
}

/// One entry of the append-only, hash-chained audit log.
public struct AuditEntryRecord: Sendable, Equatable {
    public var seq: Int64
    public var occurredAt: Date
    /// `administrator`, `person`, `policy`, …
    public var actor: String
    /// e.g. `person.suspend`, `certificate.revoke`, `record.read`.
    public var action: String
    /// What was acted on (a person id, a serial, a client id).
    public var target: String
    /// The reason or legal basis given.
    public var reason: String
    public var previousHash: [UInt8]
    public var entryHash: [UInt8]

    /// Creates an entry.
    public init(
        seq: Int64, occurredAt: Date, actor: String, action: String, target: String, reason: String,
        previousHash: [UInt8], entryHash: [UInt8]
    ) {
        (
            self.seq, self.occurredAt, self.actor, self.action, self.target, self.reason, self.previousHash,
            self.entryHash
        ) = (
            seq, occurredAt, actor, action, target, reason, previousHash, entryHash
        )
    }
}

/// Which audit entries an operator looks for (the console's audit page): every given condition
/// holds. Matched by the database (`AuditStore.auditEntries(matching:limit:)`), never by reading
/// the whole log.
public struct AuditQuery: Sendable, Equatable {
    /// Part of the actor's name, ignoring case (ASCII letters on SQLite; PostgreSQL's `lower()`
    /// folds more under a non-C locale); empty: any.
    public var actorContains: String
    /// The start of the action (`person.` for every lifecycle act); empty: any.
    public var actionPrefix: String
    /// Entries at or after this time.
    public var from: Date?
    /// Entries before this time.
    public var until: Date?

    public init(actorContains: String = "", actionPrefix: String = "", from: Date? = nil, until: Date? = nil) {
        (self.actorContains, self.actionPrefix, self.from, self.until) = (actorContains, actionPrefix, from, until)
    }
}

/// A signed checkpoint of the audit log.
public struct AuditCheckpointRecord: Sendable, Equatable {
    public var seq: Int64
    public var entryHash: [UInt8]
    public var kid: String
    public var signature: [UInt8]
    public var signedAt: Date

    /// Creates a checkpoint.
    public init(seq: Int64, entryHash: [UInt8], kid: String, signature: [UInt8], signedAt: Date) {
        (self.seq, self.entryHash, self.kid, self.signature, self.signedAt) = (seq, entryHash, kid, signature, signedAt)
    }
}

/// A Security Event Token waiting for (or done with) delivery to a platform.
public struct SecurityEventRecord: Sendable, Equatable {
    public var id: Int64
    public var clientID: String
    /// The platform's pairwise subject for the person.
    public var subject: String
    /// `suspended`, `resumed`, `restricted`, `lifted`, `cancelled`, `certificate-revoked`, `reverified`.
    public var event: String
    public var reason: String
    public var occurredAt: Date
    public var attempts: Int

    /// Creates a record.
    public init(id: Int64, clientID: String, subject: String, event: String, reason: String, occurredAt: Date, attempts: Int) {
        (
            self.id, self.clientID, self.subject, self.event, self.reason, self.occurredAt, self.attempts
        ) = (
            id, clientID, subject, event, reason, occurredAt, attempts
        )
    }
}

/// What a lifecycle transition does besides changing the state: decided by the lifecycle rules
/// (CyberIDLifecycle), carried out by the store in the transition's one write.
public struct TransitionEffects: Sendable, Equatable {
    /// What to do.
    public struct Action: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Destroy the identity record's wrapped data key (crypto-shredding).
        public static let shredRecord = Action(rawValue: 1)
        /// Retire the network number for good.
        public static let retireNumber = Action(rawValue: 2)
        /// Revoke every valid certificate.
        public static let revokeCertificates = Action(rawValue: 4)
    }

    /// The actions.
    public var actions: Action
    /// Who suspended the person (kept while suspended, so only they or a stronger actor resume).
    public var suspendedBy: String?

    /// Creates the effects.
    public init(actions: Action = [], suspendedBy: String? = nil) {
        self.actions = actions
        self.suspendedBy = suspendedBy
    }

    /// Whether `action` is among the effects.
    public func contains(_ action: Action) -> Bool { actions.contains(action) }
}

/// What a login decision that re-verifies the person does besides being recorded: decided by
/// the provider's re-verification gate, carried out by the store in the decision's write.
public struct ReverificationEffects: Sendable, Equatable {
    /// Renew the person's verification time (the re-verification interval restarts).
    public var renewVerification: Bool
    /// End the person's restriction toward the decision's platform.
    public var liftRestriction: Bool
    /// Tell the platform when a restriction was lifted.
    public var announceLift: SecurityEventType?

    /// Creates the effects.
    public init(renewVerification: Bool, liftRestriction: Bool, announceLift: SecurityEventType?) {
        self.renewVerification = renewVerification
        self.liftRestriction = liftRestriction
        self.announceLift = announceLift
    }
}
