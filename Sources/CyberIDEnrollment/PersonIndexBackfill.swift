public import CyberIDKeys
public import CyberIDStore
import CyberIDVault

/// Gives every live person enrolled before schema v13 their person index (review finding 5), so
/// a second document of theirs is found as a possible duplicate too. It opens each sealed
/// record (which needs the master key, hence not a SQL migration), computes the blind index of
/// nationality, names, birth date and sex, and sets it where it is still unset. Run by
/// `cyberid admin migrate` and, in batches, by the server in the background; idempotent.
public struct PersonIndexBackfill: Sendable {
    let store: any PersonIndexStore
    let vault: IdentityVault
    let blindIndex: BlindIndex

    public init(store: any PersonIndexStore, masterKey: MasterKey) {
        self.store = store
        vault = IdentityVault(masterKey: masterKey)
        blindIndex = BlindIndex(masterKey: masterKey)
    }

    /// Fills the index of up to `limit` persons at a time until none is left.
    /// - Returns: how many persons were given their index.
    @discardableResult
    public func run(batch limit: Int = 500) async throws -> Int {
        var filled = 0
        while true {
            let persons = try await store.personsWithoutPersonIndex(limit: limit)
            var progressed = false
            for person in persons {
                guard let record = try vault.open(person) else { continue }
                try await store.setPersonIndex(blindIndex.index(record.personParts), personID: person.id)
                filled += 1
                progressed = true
            }
            if persons.count < limit || !progressed { return filled }
        }
    }
}
