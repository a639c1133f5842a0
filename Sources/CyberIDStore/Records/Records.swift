public import Foundation
public import CyberIDCore

/// A signing key as stored: the public key in clear, the private key sealed under the master key.
public struct StoredSigningKey: Sendable, Equatable {
    /// The JWK `kid`.
    public var kid: String
    /// The JOSE algorithm, `ES256`.
    public var algorithm: String
    /// The public key in ANSI X9.63 form (uncompressed point).
    public var publicKey: [UInt8]
    /// The private key sealed by the key module (AES-256-GCM under a key derived from the master key).
    public var sealedPrivateKey: [UInt8]
    /// When the key was created; the newest unretired key signs.
    public var createdAt: Date
    /// When the key stopped signing, `nil` while it is the active key.
    public var retiredAt: Date?
    /// Until when a retired key stays in the JWKS (so tokens it signed still verify).
    public var publishUntil: Date?

    /// Creates a stored key.
    public init(
        kid: String, algorithm: String, publicKey: [UInt8], sealedPrivateKey: [UInt8], createdAt: Date,
        retiredAt: Date? = nil, publishUntil: Date? = nil
    ) {
        (
            self.kid, self.algorithm, self.publicKey, self.sealedPrivateKey, self.createdAt, self.retiredAt,
            self.publishUntil
        ) = (
            kid, algorithm, publicKey, sealedPrivateKey, createdAt, retiredAt, publishUntil
        )
    }
}

/// A person's row: state, indexes and the sealed identity record. Nothing personal in clear.
public struct PersonRecord: Sendable, Equatable {
    /// Lifecycle state of a person, as stored.
    /// Lifecycle state of a person: the core's ``PersonState`` (one type, so the rules and the
    /// store never disagree).
    public typealias State = PersonState

    /// Internal identifier (random; never shown to relying parties).
    public var id: String
    /// The lifecycle state.
    public var state: State
    /// HMAC of the document identity (see `BlindIndex` in CyberIDKeys).
    public var blindIndex: [UInt8]
    /// The assurance level the evidence gave.
    public var assuranceLevel: AssuranceLevel
    /// The age band at enrollment (re-derived from the record when it matters).
    public var ageBand: AgeBand
    /// The guardian's person id for minors.
    public var guardianID: String?
    /// HMAC of the person's attributes (nationality, names, birth date, sex): the same across
    /// their documents; `nil` for persons enrolled before it existed.
    public var personIndex: [UInt8]?
    /// HMAC of the nationality and personal number, when the document has one (the same on a
    /// passport and an ID card); unique among live persons (schema v27).
    public var nationalIndex: [UInt8]?
    /// The identity record, AES-256-GCM ciphertext.
    public var recordCiphertext: [UInt8]
    /// The record's data key wrapped by the master key; `nil` once shredded.
    public var recordWrappedKey: [UInt8]?
    /// Creation time.
    public var createdAt: Date
    /// Last change.
    public var updatedAt: Date

    /// Creates a person row.
    public init(
        id: String, state: State, blindIndex: [UInt8], assuranceLevel: AssuranceLevel, ageBand: AgeBand,
        guardianID: String? = nil, recordCiphertext: [UInt8], recordWrappedKey: [UInt8]?, createdAt: Date,
        updatedAt: Date, personIndex: [UInt8]? = nil, nationalIndex: [UInt8]? = nil
    ) {
        (
            self.id, self.state, self.blindIndex, self.assuranceLevel, self.ageBand, self.guardianID,
            self.recordCiphertext, self.recordWrappedKey, self.createdAt, self.updatedAt, self.personIndex,
            self.nationalIndex
        ) = (
            id, state, blindIndex, assuranceLevel, ageBand, guardianID, recordCiphertext, recordWrappedKey, createdAt,
            updatedAt, personIndex, nationalIndex
        )
    }
}

/// A registered relying party. Protocol metadata is kept as JSON the provider module owns.
public struct ClientRecord: Sendable, Equatable {
    /// The OAuth `client_id`.
    public var clientID: String
    /// Display name shown to people in the wallet and on consent.
    public var name: String
    /// Hash of the client secret, if the client has one.
    public var secretHash: [UInt8]?
    /// Redirect URIs, sector, scopes, legal basis, auth method… as JSON text.
    public var metadata: String
    /// A disabled client gets nothing.
    public var disabled: Bool
    /// Registration time.
    public var createdAt: Date

    /// Creates a client row.
    public init(clientID: String, name: String, secretHash: [UInt8]?, metadata: String, disabled: Bool = false, createdAt: Date) {
        (
            self.clientID, self.name, self.secretHash, self.metadata, self.disabled, self.createdAt
        ) = (
            clientID, name, secretHash, metadata, disabled, createdAt
        )
    }
}

/// A short-lived login transaction (the QR code's subject).
public struct LoginTransactionRecord: Sendable, Equatable {
    /// Where a transaction stands.
    public enum Status: String, Sendable {
        /// Waiting for the wallet (only in tests and older flows; see ``LoginDecisionStore``).
        case pending
        /// Approved by the wallet; a code may be exchanged once.
        case approved
        /// Declined by the person.
        case denied
        /// Refused by the service (level too low, person not active…); `payload` says why.
        case failed
        /// The code was exchanged.
        case completed
        /// The code was presented twice: the grant and its tokens are revoked.
        case revoked
        /// Timed out.
        case expired
    }

    /// Random identifier, carried in the wallet URI.
    public var id: String
    /// The relying party that asked.
    public var clientID: String
    /// Where it stands.
    public var status: Status
    /// Who approved it, once approved.
    public var personID: String?
    /// The authorization request and other provider data, as JSON text.
    public var payload: String
    /// Creation time.
    public var createdAt: Date
    /// After this the transaction can no longer be approved.
    public var expiresAt: Date

    /// Creates a transaction row.
    public init(
        id: String, clientID: String, status: Status, personID: String? = nil, payload: String, createdAt: Date,
        expiresAt: Date
    ) {
        (
            self.id, self.clientID, self.status, self.personID, self.payload, self.createdAt, self.expiresAt
        ) = (
            id, clientID, status, personID, payload, createdAt, expiresAt
        )
    }
}

/// One line of a person's history: which platform, what happened, with what result.
public struct HistoryEntry: Sendable, Equatable {
    /// Store-assigned sequence number (`nil` before insertion).
    public var id: Int64?
    /// Whose history.
    public var personID: String
    /// The relying party involved, if any.
    public var clientID: String?
    /// What happened, e.g. `login`, `consent`, `suspend`.
    public var event: String
    /// `success`, `failure` or `denied`, with detail in ``detail``.
    public var outcome: String
    /// JSON detail without personal data (claim names, level, reason code).
    public var detail: String
    /// When it happened.
    public var occurredAt: Date

    /// Creates an entry.
    public init(
        id: Int64? = nil, personID: String, clientID: String?, event: String, outcome: String, detail: String = "{}",
        occurredAt: Date
    ) {
        (
            self.id, self.personID, self.clientID, self.event, self.outcome, self.detail, self.occurredAt
        ) = (
            id, personID, clientID, event, outcome, detail, occurredAt
        )
    }
}

extension HistoryEntry {
    /// Creates an entry from the typed vocabulary (the one way services write history).
    /// - Parameters:
    ///   - fields: the detail as flat JSON (no personal data).
    public init(
        personID: String, clientID: String? = nil, event: HistoryEvent, outcome: HistoryOutcome = .success,
        fields: [String: String] = [:], at time: Date
    ) {
        let detail =
            fields.isEmpty
            ? "{}"
            : (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(
            personID: personID, clientID: clientID, event: event.rawValue, outcome: outcome.rawValue, detail: detail,
            occurredAt: time)
    }

    /// Creates an entry with a JSON detail already encoded.
    public init(
        personID: String, clientID: String?, event: HistoryEvent, outcome: HistoryOutcome, detail: String, at time: Date
    ) {
        self.init(
            personID: personID, clientID: clientID, event: event.rawValue, outcome: outcome.rawValue, detail: detail,
            occurredAt: time)
    }
}
