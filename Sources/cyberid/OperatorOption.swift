import ArgumentParser
import CyberIDCore
import CyberIDServer
import CyberIDServices
import Foundation

/// `--operator NAME` (or `CYBERID_OPERATOR`): who makes an administrative change, as the audit
/// log names them (review finding 11). Required by every command that changes something.
struct OperatorOption: ParsableArguments {
    @Option(
        name: .customLong("operator"),
        help: "Who acts, as the audit log names them (default: CYBERID_OPERATOR); required for every change.")
    var name: String?

    /// The operator: `--operator`, else `CYBERID_OPERATOR`.
    var resolved: String? {
        let value = (name ?? ProcessInfo.processInfo.environment["CYBERID_OPERATOR"] ?? "").trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// Refuses a change without an operator (a usage error, exit 2).
    func require() throws {
        guard let value = resolved else {
            throw ValidationError("every administrative change names its operator: --operator NAME or CYBERID_OPERATOR")
        }
        // The rule of every name an operator gives (AdminService.checkedDisplayName).
        guard value.isPlainText(atMost: 100) else {
            throw ValidationError("--operator: at most 100 characters, no control characters")
        }
    }

    /// The admin service acting as this operator.
    func admin(_ runtime: Runtime) throws -> AdminService {
        try require()
        return runtime.admin.acting(as: resolved ?? "")
    }
}
