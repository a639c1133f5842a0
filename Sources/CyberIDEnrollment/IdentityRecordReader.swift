public import CyberIDKeys
public import CyberIDStore
import Foundation

/// Opens a person's sealed identity record, for the few uses with a legal basis (real-name
/// claims, a guardian's age check) and for age claims computed on the day.
public struct IdentityRecordReader: Sendable {
    private let envelope: EnvelopeEncryption

    /// Creates a reader under the service's master key.
    public init(masterKey: MasterKey) { envelope = EnvelopeEncryption(masterKey: masterKey) }

    /// The person's identity record.
    /// - Returns: `nil` once the record has been shredded (a cancelled person).
    /// - Throws: when the ciphertext does not open (tampering or a different master key).
    public func open(_ person: PersonRecord) throws -> IdentityRecord? {
        guard let key = person.recordWrappedKey else { return nil }
        let bytes = try envelope.open(
            SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: key), context: "person:\(person.id)")
        return try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(bytes))
    }
}
