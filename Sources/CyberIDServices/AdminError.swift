public import CyberIDCore

/// The domain of ``AdminError``.
public enum AdminDomain: ErrorDomain {}

/// Why an operator's use case refused. The reasons name what was asked for (a number, a
/// serial, a client id), never personal data.
public typealias AdminError = DomainError<AdminDomain>

extension DomainError where Domain == AdminDomain {
    static func unknownNumber(_ number: String) -> Self { Self(code: "unknown-number", kind: .notFound, reason: "no active network number \(number)") }
    static func recordUnavailable() -> Self {
        Self(code: "record-unavailable", kind: .gone, reason: "the identity record is no longer available")
    }
    static func unknownCertificate(_ serial: String) -> Self { Self(code: "unknown-certificate", kind: .notFound, reason: "no certificate \(serial)") }
    static func alreadyRevoked(_ serial: String) -> Self {
        Self(code: "certificate-already-revoked", kind: .conflict, reason: "certificate \(serial) is already revoked")
    }
    public static func unknownClient(_ id: String) -> Self { Self(code: "unknown-client", kind: .notFound, reason: "no client \(id)") }
    static func reasonRequired(_ what: String) -> Self { Self(code: "reason-required", kind: .invalid, reason: "\(what) needs a reason") }
    static func invalidReason(_ what: String) -> Self {
        Self(
            code: "invalid-reason", kind: .invalid,
            reason: "\(what): a reason is at most \(PersonLifecycle.reasonLimit) characters, without control characters")
    }
    static var noPreviousMasterKey: Self {
        Self(
            code: "no-previous-master-key", kind: .conflict,
            reason: "no rotation to run: set CYBERID_PREVIOUS_MASTER_KEY (or master.key.previous) to the old key and "
                + "CYBERID_MASTER_KEY (or master.key) to the new one")
    }
    static func rotationIncomplete(_ remaining: Int) -> Self {
        Self(
            code: "rotation-incomplete", kind: .conflict,
            reason: "\(remaining) secrets are still wrapped under the previous master key; run cyberid admin master-key rotate")
    }

    /// For pattern matching on the code.
    public static var unknownNumber: Self { unknownNumber("") }
    /// For pattern matching on the code.
    public static var invalidReason: Self { invalidReason("") }
    /// For pattern matching on the code.
    public static var rotationIncomplete: Self { rotationIncomplete(0) }
}
