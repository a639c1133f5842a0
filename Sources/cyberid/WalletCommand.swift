import ArgumentParser
import CyberIDDevTools
import CyberIDDocuments
import CyberIDWallet
import Foundation

/// `cyberid wallet`: the holder's side, over the CyberIDWallet library.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet", abstract: "Enroll and inspect a wallet (the holder's key and network certificate).",
        subcommands: [
            Enroll.self, Replace.self, Show.self, Approve.self, Consents.self, History.self, Lifecycle.self, Renew.self,
            Phone.self, Document.self, Credentials.self, Present.self, Password.self, Code.self,
        ])

    /// `cyberid wallet enroll`.
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enroll with a document directory and a phone number; writes the wallet file (mode 0600).",
            discussion: """
                The document directory is what `cyberid dev document` writes; its aa-private-key.pem plays the chip. \
                Without --otp the code is read from the server's development SMS outbox. For a minor, \
                --guardian-wallet signs as the guardian: it starts the session for a child under 14 and approves \
                it for a 14–17-year-old. With --password-stdin the first line of standard input becomes the \
                network-identity password that modes R02 and R04 ask for (without it none is set; set one later \
                with `cyberid wallet password set`). See docs/enrollment.md.
                """)

        @OptionGroup var options: ProofOptions
        @Flag(help: "Set the network-identity password too, read from standard input (one line).") var passwordStdin = false

        func run() async throws {
            let proof = try options.prepare()
            // Read and checked before anything is enrolled, so a weak password costs no proof.
            let password = passwordStdin ? try PasswordInput.checked(try PasswordInput.read(["Password"], fromStdin: true)[0]) : nil
            let enrollment = Enrollment(client: EnrollmentClient(baseURL: proof.baseURL))
            var approve: (@Sendable (String) async throws -> Void)? = nil
            if let guardian = proof.guardian {
                let baseURL = proof.baseURL
                approve = { sessionID in
                    let approval = try guardian.sign(
                        purpose: CyberIDWallet.Wallet.Purpose.guardianApproval, sessionID: sessionID)
                    _ = try await EnrollmentClient(baseURL: baseURL).approveAsGuardian(session: sessionID, approvalJWS: approval)
                }
            }
            try await walletCommand("enrollment failed") {
                let file: WalletFile = try await enrollment.enroll(
                    chip: proof.chip, phone: options.phone, code: proof.code, faceImage: proof.faceImage,
                    guardianJWS: try proof.guardianStart(), awaitGuardian: approve)
                try options.write(file)
            }
            guard let password else { return }
            try await walletCommand("enrolled, but the password was not set (set it with `cyberid wallet password set`)") {
                let wallet = try openWallet(options.wallet)
                try await LoginClient(baseURL: wallet.issuer).setPassword(password, wallet: wallet)
                print("password set")
            }
        }
    }

    /// `cyberid wallet replace`: a lost device.
    struct Replace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a lost device: re-prove with the document chip and the bound phone; writes a new wallet file.",
            discussion: """
                The same proofs as enrollment — the document's chip (passive and active authentication) and a one-time \
                code to the phone bound to the number — give the new wallet key a certificate for the existing \
                network number; every older certificate (the lost device's) is revoked at once. A child under 14 is \
                replaced by their guardian (--guardian-wallet). The number keeps its state: if you suspended it when \
                the phone was lost, resume it from the new wallet (cyberid wallet lifecycle resume). See docs/lifecycle.md.
                """)

        @OptionGroup var options: ProofOptions

        func run() async throws {
            let proof = try options.prepare()
            try await walletCommand("device replacement failed") {
                let file = try await Enrollment(client: EnrollmentClient(baseURL: proof.baseURL)).replaceDevice(
                    chip: proof.chip, phone: options.phone, code: proof.code, faceImage: proof.faceImage,
                    guardianJWS: try proof.guardianStart())
                try options.write(file)
                print("the older certificates of this number are revoked")
            }
        }
    }

    /// `cyberid wallet phone`: bind a new phone number.
    struct Phone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bind a new phone number: the current wallet, the document chip and a code to the new phone.",
            discussion: """
                The current wallet signs the start (the holder's device), the document's chip proves the holder \
                (passive and active authentication) and a one-time code proves the new phone (--phone). The wallet \
                file (--wallet) is rewritten with a new key and certificate for the same number; the previous \
                certificate is revoked. Only an active number changes its phone. See docs/lifecycle.md.
                """)

        @OptionGroup var options: ProofOptions

        func run() async throws {
            let proof = try options.prepare(existingWallet: true)
            let current = try openWallet(options.wallet)
            try await walletCommand("phone change failed") {
                let file = try await Enrollment(client: EnrollmentClient(baseURL: proof.baseURL)).changePhone(
                    wallet: current, chip: proof.chip, newPhone: options.phone, code: proof.code, faceImage: proof.faceImage,
                    guardianJWS: try proof.guardianStart())
                try options.write(file)
                print("the number is now bound to the new phone; the previous certificate is revoked")
            }
        }
    }

    /// `cyberid wallet document`: move the number to a new document of the holder.
    struct Document: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the number to a new document of yours (a renewed passport): wallet, new chip, phone code.",
            discussion: """
                The current wallet (--wallet) signs the start; the new document's chip (--document, passive and \
                active authentication) must be yours — the same nationality, names, birth date and sex as on record \
                — and not hold a number yet; a one-time code proves the phone bound to the number (--phone). The \
                wallet file is rewritten with a new key and certificate for the same number; the previous \
                certificate is revoked and the old document no longer identifies you. See docs/enrollment.md.
                """)

        @OptionGroup var options: ProofOptions

        func run() async throws {
            let proof = try options.prepare(existingWallet: true)
            let current = try openWallet(options.wallet)
            try await walletCommand("document change failed") {
                let file = try await Enrollment(client: EnrollmentClient(baseURL: proof.baseURL)).changeDocument(
                    wallet: current, chip: proof.chip, phone: options.phone, code: proof.code, faceImage: proof.faceImage)
                try options.write(file)
                print("network number \(file.networkNumber) now belongs to the new document; the previous certificate is revoked")
            }
        }
    }

    /// `cyberid wallet show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the wallet's number, level and certificate expiry.")
        @Option(help: "Wallet file.") var wallet = "cyberid-wallet.json"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let file: WalletFile
            do {
                file = try WalletFile.load(from: wallet)
            } catch {
                throw ValidationError("cannot read the wallet file \(wallet)")
            }
            let expiry = ISO8601DateFormatter().string(from: file.certificateNotAfter)
            if json {
                let object = [
                    "network_number": file.networkNumber, "assurance_level": file.assuranceLevel,
                    "certificate_not_after": expiry, "server": file.server,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("network number:      \(file.networkNumber)")
                print("assurance level:     \(file.assuranceLevel)")
                print("certificate expires: \(expiry)")
                print("server:              \(file.server)")
            }
        }
    }
}

/// What `wallet enroll` and `wallet replace` take: the document, the phone and where to write.
struct ProofOptions: ParsableArguments {
    @Option(help: "Document directory (DG1.bin, DG2.bin, DG15.bin, SOD.bin, aa-private-key.pem).") var document: String
    @Option(help: "Phone number, E.164 (e.g. +8613800000000); for `wallet phone`, the new one.") var phone: String
    @Option(help: "The one-time code, if you have it; otherwise it is read from the SMS outbox.") var otp: String?
    @Option(help: "Server base URL (default: CYBERID_ISSUER or http://127.0.0.1:8080).") var server: String?
    @Option(help: "Wallet file to write (for `wallet phone`: the current wallet, rewritten).") var wallet = "cyberid-wallet.json"
    @Option(help: "The server's SMS outbox (development).") var outbox: String?
    @Option(help: "A face image (JPEG) for servers with a face matcher.") var face: String?
    @Option(help: "The guardian's wallet file, for a minor.") var guardianWallet: String?
    @Flag(help: "Overwrite an existing wallet file.") var force = false

    /// The parsed inputs.
    struct Prepared {
        let baseURL: URL
        let chip: DirectoryChip
        let faceImage: [UInt8]?
        let guardian: CyberIDWallet.Wallet?
        let code: @Sendable () async throws -> String

        func guardianStart() throws -> String? {
            try guardian?.sign(purpose: CyberIDWallet.Wallet.Purpose.guardianStart)
        }
    }

    /// - Parameter existingWallet: the command rewrites an existing wallet (its server is the default).
    func prepare(existingWallet: Bool = false) throws -> Prepared {
        var walletServer: String? = nil
        if existingWallet {
            walletServer = try openWallet(wallet).issuer
        } else {
            guard force || !FileManager.default.fileExists(atPath: wallet) else {
                throw ValidationError("\(wallet) exists; use --force to replace it")
            }
        }
        let base =
            server ?? walletServer ?? ProcessInfo.processInfo.environment["CYBERID_ISSUER"] ?? "http://127.0.0.1:8080"
        guard let baseURL = URL(string: base), baseURL.scheme != nil else { throw ValidationError("--server must be a URL") }
        let chip = try DirectoryChip(directory: document)
        let faceImage = try face.map { path -> [UInt8] in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return Array(data)
        }
        let guardian = try guardianWallet.map { try CyberIDWallet.Wallet(file: try WalletFile.load(from: $0)) }
        let outboxPath =
            outbox ?? URL(fileURLWithPath: ProcessInfo.processInfo.environment["CYBERID_DATA_DIR"] ?? "./data")
            .appendingPathComponent("sms-outbox.jsonl").path
        let reader = OutboxReader(path: outboxPath)
        let phone = phone
        let given = otp
        return Prepared(
            baseURL: baseURL, chip: chip, faceImage: faceImage, guardian: guardian,
            code: {
                if let given { return given }
                return try await reader.code(for: phone)
            })
    }

    func write(_ file: WalletFile) throws {
        try file.save(to: wallet)
        print("network number: \(file.networkNumber)")
        print("assurance level: \(file.assuranceLevel)")
        print("wallet written to \(wallet)")
    }
}

/// A "chip" made of a development document directory: the files as read over NFC, and the
/// chip's active-authentication key to answer challenges.
struct DirectoryChip: ChipReader {
    let files: ChipFiles
    let keyPEM: String

    init(directory: String) throws {
        let url = URL(fileURLWithPath: directory)
        func read(_ name: String) -> [UInt8]? {
            FileManager.default.contents(atPath: url.appendingPathComponent(name).path).map(Array.init)
        }
        guard let dg1 = read("DG1.bin"), let sod = read("SOD.bin") else {
            throw ValidationError("\(directory) has no DG1.bin and SOD.bin (make one with cyberid dev document)")
        }
        guard let key = read("aa-private-key.pem") else {
            throw ValidationError("\(directory) has no aa-private-key.pem to answer the chip challenge")
        }
        files = ChipFiles(dg1: dg1, dg2: read("DG2.bin"), dg15: read("DG15.bin"), sod: sod)
        keyPEM = String(decoding: key, as: UTF8.self)
    }

    func readFiles() async throws -> ChipFiles { files }

    func internalAuthenticate(challenge: [UInt8]) async throws -> [UInt8] {
        try DevDocumentFactory.signChallenge(challenge, keyPEM: keyPEM)
    }
}
