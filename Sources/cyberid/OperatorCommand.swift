import ArgumentParser
import CyberIDCore
import CyberIDServer
import CyberIDServices
import CyberIDStore
import Foundation

/// `cyberid admin operator`: named operators and their roles (issue 15). On the server this is
/// the bootstrap — the first `admin` operators are granted here, each change audited under
/// `--operator`; afterwards `admin` operators manage roles in the console.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Grant, revoke and list operator roles (support, records, platforms, registrar, keys, auditor, admin).",
        subcommands: [Grant.self, Revoke.self, List.self], defaultSubcommand: List.self)

    static func role(_ text: String) throws -> OperatorRole {
        guard let role = OperatorRole(rawValue: text) else {
            throw ValidationError("--role must be one of \(OperatorRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    /// `cyberid admin operator grant NUMBER --role ROLE --name "DISPLAY NAME"`.
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an enrolled person an operator with a role (audited; the audit names them by --name).")

        @Argument(help: "The operator's own network number.") var networkNumber: String
        @Option(help: "The role to grant.") var role: String
        @Option(help: "The operator's display name, as the audit names them.") var name: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws {
            _ = try OperatorCommand.role(role)
            try operatorOption.require()
        }

        func run() async throws {
            let role = try OperatorCommand.role(role)
            try await withPreparedRuntime { runtime in
                let granted = try await operatorOption.admin(runtime).grantRole(
                    role, networkNumber: networkNumber, displayName: name)
                printJSON(["network_number": networkNumber, "role": role.rawValue, "granted": granted])
            }
        }
    }

    /// `cyberid admin operator revoke NUMBER --role ROLE`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a role away from an operator (audited).")

        @Argument(help: "The operator's network number.") var networkNumber: String
        @Option(help: "The role to revoke.") var role: String
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws {
            _ = try OperatorCommand.role(role)
            try operatorOption.require()
        }

        func run() async throws {
            let role = try OperatorCommand.role(role)
            try await withPreparedRuntime { runtime in
                let revoked = try await operatorOption.admin(runtime).revokeRole(role, networkNumber: networkNumber)
                printJSON(["network_number": networkNumber, "role": role.rawValue, "revoked": revoked])
            }
        }
    }

    /// `cyberid admin operator list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators, their roles and network numbers as JSON.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let operators = try await runtime.admin.operators().map { entry -> [String: Any] in
                    [
                        "name": entry.record.displayName, "roles": entry.record.roles.sorted(),
                        "network_number": entry.networkNumber.map { (try? NetworkNumber(parsing: $0))?.formatted ?? $0 }
                            ?? NSNull(),
                    ]
                }
                printJSON(["operators": operators])
            }
        }
    }
}
