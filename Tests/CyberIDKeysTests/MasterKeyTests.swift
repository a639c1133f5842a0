import Crypto
import Foundation
import Testing

@testable import CyberIDKeys

@Suite struct MasterKeyTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func rejectsKeysThatAreNotThirtyTwoBytesOfBase64() {
        #expect(throws: KeyError.invalidMasterKey) { try MasterKey(base64: "not base64!") }
        #expect(throws: KeyError.invalidMasterKey) { try MasterKey(base64: Data(count: 16).base64EncodedString()) }
        #expect(throws: KeyError.invalidMasterKey) { try MasterKey(bytes: [UInt8](repeating: 1, count: 33)) }
    }

    @Test func firstLoadCreatesAPrivateKeyFileThatLaterLoadsReuse() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, firstSource) = try MasterKey.load(environmentValue: nil, dataDirectory: directory + "/nested")
        let path = directory + "/nested/master.key"
        #expect(firstSource == .createdFile(path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let (second, secondSource) = try MasterKey.load(environmentValue: nil, dataDirectory: directory + "/nested")
        #expect(secondSource == .existingFile(path))
        #expect(first.base64 == second.base64)
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try MasterKey.load(environmentValue: nil, dataDirectory: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory + "/master.key")
        #expect(throws: KeyError.insecureKeyFile) { try MasterKey.load(environmentValue: nil, dataDirectory: directory) }
    }

    @Test func environmentWinsOverTheFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fromFile = try MasterKey.load(environmentValue: nil, dataDirectory: directory).0
        let chosen = MasterKey.random()
        let (loaded, source) = try MasterKey.load(environmentValue: chosen.base64, dataDirectory: directory)
        #expect(source == .environment)
        #expect(loaded.base64 == chosen.base64)
        #expect(loaded.base64 != fromFile.base64)
    }

    @Test func derivedKeysDifferByPurposeAndAreStable() {
        let key = MasterKey.random()
        let a = key.derive("a").withUnsafeBytes { Array($0) }
        let b = key.derive("b").withUnsafeBytes { Array($0) }
        #expect(a != b)
        #expect(a == key.derive("a").withUnsafeBytes { Array($0) })
        #expect(a.count == 32)
    }
}

@Suite struct EnvelopeEncryptionTests {
    let masterKey = MasterKey.random()

    @Test func sealsAndOpensWithTheSameContext() throws {
        let envelope = EnvelopeEncryption(masterKey: masterKey)
        let plaintext = Array(#"{"name":"张三","birth_date":"1990-01-01"}"#.utf8)
        let sealed = try envelope.seal(plaintext, context: "person:p1")
        #expect(try envelope.open(sealed, context: "person:p1") == plaintext)
        // The personal data is not visible in either stored part.
        #expect(!sealed.ciphertext.containsSubsequence(Array("1990-01-01".utf8)))
        #expect(!sealed.wrappedKey.containsSubsequence(Array("1990-01-01".utf8)))
    }

    @Test func eachSealUsesAFreshDataKey() throws {
        let envelope = EnvelopeEncryption(masterKey: masterKey)
        let a = try envelope.seal([1, 2, 3], context: "c")
        let b = try envelope.seal([1, 2, 3], context: "c")
        #expect(a.wrappedKey != b.wrappedKey)
        #expect(a.ciphertext != b.ciphertext)
    }

    @Test func refusesWrongContextWrongMasterKeyTamperingAndShreddedKeys() throws {
        let envelope = EnvelopeEncryption(masterKey: masterKey)
        let sealed = try envelope.seal(Array("secret".utf8), context: "person:p1")
        #expect(throws: KeyError.decryptionFailed) { try envelope.open(sealed, context: "person:p2") }
        #expect(throws: KeyError.decryptionFailed) {
            try EnvelopeEncryption(masterKey: .random()).open(sealed, context: "person:p1")
        }
        var tampered = sealed
        tampered.ciphertext[tampered.ciphertext.count / 2] ^= 1
        #expect(throws: KeyError.decryptionFailed) { try envelope.open(tampered, context: "person:p1") }
        // Crypto-shredding: with the wrapped key replaced, nothing opens the data any more.
        let other = try envelope.seal(Array("other".utf8), context: "person:p1")
        let shredded = SealedEnvelope(ciphertext: sealed.ciphertext, wrappedKey: other.wrappedKey)
        #expect(throws: KeyError.decryptionFailed) { try envelope.open(shredded, context: "person:p1") }
    }
}

@Suite struct BlindIndexTests {
    @Test func isDeterministicPerKeyAndUnambiguous() {
        let key = MasterKey.random()
        let index = BlindIndex(masterKey: key)
        let a = index.index(["CHN", "P", "110101199001011234"])
        #expect(a == index.index(["CHN", "P", "110101199001011234"]))
        #expect(a.count == 32)
        #expect(a != index.index(["CHN", "P", "110101199001011235"]))
        #expect(index.index(["AB", "C"]) != index.index(["A", "BC"]))
        #expect(a != BlindIndex(masterKey: .random()).index(["CHN", "P", "110101199001011234"]))
        #expect(a != BlindIndex(masterKey: key, purpose: "other v1").index(["CHN", "P", "110101199001011234"]))
    }

    /// The index is the documented HMAC, computed here in one call from the derived key: for no
    /// parts, empty parts, multi-byte text and lengths that fill each byte of the big-endian
    /// length; calls in any order give the same values (each starts from the keyed HMAC afresh).
    @Test func isTheDocumentedHMAC() {
        let key = MasterKey.random()
        let index = BlindIndex(masterKey: key, purpose: "test v1")
        let derived = key.derive("blind-index test v1")
        let cases: [[String]] = [
            [], [""], ["", ""], ["CHN", "P", "110101199001011234"], ["张伟", "🙂x"],
            [String(repeating: "a", count: 300)], [String(repeating: "b", count: 70_000), "c"],
        ]
        let expected = cases.map { parts -> [UInt8] in
            var message = [UInt8]()
            for part in parts {
                let count = part.utf8.count
                message += [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
                message += Array(part.utf8)
            }
            return Array(HMAC<SHA256>.authenticationCode(for: message, using: derived))
        }
        for round in 0..<2 {
            for (position, parts) in (round == 0 ? Array(cases.enumerated()) : cases.enumerated().reversed()) {
                #expect(index.index(parts) == expected[position])
            }
        }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}

@Suite struct MasterKeyRotationLoadTests {
    /// During a rotation a missing current key is a mistake: no key file is created (a node
    /// would seal under a key no other node has).
    @Test func aPreviousKeyWithoutACurrentOneIsRefusedAndNothingIsCreated() throws {
        let directory = try MasterKeyTests().temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: KeyError.invalidMasterKey) {
            _ = try MasterKey.load(environmentValue: nil, previousValue: MasterKey.random().base64, dataDirectory: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/master.key"))
        // With both, the previous key is accepted for opening.
        let current = MasterKey.random()
        let previous = MasterKey.random()
        let (loaded, _) = try MasterKey.load(
            environmentValue: current.base64, previousValue: previous.base64, dataDirectory: directory)
        #expect(loaded.keyID == current.keyID && loaded.previous?.keyID == previous.keyID)
    }
}
