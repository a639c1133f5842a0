import ArgumentParser
import CyberIDQR
import CyberIDWallet
import Foundation

extension WalletCommand {
    /// `cyberid wallet code`: an in-person verification code (网证 code).
    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an in-person verification code: a QR code and a typed form, once, for a minute.",
            discussion: """
                A counter clerk, hotel or station scans the QR code or types the code; they learn that you hold \
                a verified network number (their own pairwise identifier for you) and what you choose with \
                --disclose: age (over 14, over 18) or name (only to a verifier with a registered legal basis). \
                See docs/in-person.md.
                """)
        @Option(help: "Also disclose: age, name (repeatable).") var disclose: [String] = []
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print JSON instead of the QR code.") var json = false

        func validate() throws {
            for value in disclose where !["age", "name"].contains(value) {
                throw ValidationError("--disclose takes age or name, not \(value)")
            }
        }

        func run() async throws {
            let opened = try openWallet(wallet)
            try await walletCommand("no code") {
                let code = try await LoginClient(baseURL: opened.issuer).makeCode(disclose: disclose, wallet: opened)
                if json {
                    printJSON(["code": code.code, "qr": code.qr, "disclose": code.disclose, "expires_at": code.expiresAt])
                    return
                }
                if let symbol = try? QRCode(text: code.qr, errorCorrection: .medium) { print(symbol.terminal()) }
                print("Code: \(code.code)")
                print("Shows: verified\(code.disclose.isEmpty ? " (confirmation only)" : ", " + code.disclose.joined(separator: ", "))")
                print("Valid until \(code.expiresAt), once.")
            }
        }
    }
}
