import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
import CyberIDVault

/// Gives every person the indexes of schema v27 (version 2): the person index with names as an
/// ID card's MRZ holds them, and the national index (nationality and personal number), so a
/// passport and an ID card of one person are found as a possible duplicate. Persons enrolled
/// before schema v13 get their first person index the same way. It opens each sealed record
/// (which needs the master key, hence not a SQL migration) and marks the person done; a
/// cancelled or shredded person has nothing to index. Run by `cyberid admin migrate` and, in
/// batches, by the server in the background; idempotent.
public struct PersonIndexBackfill: Sendable {
    /// What a run did.
    public struct Outcome: Sendable, Equatable {
        /// Persons never indexed before given their version-2 person index (and their national
        /// index, unless another live person has it).
        public var indexed = 0
        /// Persons found in this run whose personal number another live person already has: one
        /// person with two numbers, made before the national index existed (person ids, for the
        /// audit log).
        public var sharedPersonalNumber: [String] = []
        /// Persons whose personal number is still another live person's (found in this run or
        /// before), with that person: the national index is theirs once the other number is
        /// cancelled.
        public var stillShared: [SharedPersonalNumber] = []
        /// Persons whose sealed record did not open: left to do (the next run tries again).
        public var unreadable = 0

        public init() {}
    }

    /// Two live persons with one personal number (internal ids).
    public struct SharedPersonalNumber: Sendable, Equatable {
        /// The person the backfill could not give the national index.
        public var personID: String
        /// The person who holds it.
        public var holderID: String
    }

    /// What one person's write did.
    private enum Step: Sendable, Equatable {
        case raced, indexed
        case shared(SharedPersonalNumber)
    }

    /// One person's indexes, computed before the batch's transaction.
    private struct Work: Sendable {
        var person: PersonRecord
        var version: Int
        /// The record opened (not a cancelled person's).
        var indexed: Bool
        var personIndex: [UInt8]?
        var national: [UInt8]?
    }

    /// Writes one person's indexes (compare-and-set).
    private static func write(_ item: Work, store: any PersonIndexStore) async throws -> Step {
        var holder: PersonRecord?
        if let national = item.national { holder = try await store.livePerson(nationalIndex: national) }
        let elsewhere = holder.map { $0.id != item.person.id } ?? false
        guard
            try await store.setIndexes(
                personIndex: item.personIndex, nationalIndex: item.national, nationalHeldElsewhere: elsewhere,
                personID: item.person.id, from: item.version, updatedAt: item.person.updatedAt)
        else { return .raced }  // another node, or a document change, came first
        guard elsewhere, let holder else { return .indexed }
        return .shared(SharedPersonalNumber(personID: item.person.id, holderID: holder.id))
    }

    let store: any PersonIndexStore
    let vault: IdentityVault
    let blindIndex: BlindIndex

    public init(store: any PersonIndexStore, masterKey: MasterKey) {
        self.store = store
        vault = IdentityVault(masterKey: masterKey)
        blindIndex = BlindIndex(masterKey: masterKey)
    }

    /// Indexes up to `limit` persons at a time until every person has been visited once.
    /// - Parameter found: told of each person this run finds sharing a personal number with
    ///   another live person for the first time (the server's audit entry), in the transaction
    ///   that records the find (one a batch); a throw undoes the batch and ends the run.
    @discardableResult
    public func run(
        batch limit: Int = 500, found: @escaping @Sendable (SharedPersonalNumber) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        var outcome = Outcome()
        var after = ""
        while true {
            let persons = try await store.personsToIndex(after: after, limit: limit)
            var work = [Work]()
            for (person, version) in persons {
                do {
                    let record = person.state == .cancelled ? nil : try vault.open(person)
                    work.append(
                        Work(
                            person: person, version: version, indexed: record != nil,
                            personIndex: record.map { blindIndex.index($0.personParts) },
                            national: record?.nationalParts.map(blindIndex.index)))
                } catch {
                    // A record that does not open (a key missing, a damaged row) stays to do and
                    // stops no one else's index.
                    outcome.unreadable += 1
                }
            }
            // A batch's writes and the reports of its first finds (audit entries) are one
            // transaction: a crash cannot lose a report, and a batch costs one commit. The reports
            // come last, so the audit log's end is held only for the commit. A batch that meets
            // another transaction's national index (an enrollment in flight with the same
            // personal number) is refused by the unique index; once more, it sees it committed.
            let (store, batch) = (store, work)
            let writeBatch: @Sendable () async throws -> [Step] = {
                try await store.inTransaction {
                    var steps = [Step]()
                    for item in batch { steps.append(try await Self.write(item, store: store)) }
                    for (item, step) in zip(batch, steps) where item.version == 1 {
                        if case .shared(let shared) = step { try await found(shared) }
                    }
                    return steps
                }
            }
            // Nothing to write (no person left, or none whose record opened): no transaction — the
            // server's run at start and every five minutes usually finds nothing.
            var steps = [Step]()
            if !batch.isEmpty {
                do {
                    steps = try await writeBatch()
                } catch let error as StoreError where error == .conflict {
                    steps = try await writeBatch()
                }
            }
            for (item, step) in zip(work, steps) {
                if step != .raced, item.indexed, item.version == 1 { outcome.indexed += 1 }
                if case .shared(let shared) = step {
                    outcome.stillShared.append(shared)
                    if item.version == 1 { outcome.sharedPersonalNumber.append(item.person.id) }
                }
            }
            guard persons.count == limit, let last = persons.last else { return outcome }
            after = last.person.id
        }
    }
}
