import ArgumentParser
import CyberIDKeys
import CyberIDServer
import CyberIDStore
import CyberIDServices
import Foundation

/// `cyberid admin policy`: service-wide rules an administrator sets.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or set the re-verification interval (globally or for one platform).",
        subcommands: [Show.self, ReverifyInterval.self], defaultSubcommand: Show.self)

    /// `cyberid admin policy show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the re-verification intervals as JSON.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let formatter = ISO8601DateFormatter()
                let intervals = try await runtime.admin.reverificationIntervals().map { interval -> [String: Any] in
                    [
                        "scope": interval.scope == "*" ? "global" : interval.scope,
                        "interval_seconds": interval.seconds, "set_at": formatter.string(from: interval.setAt),
                    ]
                }
                printJSON(["reverification_intervals": intervals])
            }
        }
    }

    /// `cyberid admin policy reverify-interval`.
    struct ReverifyInterval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reverify-interval",
            abstract: "Require a re-verification when a person's last one is older than an interval.",
            discussion: """
                A login whose holder last verified (enrolled, replaced a device or re-verified) longer ago than the \
                interval is refused with reverification-required until the person approves it as a re-verification \
                (cyberid wallet approve --reverify, with --face where a face matcher is configured). Without --client \
                the interval applies to every platform; a platform's own interval overrides the global one. --clear \
                removes it. Every change needs --reason and is audited.
                """)

        @Option(help: "The interval in days.") var days: Int?
        @Option(help: "The interval in seconds (finer than --days).") var seconds: Int?
        @Flag(help: "Remove the interval.") var clear = false
        @Option(help: "Apply to this platform (client_id) only.") var client: String?
        @Option(help: "Why (required).") var reason: String?
        @OptionGroup var operatorOption: OperatorOption

        func validate() throws {
            let given = [days != nil, seconds != nil, clear].filter { $0 }.count
            guard given == 1 else { throw ValidationError("give exactly one of --days, --seconds or --clear") }
            if let days, days < 1 || days > 3650 { throw ValidationError("--days must be between 1 and 3650") }
            if let seconds, seconds < 1 || seconds > 3650 * 86_400 {
                throw ValidationError("--seconds must be between 1 and 315360000")
            }
            if let client, client.isEmpty || client == "*" { throw ValidationError("--client must be a client_id") }
            if (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason is required") }
            try operatorOption.require()
        }

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let interval: Int64? = clear ? nil : Int64(seconds ?? (days ?? 0) * 86_400)
                try await operatorOption.admin(runtime).setReverificationInterval(clientID: client, seconds: interval, reason: reason ?? "")
                var object: [String: Any] = ["scope": client ?? "global"]
                object["interval_seconds"] = interval.map { $0 as Any } ?? NSNull()
                printJSON(object)
            }
        }
    }
}
