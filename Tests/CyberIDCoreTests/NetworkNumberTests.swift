import Testing

@testable import CyberIDCore

/// A small deterministic generator (SplitMix64) so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct NetworkNumberTests {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    @Test func formatHasGroupsOfFourAndACheckCharacter() throws {
        var rng = SeededGenerator(state: 1)
        let number = NetworkNumber.generate(using: &rng)
        let formatted = number.formatted
        #expect(formatted.count == 21)
        let groups = formatted.split(separator: "-", omittingEmptySubsequences: false)
        #expect(groups.map(\.count) == [4, 4, 4, 4, 1])
        #expect(number.canonical == groups.joined())
        #expect(formatted.allSatisfy { $0 == "-" || Self.alphabet.contains($0) })
    }

    @Test func sameSeedSameNumberDifferentSeedDifferentNumber() {
        var a = SeededGenerator(state: 42)
        var b = SeededGenerator(state: 42)
        var c = SeededGenerator(state: 43)
        #expect(NetworkNumber.generate(using: &a) == NetworkNumber.generate(using: &b))
        #expect(NetworkNumber.generate(using: &a) != NetworkNumber.generate(using: &c))
    }

    @Test func roundTripsThroughFormatAndParseForManyRandomNumbers() throws {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<5_000 {
            let number = NetworkNumber.generate(using: &rng)
            #expect(try NetworkNumber(parsing: number.formatted) == number)
            #expect(try NetworkNumber(parsing: number.canonical) == number)
            #expect(try NetworkNumber(parsing: number.formatted.lowercased()) == number)
        }
    }

    @Test func payloadUsesAllEightyBitsOfRandomness() {
        // Every payload position takes every one of the 32 symbols over enough draws.
        var rng = SeededGenerator(state: 99)
        var seen = Array(repeating: Set<Character>(), count: 16)
        for _ in 0..<2_000 {
            let canonical = Array(NetworkNumber.generate(using: &rng).canonical)
            for index in 0..<16 { seen[index].insert(canonical[index]) }
        }
        #expect(seen.allSatisfy { $0.count == 32 })
    }

    @Test func everySingleCharacterSubstitutionIsRejected() throws {
        var rng = SeededGenerator(state: 2024)
        for _ in 0..<300 {
            let canonical = Array(NetworkNumber.generate(using: &rng).canonical)
            for position in 0..<17 {
                for symbol in Self.alphabet where symbol != canonical[position] {
                    var mutated = canonical
                    mutated[position] = symbol
                    #expect(throws: CoreError.checkCharacterMismatch) {
                        try NetworkNumber(parsing: String(mutated))
                    }
                }
            }
        }
    }

    @Test func everyAdjacentTranspositionIsRejected() throws {
        var rng = SeededGenerator(state: 5)
        for _ in 0..<1_000 {
            let canonical = Array(NetworkNumber.generate(using: &rng).canonical)
            for position in 0..<16 where canonical[position] != canonical[position + 1] {
                var swapped = canonical
                swapped.swapAt(position, position + 1)
                #expect(throws: CoreError.checkCharacterMismatch) { try NetworkNumber(parsing: String(swapped)) }
            }
        }
    }

    @Test func readsLookAlikesAndIgnoresDashesAndSpaces() throws {
        var rng = SeededGenerator(state: 11)
        // Find a number containing 1 and 0 so the look-alikes can be substituted in.
        var number = NetworkNumber.generate(using: &rng)
        while !(number.canonical.contains("1") && number.canonical.contains("0")) {
            number = NetworkNumber.generate(using: &rng)
        }
        let typed = number.canonical.replacingOccurrences("1", "l").replacingOccurrences("0", "O").lowercased()
        #expect(try NetworkNumber(parsing: typed) == number)
        let withI = number.canonical.replacingOccurrences("1", "I")
        #expect(try NetworkNumber(parsing: withI) == number)
        #expect(try NetworkNumber(parsing: "  \(number.formatted)\n") == number)
        let oddDashes = number.canonical.map(String.init).joined(separator: "-")
        #expect(try NetworkNumber(parsing: oddDashes) == number)
    }

    @Test func rejectsWrongLengthAndForeignSymbols() {
        #expect(throws: CoreError.invalidLength) { try NetworkNumber(parsing: "") }
        #expect(throws: CoreError.invalidLength) { try NetworkNumber(parsing: "0000-0000-0000-0000") }
        #expect(throws: CoreError.invalidLength) { try NetworkNumber(parsing: "0000-0000-0000-0000-00") }
        #expect(throws: CoreError.invalidCharacter) { try NetworkNumber(parsing: "0000-0000-0000-000U-0") }
        #expect(throws: CoreError.invalidCharacter) { try NetworkNumber(parsing: "0000 0000 0000 0000 0") }
        #expect(throws: CoreError.invalidCharacter) { try NetworkNumber(parsing: "0000-0000-0000-00é0-0") }
    }

    @Test func allZeroPayloadHasZeroCheckAndKnownVector() throws {
        // Fixed vectors pin the algorithm (docs/network-number.md works them by hand).
        #expect(try NetworkNumber(parsing: "0000-0000-0000-0000-0").canonical == "00000000000000000")
        // Payload ...0001: running value 1 after the last symbol, check = α·1 = 2.
        #expect(try NetworkNumber(parsing: "0000-0000-0000-0001-2").canonical == "00000000000000012")
        // Payload ...0010: running value α = 2, check = α² = 4.
        #expect(try NetworkNumber(parsing: "0000-0000-0000-0010-4").canonical == "00000000000000104")
        #expect(throws: CoreError.checkCharacterMismatch) { try NetworkNumber(parsing: "0000-0000-0000-0001-1") }
    }

    @Test func codableUsesTheFormattedForm() throws {
        var rng = SeededGenerator(state: 3)
        let number = NetworkNumber.generate(using: &rng)
        #expect(number.description == number.formatted)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
