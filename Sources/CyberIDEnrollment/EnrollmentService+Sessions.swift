import CyberIDCore
import CyberIDStore
import CyberIDVault
import Foundation

extension EnrollmentService {
    func loadSession(_ id: String) async throws -> EnrollmentSessionRecord {
        guard let session = try await store.enrollmentSession(id: id) else { throw EnrollmentError.sessionNotFound() }
        return session
    }

    func openSession(_ id: String, expecting states: [EnrollmentSessionState]) async throws -> EnrollmentSessionRecord {
        let session = try await loadSession(id)
        try check(session, expecting: states)
        return session
    }

    func check(_ session: EnrollmentSessionRecord, expecting states: [EnrollmentSessionState]) throws {
        if session.state == .locked { throw EnrollmentError.sessionLocked() }
        if session.state != .completed && session.expiresAt <= now() { throw EnrollmentError.sessionExpired() }
        guard states.contains(session.state) else {
            throw EnrollmentError.wrongStep(session.state.rawValue, states.map(\.rawValue).joined(separator: " or "))
        }
    }

    func save(_ session: EnrollmentSessionRecord) async throws {
        guard try await store.update(session) else { throw EnrollmentError.conflict() }
    }

    /// The session's pending identity record.
    func pendingIdentity(_ session: EnrollmentSessionRecord) throws -> IdentityRecord {
        guard let identity = try vault.open(session) else {
            throw EnrollmentError.wrongStep(session.state.rawValue, "a verified document")
        }
        return identity
    }

    /// The phone bound to a person's number, from their sealed record.
    func boundPhone(personID: String) async throws -> String? {
        guard let person = try await store.person(id: personID) else { return nil }
        return try vault.open(person)?.phone
    }

    /// Guardians must be adults now, judged from their sealed birth date.
    func requireAdult(personID: String) async throws {
        guard let person = try await store.person(id: personID), let record = try vault.open(person),
            AgeBand(birthDate: record.birthDate, on: today()) == .adult
        else { throw EnrollmentError.guardianNotAdult() }
    }

    /// The answer a completed session stored, for a repeated `complete`.
    static func storedAnswer(_ session: EnrollmentSessionRecord) throws -> EnrollmentResponse.Completed? {
        guard session.state == .completed, let result = session.result else { return nil }
        return try JSONDecoder.enrollment.decode(EnrollmentResponse.Completed.self, from: Data(result.utf8))
    }

    /// The session as completed with `answer`: the answer kept for retries, the pending personal
    /// data and the code hash dropped.
    static func completed(_ session: EnrollmentSessionRecord, answer: EnrollmentResponse.Completed) throws
        -> EnrollmentSessionRecord
    {
        var completed = session
        completed.state = .completed
        completed.result = String(decoding: try JSONEncoder.enrollment.encode(answer), as: UTF8.self)
        completed.sealedIdentity = nil
        completed.sealedIdentityKey = nil
        completed.otpHash = nil
        return completed
    }
}
