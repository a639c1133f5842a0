import CyberIDVault
import Testing

/// `SecureRandom.bytes` draws eight bytes at a time from the system generator: every count gets
/// exactly its bytes, and every byte of a draw is used (none stuck at a value).
@Suite struct SecureRandomTests {
    @Test func givesExactlyTheCountAsked() {
        for count in 0...41 { #expect(SecureRandom.bytes(count).count == count) }
        #expect(SecureRandom.token(bytes: 16).count == 22)
    }

    @Test func everyPositionVaries() {
        // 64 draws of 19 bytes (two whole words and a part): at each position the chance that
        // all 64 values are equal is 256^-63.
        let draws = (0..<64).map { _ in SecureRandom.bytes(19) }
        for position in 0..<19 { #expect(Set(draws.map { $0[position] }).count > 1, "position \(position)") }
        #expect(Set(draws).count == 64)
    }

    @Test func bytesCoverTheRange() {
        // 64 KiB of output: each of the 256 values is expected 256 times; missing one has a
        // probability of about 256·e^-256.
        #expect(Set(SecureRandom.bytes(65_536)).count == 256)
    }
}
