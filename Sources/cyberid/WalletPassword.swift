import ArgumentParser
import CyberIDCore
import CyberIDWallet
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads network-identity passwords: one per line from standard input (`--password-stdin`),
/// or asked on the terminal without echo. Never from an argument (it would be in the shell's
/// history and the process list).
enum PasswordInput {
    static func read(_ prompts: [String], fromStdin: Bool) throws -> [String] {
        if fromStdin {
            return try prompts.map { prompt in
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    printError("cyberid: --password-stdin: expected one line per password (\(prompts.joined(separator: ", ")))")
                    throw Exit.configuration
                }
                return line
            }
        }
        guard isatty(STDIN_FILENO) == 1 else {
            printError("cyberid: a password is needed: run on a terminal, or pass it on standard input with --password-stdin")
            throw Exit.configuration
        }
        return try prompts.map { prompt in
            guard let entered = getpass(prompt + ": ").map({ String(cString: $0) }), !entered.isEmpty else {
                printError("cyberid: no password entered")
                throw Exit.failure
            }
            return entered
        }
    }

    /// A new password: refused here already when it breaks the rules the service applies
    /// (the service also refuses the person's birth date).
    static func checked(_ password: String) throws -> String {
        if let reason = PasswordPolicy.refusal(password) {
            printError("cyberid: password refused: \(reason)")
            throw Exit.failure
        }
        return password
    }
}

extension WalletCommand {
    /// `cyberid wallet password set|change|reset|status`.
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, change or reset the network-identity password (口令) that modes R02 and R04 ask for.",
            discussion: """
                At least 6 digits (8 recommended); one repeated digit, runs such as 12345678, repeated blocks, \
                keypad patterns and your birth date are refused. Five wrong entries lock it until you reset it with \
                your document's chip and your phone (reset). See docs/security.md.
                """,
            subcommands: [Set.self, Change.self, Reset.self, Status.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set the first password (more than a day after enrollment, with --document too).")
            @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
            @Option(help: "The document directory whose chip proves it is you (needed a day after enrollment).")
            var document: String?

            func run() async throws {
                let opened = try openWallet(wallet)
                let chip = try document.map(DirectoryChip.init(directory:))
                let password = try PasswordInput.checked(
                    try PasswordInput.read(["New password"], fromStdin: passwordStdin)[0])
                try await walletCommand("password not set") {
                    try await LoginClient(baseURL: opened.issuer).setPassword(password, wallet: opened, chip: chip)
                    print("password set")
                }
            }
        }

        struct Change: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change the password (the current one, then the new one; with --password-stdin, two lines).")
            @Flag(help: "Read the current and the new password from standard input (two lines).") var passwordStdin = false
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"

            func run() async throws {
                let opened = try openWallet(wallet)
                let entered = try PasswordInput.read(["Current password", "New password"], fromStdin: passwordStdin)
                let new = try PasswordInput.checked(entered[1])
                try await walletCommand("password not changed") {
                    try await LoginClient(baseURL: opened.issuer).changePassword(current: entered[0], new: new, wallet: opened)
                    print("password changed")
                }
            }
        }

        struct Reset: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Reset a forgotten or locked password: the document's chip and a code to the bound phone.",
                discussion: """
                    The wallet (--wallet) signs the start; the document's chip (--document) and a one-time code to \
                    the phone bound to your number (--phone) prove it is you, as for a lost device. The new \
                    password replaces the old one and lifts the lock.
                    """)
            @OptionGroup var options: ProofOptions
            @Flag(help: "Read the new password from standard input (one line).") var passwordStdin = false

            func run() async throws {
                let proof = try options.prepare(existingWallet: true)
                let current = try openWallet(options.wallet)
                let password = try PasswordInput.checked(
                    try PasswordInput.read(["New password"], fromStdin: passwordStdin)[0])
                try await walletCommand("password reset failed") {
                    try await Enrollment(client: EnrollmentClient(baseURL: proof.baseURL)).resetPassword(
                        wallet: current, chip: proof.chip, phone: options.phone, code: proof.code,
                        faceImage: proof.faceImage, newPassword: password)
                    print("password reset; it is unlocked")
                }
            }
        }

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Say whether a password is set and whether it is locked.")
            @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let opened = try openWallet(wallet)
                try await walletCommand("password status") {
                    let status = try await LoginClient(baseURL: opened.issuer).passwordStatus(wallet: opened)
                    if json {
                        printJSON(["set": status.set, "locked": status.locked])
                    } else {
                        print(status.set ? (status.locked ? "password: set, locked (reset it)" : "password: set") : "password: not set")
                    }
                }
            }
        }
    }
}
