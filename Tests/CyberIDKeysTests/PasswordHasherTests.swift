import Crypto
import Foundation
import Testing

@testable import CyberIDKeys

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(pepper: SymmetricKey(size: .bits256), logRounds: 12)

    @Test func verifiesTheRightPasswordOnlyAndSaltsEachHash() throws {
        let stored = try hasher.hash("48091357")
        #expect(stored.hasPrefix("scrypt$12$8$1$"))
        #expect(!stored.contains("48091357"))
        #expect(hasher.verify("48091357", against: stored))
        #expect(!hasher.verify("48091358", against: stored))
        #expect(!hasher.verify("", against: stored))
        #expect(try hasher.hash("48091357") != stored)
    }

    @Test func aStolenHashIsUselessWithoutThePepper() throws {
        let stored = try hasher.hash("48091357")
        let thief = PasswordHasher(pepper: SymmetricKey(size: .bits256), logRounds: 12)
        #expect(!thief.verify("48091357", against: stored))
    }

    @Test func theStoredFormCarriesItsParametersSoTheyCanBeRaised() throws {
        let stored = try hasher.hash("48091357")
        let stronger = PasswordHasher(pepper: hasher.pepperForTests, logRounds: 14)
        #expect(stronger.verify("48091357", against: stored))
        #expect(stronger.needsRehash(stored) && !hasher.needsRehash(stored))
    }

    @Test(arguments: [
        "", "scrypt", "bcrypt$12$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA", "scrypt$40$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "scrypt$12$8$1$!!$AAAA", "scrypt$12$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ])
    func aMalformedStoredFormNeverVerifies(_ stored: String) {
        #expect(!hasher.verify("48091357", against: stored))
        #expect(hasher.needsRehash(stored))
    }

    @Test func thePepperComesFromTheMasterKeysRootSoItSurvivesRotation() throws {
        let master = MasterKey.random()
        let stored = try PasswordHasher(masterKey: master, logRounds: 12).hash("48091357")
        #expect(PasswordHasher(masterKey: master, logRounds: 12).verify("48091357", against: stored))
        #expect(!PasswordHasher(masterKey: MasterKey.random(), logRounds: 12).verify("48091357", against: stored))
    }
}
