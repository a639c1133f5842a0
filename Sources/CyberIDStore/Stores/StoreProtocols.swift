public import CyberIDCore
public import Foundation

/// Persists the service's signing keys.
public protocol SigningKeyStore: Sendable {
    /// Every stored key, newest first.
    func signingKeys() async throws -> [StoredSigningKey]
    /// Adds a key and, in the same transaction, retires the keys that were active.
    /// - Parameters:
    ///   - key: the new active key.
    ///   - publishUntil: until when the retired keys stay published.
    func rotate(to key: StoredSigningKey, publishRetiredUntil publishUntil: Date) async throws
    /// Stores `key` as the first key, unless a key exists (another process made it first).
    /// - Returns: whether `key` was stored.
    func createFirstSigningKey(_ key: StoredSigningKey) async throws -> Bool
}

extension SigningKeyStore {
    /// For stores used by one process (tests): check, then rotate.
    public func createFirstSigningKey(_ key: StoredSigningKey) async throws -> Bool {
        guard try await signingKeys().isEmpty else { return false }
        try await rotate(to: key, publishRetiredUntil: key.createdAt)
        return true
    }
}

/// Reads persons, their sealed identity records and their network numbers. Persons are written
/// by the named transactions of enrollment (``EnrollmentStore``) and lifecycle
/// (``LifecycleStore``), never piecemeal.
public protocol PersonStore: Sendable {
    /// A person by internal id.
    func person(id: String) async throws -> PersonRecord?
    /// The live (not cancelled) person with this blind index.
    func livePerson(blindIndex: [UInt8]) async throws -> PersonRecord?
    /// The person not cancelled whose attributes' blind index is `personIndex` (another
    /// document of theirs), if any.
    func livePerson(personIndex: [UInt8]) async throws -> PersonRecord?
    /// The person not cancelled with this nationality and personal number (their other
    /// document), if any.
    func livePerson(nationalIndex: [UInt8]) async throws -> PersonRecord?
    /// The person whose *active* number this is.
    func person(networkNumber: String) async throws -> PersonRecord?
    /// The person who holds or held this number, retired (cancelled) or not, with its status.
    func personEverHolding(networkNumber: String) async throws -> (person: PersonRecord, numberStatus: String)?
    /// The person's active network number.
    func activeNetworkNumber(personID: String) async throws -> String?
}

/// Persists relying parties.
public protocol ClientStore: Sendable {
    /// Registers a client.
    /// - Throws: ``StoreError/conflict`` for a duplicate `client_id`.
    func create(_ client: ClientRecord) async throws
    /// A client by id, disabled or not.
    func client(id: String) async throws -> ClientRecord?
    /// Every client, oldest first.
    func clients() async throws -> [ClientRecord]
    /// Enables or disables a client.
    func setDisabled(clientID: String, _ disabled: Bool) async throws
    /// Creates or updates a client row by id (CyberID's own first-party clients).
    func saveClient(_ client: ClientRecord) async throws
    /// Changes a client's name and metadata (nothing else). - Returns: `false` for an unknown client.
    func updateClient(clientID: String, name: String, metadata: String) async throws -> Bool
}

/// Reads decided login transactions (written once by ``LoginDecisionStore/recordDecision``) so
/// any server process can finish any flow, and purges expired ones.
public protocol LoginTransactionStore: Sendable {
    /// A transaction by id.
    func transaction(id: String) async throws -> LoginTransactionRecord?
    /// Which of these transactions are decided (a row whose status is not `pending`): what the
    /// login pages held on a node wait for, read for all of them at once.
    func decidedTransactions(among ids: [String]) async throws -> Set<String>
    /// Deletes the `limit` oldest of the transactions that expired by `time` (more only when
    /// others share the last one's expiry, to the millisecond), in one short statement; returns
    /// how many. Callers purge in such batches (see the server's
    /// `LoginTransactionPurge`), never all at once: one large DELETE stalled the logins beside it.
    func purgeExpired(before time: Date, limit: Int) async throws -> Int
}

/// Persists each person's history.
public protocol HistoryStore: Sendable {
    /// Appends an entry; returns it with its sequence number.
    @discardableResult
    func append(_ entry: HistoryEntry) async throws -> HistoryEntry
    /// A person's entries, newest first.
    func history(personID: String, limit: Int) async throws -> [HistoryEntry]
    /// Deletes up to `limit` lines of the given events older than `time` (the retention of
    /// verification lines, issue 16). - Returns: how many were deleted.
    func purgeHistory(events: [String], before time: Date, limit: Int) async throws -> Int
    /// The verification log's upkeep, run every minute by each node: on PostgreSQL creates the
    /// month partitions of `events` for this month and the next two, and (with a `before`)
    /// drops those whose every line is older than it; then deletes, in batches, lines of
    /// `events` older than `before` that no month partition holds (on SQLite: all of them).
    func maintainHistory(events: [String], before: Date?, now: Date) async throws -> HistoryMaintenance
}

/// Persists the single-use facts of a login: the wallet's decision on a transaction (its id is
/// the primary key, so a transaction is decided once), the code exchange, consents, and the
/// `jti`s of client assertions. Everything else about a login travels sealed (see
/// CyberIDProvider), so a login costs two writes.
public protocol LoginDecisionStore: Sendable {
    /// The certificate's holder as a login sees it, with their consent for `clientID`.
    func loginHolder(certificateSerial: String, clientID: String) async throws -> LoginHolder?
    /// The certificate's status, its holder and the holder's state — what the code exchange
    /// checks again, without the joins of ``loginHolder(certificateSerial:clientID:)``.
    func certificateHolder(serial: String) async throws -> CertificateHolderState?
    /// Records the decision on a transaction, the history entry, (if given) the new consent,
    /// the client's pairwise subject for the person, and — for a re-verification — the effects
    /// the provider decided (a new verification time, the end of the restriction toward the
    /// client, a security event when one was lifted), in one transaction.
    /// - Returns: `false`, writing nothing, when the transaction was already decided.
    func recordDecision(
        _ decision: LoginTransactionRecord, history: HistoryEntry, consent: ConsentRecord?,
        subject: String?, reverification: ReverificationEffects?
    ) async throws -> Bool
    /// Moves an `approved` decision of `clientID` to `completed`: the code's single use.
    /// - Returns: the decision as it was, or `nil` if it was not `approved` (or not this client's).
    func completeLogin(id: String, clientID: String) async throws -> LoginTransactionRecord?
    /// Marks a decided transaction `revoked` (its tokens stop working).
    /// - Returns: whether a row changed.
    @discardableResult
    func revokeLogin(id: String) async throws -> Bool
}

/// Persists what each person agreed to release to each platform (written with a login decision).
public protocol ConsentStore: Sendable {
    /// The person's remembered consents.
    func consents(personID: String) async throws -> [ConsentRecord]
    /// Withdraws the person's consent for one client.
    /// - Returns: whether there was one.
    func withdrawConsent(personID: String, clientID: String) async throws -> Bool
}

/// Persists platforms' re-verification demands (lifted by a re-verifying login decision).
public protocol RestrictionStore: Sendable {
    /// Flags the person behind a client's pairwise subject for re-verification toward that client.
    /// - Returns: the person, or `nil` for a subject this client never saw.
    func restrict(clientID: String, subject: String, reason: String, history: @Sendable (String) -> HistoryEntry, at time: Date)
        async throws -> String?
}

/// Remembers single-use identifiers until they expire: `private_key_jwt` assertion `jti`s (per
/// client), pushed `request_uri`s (by hash), wallet-API request `jti`s (per certificate, scope
/// `wallet:<serial>`).
public protocol ClientAssertionStore: Sendable {
    /// Records a client assertion's `jti`.
    /// - Returns: `false` when it was seen before (a replay).
    func useClientAssertion(clientID: String, jti: String, expiresAt: Date) async throws -> Bool
    /// Deletes remembered assertion `jti`s that expired by `time` — at most `limit` (more only when others share the
    /// last one's expiry, to the millisecond), the oldest first; returns how many. Callers purge in
    /// such batches (the server's `BatchedPurge`).
    func purgeClientAssertions(before time: Date, limit: Int) async throws -> Int
}

/// Persists the administrator-set re-verification intervals.
public protocol ReverificationPolicyStore: Sendable {
    /// Sets (or with `nil` clears) the interval for a scope: `*` (every platform) or a client id.
    func setReverificationInterval(scope: String, seconds: Int64?, at time: Date) async throws
    /// Every interval set, by scope.
    func reverificationIntervals() async throws -> [(scope: String, seconds: Int64, setAt: Date)]
}

/// Persists person lifecycle transitions.
public protocol LifecycleStore: Sendable {
    /// A person's state and who suspended them, by id.
    func lifecycleState(personID: String) async throws -> (state: PersonRecord.State, suspendedBy: String?)?
    /// Applies a transition if the person is still in `event.from` (compare-and-set), recording
    /// the event, a history entry and (if named) a security event for every platform that knows
    /// the person, in the same transaction, carrying out the `effects` the lifecycle rules
    /// decided (for a cancel: shred the record, retire the number, revoke the certificates).
    /// - Returns: `false`, writing nothing, when the state changed meanwhile.
    func recordTransition(
        _ event: LifecycleEventRecord, effects: TransitionEffects, history: HistoryEntry, securityEvent: SecurityEventType?
    ) async throws -> Bool
    /// A person's transitions, oldest first.
    func lifecycleEvents(personID: String) async throws -> [LifecycleEventRecord]
}

/// The person-index backfill's reads and its one write (review finding 5).
public protocol PersonIndexStore: PersonStore & TransactionalStore {
    /// Up to `limit` persons, by id after `id`, whose indexes are not at version 2 (schema v27),
    /// with their `index_version`: 1 never indexed, 3 when another live person held their
    /// personal number at the last try.
    func personsToIndex(after id: String, limit: Int) async throws -> [(person: PersonRecord, version: Int)]
    /// Sets a person's version-2 indexes (a `nil` one is left as it is) if their
    /// `index_version` is still `version` and their row's `updated_at` still `updatedAt`
    /// (compare-and-set); with `nationalHeldElsewhere` (another live person has the national
    /// index) the national index is left unset and the version becomes 3, to try again.
    /// - Returns: whether the row was written.
    func setIndexes(
        personIndex: [UInt8]?, nationalIndex: [UInt8]?, nationalHeldElsewhere: Bool, personID: String, from version: Int,
        updatedAt: Date
    ) async throws -> Bool
}

/// Runs several store calls as one unit of work.
public protocol TransactionalStore: Sendable {
    /// Runs `body` in one write transaction: every store call it makes on this store joins it,
    /// and all of them are committed together or none.
    func inTransaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
}

/// Fixed-window counters for rate limits, shared by every process.
public protocol RateCounterStore: Sendable {
    /// Counts one hit of `key` in the window starting at `windowStart`, atomically.
    /// - Returns: the hits in that window, this one included.
    func hit(key: String, windowStart: Date, expiresAt: Date) async throws -> Int64
    /// Adds several counters' hits in one transaction (a process's batch).
    /// - Returns: each counter's hits after the addition, in the batch's order.
    func addHits(_ batch: [RateCounterHits]) async throws -> [Int64]
    /// The hits of `key` in the window starting at `windowStart`, without counting.
    func hits(key: String, windowStart: Date) async throws -> Int64
    /// Deletes counters whose window ended by `time` — at most `limit` (more only when others share the
    /// last one's expiry, to the millisecond), the oldest first; returns how many. Callers purge in
    /// such batches (the server's `BatchedPurge`).
    func purgeRateCounters(before time: Date, limit: Int) async throws -> Int
}

/// Hits to add to one rate counter.
public struct RateCounterHits: Sendable, Equatable {
    public var key: String
    public var windowStart: Date
    public var expiresAt: Date
    public var count: Int64

    public init(key: String, windowStart: Date, expiresAt: Date, count: Int64) {
        (self.key, self.windowStart, self.expiresAt, self.count) = (key, windowStart, expiresAt, count)
    }
}

/// Revokes network certificates and lists the revoked ones (for the CRL).
public protocol CertificateRevocationStore: Sendable {
    /// Revokes a valid certificate, with an optional history entry in the same transaction.
    /// - Returns: `false` when it was unknown or already revoked.
    func revokeCertificate(serial: String, at time: Date, history: HistoryEntry?) async throws -> Bool
    /// Every revoked certificate still within its validity at `now` (expired ones are pruned:
    /// RFC 5280 §3.3), serial (lower-case hex) and revocation time.
    func revokedCertificates(at now: Date) async throws -> [(serial: String, revokedAt: Date)]
    /// A cheap fingerprint of that list — how many, and the latest revocation — so a cached CRL
    /// is remade only when something was revoked or expired.
    func revocationFingerprint(at now: Date) async throws -> RevocationFingerprint
}

/// How many certificates are revoked and unexpired, and when the latest was revoked.
public struct RevocationFingerprint: Sendable, Equatable {
    public var count: Int64
    public var latest: Int64?

    public init(count: Int64, latest: Int64?) {
        self.count = count
        self.latest = latest
    }
}

/// Persists the audit log.
public protocol AuditStore: Sendable {
    /// Appends an entry built from the last one, in one write transaction.
    /// - Parameter make: builds the new entry from the last entry's sequence number and hash
    ///   (`nil` for the first entry).
    /// - Returns: the stored entry.
    func appendAudit(_ make: @Sendable (_ last: (seq: Int64, hash: [UInt8])?) throws -> AuditEntryRecord) async throws
        -> AuditEntryRecord
    /// Up to `limit` entries after sequence number `seq`, in sequence order: a page of the log
    /// (verification and `cyberid admin audit list` read it page by page, never whole).
    func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntryRecord]
    /// The entries matching `query`, newest first, at most `limit`, and how many match in all.
    func auditEntries(matching query: AuditQuery, limit: Int) async throws -> (entries: [AuditEntryRecord], total: Int)
    /// Stores a checkpoint.
    func addAuditCheckpoint(_ checkpoint: AuditCheckpointRecord) async throws
    /// Up to `limit` checkpoints after sequence number `seq`, in sequence order (a page: there is
    /// about one per audited change).
    func auditCheckpoints(after seq: Int64, limit: Int) async throws -> [AuditCheckpointRecord]
    /// The newest entry (one indexed read, not the whole log).
    func lastAuditEntry() async throws -> AuditEntryRecord?
    /// The newest checkpoint (one indexed read).
    func latestAuditCheckpoint() async throws -> AuditCheckpointRecord?
}


extension AuditStore {
    /// Every entry, in sequence order, read page by page (tests and small logs; verification
    /// reads the pages itself and keeps none).
    public func auditEntries() async throws -> [AuditEntryRecord] {
        try await Self.allPages(\.seq) { try await auditEntries(after: $0, limit: $1) }
    }

    /// Every checkpoint, in sequence order, read page by page (tests and small logs).
    public func auditCheckpoints() async throws -> [AuditCheckpointRecord] {
        try await Self.allPages(\.seq) { try await auditCheckpoints(after: $0, limit: $1) }
    }

    /// Every row a paged read (rows after a sequence number, at most a limit) returns.
    private static func allPages<Row>(
        _ seq: (Row) -> Int64, _ page: (_ after: Int64, _ limit: Int) async throws -> [Row]
    ) async throws -> [Row] {
        var all = [Row]()
        while true {
            let rows = try await page(all.last.map(seq) ?? .min, 10_000)
            all += rows
            if rows.count < 10_000 { return all }
        }
    }
}

/// The outbox of Security Event Tokens.
public protocol SecurityEventStore: Sendable {
    /// Events due for a delivery attempt at `time`, oldest first.
    func dueSecurityEvents(at time: Date, limit: Int) async throws -> [SecurityEventRecord]
    /// Takes an event for one attempt (so two server processes do not both send it): moves its
    /// next attempt to `leaseUntil` if it is still due.
    /// - Returns: whether this caller has it.
    func claimSecurityEvent(id: Int64, at time: Date, leaseUntil: Date) async throws -> Bool
    /// Marks an event delivered (or dropped, with `note`).
    func securityEventDelivered(id: Int64, at time: Date, note: String?) async throws
    /// Records a failed attempt and when to try next (`nil`: give up).
    func securityEventFailed(id: Int64, attempts: Int, nextAttempt: Date?, error: String) async throws
    /// The retention of the outbox: deletes up to `limit` events delivered (or dropped) before
    /// `time`, and events given up on that occurred before it. An event still being retried stays.
    /// - Returns: how many were deleted.
    func purgeSecurityEvents(before time: Date, limit: Int) async throws -> Int
}
