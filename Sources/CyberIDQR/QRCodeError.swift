/// An error raised while encoding a QR code.
///
/// Follows the pattern of the other CyberID error types: a small struct whose equality compares
/// the ``code`` only, so callers can match `error == .dataTooLong` while the ``reason`` keeps a
/// human-readable explanation for logs.
public struct QRCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case dataTooLong = "data_too_long"
        }

        fileprivate let base: Base

        /// The wire form of the code, stable across releases.
        public var description: String { base.rawValue }
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human-readable explanation. Never contains the payload itself, which may be a secret.
    public let reason: String

    private init(_ base: Code.Base, _ reason: String) {
        self.code = Code(base: base)
        self.reason = reason
    }

    /// The data does not fit the requested version, or any version up to 40, at the requested
    /// error-correction level.
    public static func dataTooLong(_ reason: String) -> QRCodeError { QRCodeError(.dataTooLong, reason) }

    /// Any error whose code is ``Code-swift.struct/dataTooLong``; for pattern matching.
    public static let dataTooLong = QRCodeError(.dataTooLong, "")

    public static func == (lhs: QRCodeError, rhs: QRCodeError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }
}
