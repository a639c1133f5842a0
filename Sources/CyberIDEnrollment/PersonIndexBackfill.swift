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

    let store: any PersonIndexStore
    let vault: IdentityVault
    let blindIndex: BlindIndex

    public init(store: any PersonIndexStore, masterKey: MasterKey) {
        self.store = store
        vault = IdentityVault(masterKey: masterKey)
        blindIndex = BlindIndex(masterKey: masterKey)
    }

    /// Indexes up to `limit` persons at a time until every person has been visited once.
    /// - Parameter found: told at once of each person this run finds sharing a personal number
    ///   with another live person for the first time (the server's audit entry); a throw ends the
    ///   run.
    @discardableResult
    public func run(
        batch limit: Int = 500, found: @Sendable (SharedPersonalNumber) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        var outcome = Outcome()
        var after = ""
        while true {
            let persons = try await store.personsToIndex(after: after, limit: limit)
            for (person, version) in persons {
                let record: IdentityRecord?
                do {
                    record = person.state == .cancelled ? nil : try vault.open(person)
                } catch {
                    // A record that does not open (a key missing, a damaged row) stays to do and
                    // stops no one else's index.
                    outcome.unreadable += 1
                    continue
                }
                let national = record?.nationalParts.map(blindIndex.index)
                let written = try await store.setIndexes(
                    personIndex: record.map { blindIndex.index($0.personParts) }, nationalIndex: national,
                    personID: person.id, from: version)
                if written != .raced, record != nil, version == 1 { outcome.indexed += 1 }
                if written == .shared, let national {
                    let shared = SharedPersonalNumber(
                        personID: person.id, holderID: try await store.livePerson(nationalIndex: national)?.id ?? "")
                    outcome.stillShared.append(shared)
                    if version == 1 {
                        outcome.sharedPersonalNumber.append(person.id)
                        try await found(shared)
                    }
                }
            }
            guard persons.count == limit, let last = persons.last else { return outcome }
            after = last.person.id
        }
    }
}
