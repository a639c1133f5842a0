import Crypto
import CyberIDWallet
import Foundation
import Testing
import SwiftASN1
import X509

@Suite struct WalletFileTests {
    func sampleFile(notValidAfter: Date = Date(timeIntervalSince1970: 1_900_000_000)) throws -> WalletFile {
        let key = WalletKey()
        let certificate = try TestSupport.certificateDER(
            for: key.publicKey, notValidBefore: Date(timeIntervalSince1970: 946_684_799), notValidAfter: notValidAfter)
        let issuing = try TestSupport.certificateDER(for: WalletKey().publicKey)
        return try WalletFile(
            server: "https://id.example", privateKeyPEM: key.pemRepresentation,
            certificatePEM: TestSupport.pem(certificate), chainPEM: TestSupport.pem(issuing),
            networkNumber: "ABCD-EFGH-JKMN-PQRS-T", assuranceLevel: "substantial")
    }

    @Test func savesWithMode0600AndLoadsBackUnchanged() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try sampleFile()
        let path = directory + "/wallet.json"
        try file.save(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try WalletFile.load(from: path) == file)

        // Saving again replaces the file atomically: still 0600, no temporary files left.
        var changed = file
        changed.assuranceLevel = "high"
        try changed.save(to: path)
        let again = try FileManager.default.attributesOfItem(atPath: path)
        #expect((again[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try WalletFile.load(from: path) == changed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["wallet.json"])
    }

    /// A renewal's key is set aside once and saved: a second try after a lost answer sends the
    /// same key, and a file without one still reads (wallets saved before the field existed).
    @Test func aRenewalKeyIsKeptUntilTheRenewalIsAnswered() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/wallet.json"
        let file = try sampleFile()
        #expect(file.pendingRenewalKeyPEM == nil)
        #expect(!String(decoding: try file.json(pretty: false), as: UTF8.self).contains("pending_renewal_key_pem"))
        let (prepared, key) = try file.preparingRenewal()
        #expect(prepared.pendingRenewalKeyPEM == key.pemRepresentation && prepared.privateKeyPEM == file.privateKeyPEM)
        try prepared.save(to: path)
        let (again, sameKey) = try WalletFile.load(from: path).preparingRenewal()
        #expect(again == prepared)
        #expect(sameKey.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        var damaged = prepared
        damaged.pendingRenewalKeyPEM = "not a key"
        #expect(throws: WalletError.invalidKey) { try damaged.preparingRenewal() }
    }

    @Test func aSavedWalletStillSigns() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/wallet.json"
        try sampleFile().save(to: path)
        let wallet = try Wallet(file: WalletFile.load(from: path))
        let jws = try wallet.sign(purpose: Wallet.Purpose.guardianStart)
        #expect(jws.split(separator: ".").count == 3)
    }

    @Test func loadingSomethingElseFails() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: WalletError.walletFile) { try WalletFile.load(from: directory + "/missing.json") }
        let path = directory + "/junk.json"
        try Data("{\"server\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: WalletError.walletFile) { try WalletFile.load(from: path) }
    }

    @Test func savingIntoAMissingDirectoryFails() throws {
        #expect(throws: WalletError.walletFile) {
            try sampleFile().save(to: "/nonexistent-\(UUID().uuidString)/wallet.json")
        }
    }

    @Test(arguments: [
        1_900_000_000.0,  // 2030-03-17: UTCTime
        2_900_000_000.0,  // 2061-11-23: GeneralizedTime (2050 and later)
        951_782_400.0,  // 2000-02-29: a leap day, UTCTime
    ])
    func readsNotAfterFromTheCertificate(seconds: Double) throws {
        let notAfter = Date(timeIntervalSince1970: seconds)
        let notBefore = Date(timeIntervalSince1970: 946_684_799)  // 1999-12-31T23:59:59Z
        let key = WalletKey()
        let der = try TestSupport.certificateDER(for: key.publicKey, notValidBefore: notBefore, notValidAfter: notAfter)
        let certificate = try NetworkCertificate(derEncoded: der)
        #expect(certificate.notValidAfter == notAfter)
        #expect(certificate.notValidBefore == notBefore)
        #expect(certificate.subjectPublicKeyInfo == Array(key.publicKey.derRepresentation))
        let reference = try Certificate(derEncoded: der)
        #expect(certificate.notValidAfter == reference.notValidAfter)

        let pem = TestSupport.pem(der)
        #expect(try NetworkCertificate(pemEncoded: pem) == certificate)
        #expect(try sampleFile(notValidAfter: notAfter).certificateNotAfter == notAfter)
    }

    @Test func readsAChainInOrder() throws {
        let first = try TestSupport.certificateDER(for: WalletKey().publicKey)
        let second = try TestSupport.certificateDER(for: WalletKey().publicKey)
        let chain = try NetworkCertificate.chain(pemEncoded: TestSupport.pem(first) + TestSupport.pem(second))
        #expect(chain.map(\.derEncoded) == [first, second])
    }

    @Test func rejectsWhatIsNotACertificate() {
        #expect(throws: WalletError.invalidCertificate) {
            try NetworkCertificate(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x00])
        }
        #expect(throws: WalletError.invalidCertificate) { try NetworkCertificate(derEncoded: [0x30, 0x05, 0x02]) }
        #expect(throws: WalletError.invalidCertificate) { try NetworkCertificate(pemEncoded: "no PEM here") }
    }
}
