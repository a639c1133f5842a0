import ArgumentParser
import CyberIDCore
import CyberIDKeys
import CyberIDServer
import CyberIDStore
import CyberIDWallet
import Foundation
import Logging
import ServiceLifecycle

/// Exit codes of every command: 0 success, 1 runtime failure, 2 bad configuration or usage.
enum Exit {
    static let failure = ExitCode(1)
    static let configuration = ExitCode(2)
}

extension WalletError {
    /// One line for the CLI: the service's problem code and detail, else the reason.
    var summary: String { serverProblem.map { "\($0.code): \($0.detail ?? "")" } ?? reason }
}

/// Prints a one-line message to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Builds the one-line exit for a bad setting.
func configurationFailure(_ message: String) -> ExitCode {
    printError("cyberid: configuration error: \(message)")
    return Exit.configuration
}

/// Loads settings from the environment; a bad setting prints one line and exits with 2.
func loadSettings() async throws -> ServerSettings {
    do {
        return try await ServerSettings.load()
    } catch {
        printError("cyberid: \(error.description)")
        throw Exit.configuration
    }
}

/// Configures swift-log once for the process at the configured level.
func makeLogger(_ settings: ServerSettings) -> Logger {
    let level = settings.logLevel
    LoggingSystem.bootstrap { label in
        var handler = DeferredMetadataLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "cyberid")
    logger.logLevel = level
    return logger
}

/// Opens the configured database and master key without preparing the runtime.
func openDatabase(_ settings: ServerSettings) async throws -> (any SQLDatabase, MasterKey, MasterKey.Source) {
    let (masterKey, source) = try MasterKey.load(
        environmentValue: settings.masterKey, previousValue: settings.previousMasterKey,
        dataDirectory: settings.dataDirectory)
    let database = try await settings.database.open(
        logger: Logger(label: "cyberid.store"), sqliteSynchronous: settings.sqliteSynchronous)
    return (database, masterKey, source)
}

/// Runs a command body, turning known errors into one clear line and the right exit code.
func runOrExit(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as KeyError where error == .invalidMasterKey {
        printError("cyberid: configuration error: CYBERID_MASTER_KEY \(error.reason)")
        throw Exit.configuration
    } catch let error as KeyError {
        printError("cyberid: key error: \(error.reason)")
        throw Exit.failure
    } catch let error as StoreError {
        printError("cyberid: store error: \(error.reason)")
        throw Exit.failure
    } catch let error as any ServiceError {
        printError("cyberid: \(error.reason)")
        throw Exit.failure
    } catch {
        printError("cyberid: failed: \(error)")
        throw Exit.failure
    }
}

/// A one-line description of where the master key came from.
func describe(_ source: MasterKey.Source) -> String {
    switch source {
    case .environment: "from CYBERID_MASTER_KEY"
    case .existingFile(let path): "from \(path)"
    case .createdFile(let path): "generated into \(path) (mode 0600; back it up)"
    }
}

/// Loads the settings and runs `body` with a prepared runtime, turning known errors into one
/// clear line and the right exit code: the shape of every `admin` command.
func withPreparedRuntime(_ body: @escaping @Sendable (Runtime) async throws -> Void) async throws {
    let settings = try await loadSettings()
    try await runOrExit {
        try await withRuntime(settings: settings, logger: makeLogger(settings), body)
    }
}

/// Runs a wallet command's body: a refusal from the service or the wallet prints one line
/// (`what` failed, then the service's problem code and detail) and exits with 1.
func walletCommand(_ what: String? = nil, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as WalletError {
        printError("cyberid: " + (what.map { "\($0): " } ?? "") + error.summary)
        throw Exit.failure
    }
}

/// Opens the configured database, applies pending migrations and runs `body` with it (and the
/// master key): for the commands that work below the runtime (`admin migrate`, `admin ca import`).
func withMigratedDatabase(
    _ settings: ServerSettings, _ body: @Sendable (any SQLDatabase, MasterKey, Logger) async throws -> Void
) async throws {
    let logger = makeLogger(settings)
    try await runOrExit {
        let (database, masterKey, _) = try await openDatabase(settings)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await body(database, masterKey, logger)
        }
    }
}
