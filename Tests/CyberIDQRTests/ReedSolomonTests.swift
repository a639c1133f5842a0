import Testing

@testable import CyberIDQR

@Suite struct ReedSolomonTests {
    @Test func fieldTablesFollowTheQRPolynomial() {
        // α⁸ = x⁴ + x³ + x² + 1 = 0x1D under 0x11D, and α²⁵⁵ = α⁰ = 1.
        #expect(ReedSolomon.exponents[0] == 1)
        #expect(ReedSolomon.exponents[1] == 2)
        #expect(ReedSolomon.exponents[7] == 0x80)
        #expect(ReedSolomon.exponents[8] == 0x1D)
        #expect(ReedSolomon.exponents[255] == 1)
        for value in 1...255 {
            #expect(Int(ReedSolomon.exponents[ReedSolomon.logarithms[value]]) == value)
        }
        // Every non-zero element appears exactly once among the first 255 powers.
        #expect(Set(ReedSolomon.exponents[0..<255]).count == 255)
    }

    @Test func multiplication() {
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
        #expect(ReedSolomon.multiply(0x53, 1) == 0x53)
        #expect(ReedSolomon.multiply(2, 0x80) == 0x1D)
        #expect(ReedSolomon.multiply(0x53, 0xCA) == ReedSolomon.multiply(0xCA, 0x53))
        // α¹⁰⁰ · α²⁰⁰ = α³⁰⁰ = α⁴⁵.
        let product = ReedSolomon.multiply(ReedSolomon.exponents[100], ReedSolomon.exponents[200])
        #expect(product == ReedSolomon.exponents[45])
    }

    /// ISO/IEC 18004:2015 Annex A lists the generator polynomials as exponents of α.
    @Test func generatorPolynomialsMatchAnnexA() {
        func exponentsOf(degree: Int) -> [Int] {
            ReedSolomon.generator(degree: degree).map { ReedSolomon.logarithms[Int($0)] }
        }
        #expect(exponentsOf(degree: 7) == [0, 87, 229, 146, 149, 238, 102, 21])
        #expect(exponentsOf(degree: 10) == [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
        #expect(
            exponentsOf(degree: 30) == [
                0, 41, 173, 145, 152, 216, 31, 179, 182, 50, 48, 110, 86, 239, 96, 222, 125, 42, 173, 226, 193, 224,
                130, 156, 37, 251, 216, 238, 40, 192, 180,
            ]
        )
    }

    /// ISO/IEC 18004:2015 Annex I: the 1-M symbol for "01234567" (numeric mode, but Reed–Solomon
    /// only sees codewords).
    @Test func annexIExample() {
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        #expect(
            ReedSolomon.errorCorrection(for: data, count: 10)
                == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        )
    }

    /// The widely published "HELLO WORLD" 1-M example (alphanumeric data codewords).
    @Test func helloWorldExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(
            ReedSolomon.errorCorrection(for: data, count: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]
        )
    }

    /// A codeword (data then error correction) is a multiple of the generator, so it vanishes at
    /// every root α⁰…αⁿ⁻¹: the decoder's syndromes are zero.
    @Test(arguments: [7, 10, 13, 17, 22, 26, 30])
    func codewordsHaveZeroSyndromes(degree: Int) {
        var state: UInt32 = 0x9E37_79B9 &* UInt32(degree)
        var data: [UInt8] = []
        for _ in 0..<(40 + degree) {
            state = state &* 1_664_525 &+ 1_013_904_223
            data.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        let codeword = data + ReedSolomon.errorCorrection(for: data, count: degree)
        for root in 0..<degree {
            var value: UInt8 = 0
            for coefficient in codeword {
                value = ReedSolomon.multiply(value, ReedSolomon.exponents[root]) ^ coefficient
            }
            #expect(value == 0, "syndrome \(root)")
        }
    }

    @Test func cachedGeneratorsAreTheComputedOnes() {
        for degree in 1...30 { #expect(ReedSolomon.cachedGenerator(degree: degree) == ReedSolomon.generator(degree: degree)) }
        #expect(ReedSolomon.cachedGenerator(degree: 40) == ReedSolomon.generator(degree: 40))
    }

    /// The shift register with logarithms against schoolbook long division with `multiply`, on
    /// random blocks that include zero bytes and runs of them (a zero factor skips a step).
    @Test func remainderEqualsLongDivision() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let degree = Int.random(in: 1...30, using: &generator)
            let data = (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                Bool.random(using: &generator) ? 0 : UInt8.random(in: 0...255, using: &generator)
            }
            let polynomial = ReedSolomon.generator(degree: degree)
            var dividend = data + [UInt8](repeating: 0, count: degree)
            for index in 0..<data.count where dividend[index] != 0 {
                let factor = dividend[index]
                for (offset, coefficient) in polynomial.enumerated() {
                    dividend[index + offset] ^= ReedSolomon.multiply(coefficient, factor)
                }
            }
            #expect(ReedSolomon.remainder(of: data, generator: polynomial) == Array(dividend.suffix(degree)))
        }
    }
}
