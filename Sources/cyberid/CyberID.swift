import ArgumentParser

/// `cyberid`: the CyberID service and its tools.
@main
struct CyberID: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberid",
        abstract: "CyberID — national online identity authentication service.",
        discussion: """
            Configuration comes from CYBERID_* environment variables (and an optional JSON file named by \
            CYBERID_CONFIG_FILE); see docs/configuration.md. With no configuration, CyberID runs on \
            http://127.0.0.1:8080 with SQLite and keys under ./data/.
            """,
        subcommands: [Serve.self, Admin.self])
}
