/// A setting that cannot be used. The CLI prints ``description`` as one line and exits with 2.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable (or file key) at fault, e.g. `CYBERID_PORT`.
    public let setting: String
    /// What is wrong and what is expected; never echoes secrets.
    public let reason: String

    /// Creates an error for one setting.
    public init(setting: String, reason: String) {
        self.setting = setting
        self.reason = reason
    }

    public var description: String { "configuration error: \(setting) \(reason)" }
}
